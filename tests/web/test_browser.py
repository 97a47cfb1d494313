"""The console in a real browser (Debian's chromium driven by Playwright): sign in through a
link, watch the figures follow a member commenting, download the CSV; screenshots of every
page at phone and laptop width go to docs/screenshots/ for the guides."""

from __future__ import annotations

import codecs
import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import App
from bot.channels.telegram import TelegramChannel
from bot.webhook import WebhookServer
from storage import progress
from storage.consultations import current_consultation
from storage.exports import export_csv
from tests.conftest import ROOT, Bloc
from tests.handlers.test_secretary import person
from tests.web.conftest import link_for
from web.app import add_console

CHROMIUM = os.environ.get("GOPY_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"dien-thoai": (390, 844), "may-tinh": (1280, 900)}

if not Path(CHROMIUM).exists() or shutil.which("true") is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI needs chromium at {CHROMIUM} (scripts/ensure-chromium.sh)")
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (CI installs it)",
                allow_module_level=True)

playwright_api = pytest.importorskip("playwright.async_api")


@pytest.fixture
async def site(app: App) -> AsyncIterator[str]:
    """The console on the bot's own server, as `gopy run` serves it, on a free port."""
    server = WebhookServer("127.0.0.1", 0, pages=lambda web_app: add_console(web_app, app))
    await server.start()
    yield f"http://127.0.0.1:{server.port}"
    await server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    async with playwright_api.async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


async def figure(page: object, name: str) -> int:
    text = await page.locator(f'[data-figure="{name}"]').inner_text()  # type: ignore[attr-defined]
    return int(text.replace(".", ""))


async def test_office_follows_a_member_and_downloads_the_csv(
    app: App, bloc: Bloc, site: str, browser: object, tmp_path: Path
) -> None:
    app.engine.register("telegram", TelegramChannel.caps)
    context = await browser.new_context(viewport={"width": 1280, "height": 900},  # type: ignore[attr-defined]
                                        accept_downloads=True, locale="vi-VN")
    page = await context.new_page()
    await page.goto(f"{site}/dang-nhap?t={await link_for(app, bloc.members['office'])}")
    assert await page.locator("h1").inner_text() == "Tổng quan"
    assert await figure(page, "finished") == 0 and await figure(page, "not_started") == 5

    an = await person(app.engine, "an")  # a member comments while the Office watches
    await an.command("start")
    await an.tap("Bắt đầu")
    await an.tap("Nhất trí")
    await page.reload()
    async with app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        assert consultation is not None
        totals = await progress.totals(uow.session, consultation.id)
    assert await figure(page, "started") == totals.started == 1
    assert await figure(page, "not_started") == totals.members - totals.finished - totals.started

    await page.get_by_role("link", name="Tải về").click()
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Tải về").click()
    download = await waiting.value
    saved = tmp_path / "download.csv"
    await download.save_as(saved)
    expected = io.BytesIO()
    async with app.uow(write=False) as uow:
        await export_csv(uow.session, expected, consultation.id, tz=app.settings.tz)
    assert saved.read_bytes() == expected.getvalue()
    assert saved.read_bytes().startswith(codecs.BOM_UTF8)
    await context.close()


async def test_screenshots_of_every_page(
    app: App, bloc: Bloc, site: str, browser: object
) -> None:
    """For docs/huong-dan-*.md; looked at by a person before each commit of them."""
    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.command("start")
    await an.tap("Bắt đầu")
    await an.tap("Nhất trí")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "office": ["/", "/to-chuc", "/chi-bo/GD1", "/y-kien", "/tai-ve", "/nhat-ky"],
        "binh": ["/chi-bo/GD1", "/y-kien", "/tai-ve"],
    }
    names = {"/": "tong-quan", "/to-chuc": "to-chuc", "/chi-bo/GD1": "chi-bo", "/y-kien": "y-kien",
             "/tai-ve": "tai-ve", "/nhat-ky": "nhat-ky"}
    for who, paths in pages.items():
        role = "van-phong" if who == "office" else "bi-thu"
        for width_name, (width, height) in WIDTHS.items():
            context = await browser.new_context(  # type: ignore[attr-defined]
                viewport={"width": width, "height": height}, locale="vi-VN")
            page = await context.new_page()
            await page.goto(f"{site}/dang-nhap?t={await link_for(app, bloc.members[who])}")
            for path in paths:
                response = await page.goto(site + path)
                assert response is not None and response.status == 200, path
                await page.screenshot(path=str(SHOTS / f"{role}-{names[path]}-{width_name}.png"),
                                      full_page=True)
            await context.close()
    context = await browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = await context.new_page()
    response = await page.goto(f"{site}/dang-nhap?t=het-han")
    assert response is not None and response.status == 401
    await page.screenshot(path=str(SHOTS / "dang-nhap-khong-duoc-dien-thoai.png"), full_page=True)
    await context.close()
