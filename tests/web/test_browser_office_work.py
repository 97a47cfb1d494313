"""The Office's work in a real browser: a .docx draft uploaded and its round opened, a roster
with a bad row then a good one, the deadline moved, a group decided; screenshots of the new
pages at phone and laptop width for the guides."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx

from bot.bootstrap import App
from tests.conftest import SEED_DRAFT, Bloc
from tests.handlers.test_secretary import seed
from tests.support.clock import FakeClock
from tests.web.conftest import link_for
from tests.web.test_browser import SHOTS, WIDTHS, browser, site  # noqa: F401  (fixtures)

BAD_ROSTER = ("cell_code,cell_name,organization,full_name,phone,role\n"
              "GD1,Chi bộ Văn phòng Sở,Đảng bộ Sở Giáo dục,Đỗ Thị Mai,12345,member\n")
GOOD_ROSTER = BAD_ROSTER.replace("12345", "0913111222")


async def office_page(app: App, bloc: Bloc, site: str, browser: object, width: int = 1280) -> object:  # noqa: F811
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
    page = await context.new_page()
    await page.goto(f"{site}/dang-nhap?t={await link_for(app, bloc.members['office'])}")
    return page


def seed_docx(folder: Path) -> Path:
    document = docx.Document()
    for line in SEED_DRAFT.read_text(encoding="utf-8").split("\n"):
        if re.match(r"^[IVX]+\.\s", line):
            document.add_heading(line, level=1)
        else:
            document.add_paragraph(line)
    path = folder / "du-thao-lan-4.docx"
    data = io.BytesIO()
    document.save(data)
    path.write_bytes(data.getvalue())
    return path


async def test_upload_a_docx_draft_and_open_the_round(
    app: App, bloc: Bloc, site: str, browser: object, tmp_path: Path  # noqa: F811
) -> None:
    page = await office_page(app, bloc, site, browser)
    await page.get_by_role("link", name="Dự thảo").click()  # type: ignore[attr-defined]
    await page.set_input_files("#d-file", str(seed_docx(tmp_path)))  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Xem trước các mục").click()  # type: ignore[attr-defined]
    assert "23 mục" in await page.locator("h2").first.inner_text()  # type: ignore[attr-defined]
    await page.fill("#o-title", "Góp ý dự thảo báo cáo chính trị (lần 4)")  # type: ignore[attr-defined]
    await page.fill("#o-deadline", "2026-12-20T17:00")  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Mở đợt lấy ý kiến").click()  # type: ignore[attr-defined]
    assert "Đã mở đợt lấy ý kiến" in await page.locator("[role=status]").inner_text()  # type: ignore[attr-defined]
    assert "17:00 ngày 20/12/2026" in await page.locator("[data-deadline]").inner_text()  # type: ignore[attr-defined]


async def test_a_roster_with_a_bad_row_then_a_good_one(
    app: App, bloc: Bloc, site: str, browser: object, tmp_path: Path  # noqa: F811
) -> None:
    page = await office_page(app, bloc, site, browser)
    await page.get_by_role("link", name="Danh sách đảng viên").click()  # type: ignore[attr-defined]
    bad = tmp_path / "danh-sach.csv"
    bad.write_text(BAD_ROSTER, encoding="utf-8")
    await page.set_input_files("#r-file", str(bad))  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Kiểm tra và xem trước").click()  # type: ignore[attr-defined]
    row = page.locator(".problems tbody tr").first  # type: ignore[attr-defined]
    assert (await row.locator("td").all_inner_texts())[:2] == ["2", "phone"]
    bad.write_text(GOOD_ROSTER, encoding="utf-8")
    await page.set_input_files("#r-file", str(bad))  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Kiểm tra và xem trước").click()  # type: ignore[attr-defined]
    assert await page.locator('[data-figure="added"]').inner_text() == "1"  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Xác nhận nhập").click()  # type: ignore[attr-defined]
    assert "Đã nhập tệp danh-sach.csv" in await page.locator("h2").first.inner_text()  # type: ignore[attr-defined]


async def test_change_the_deadline(
    app: App, bloc: Bloc, site: str, browser: object  # noqa: F811
) -> None:
    page = await office_page(app, bloc, site, browser)
    await page.get_by_role("link", name="Đợt lấy ý kiến").click()  # type: ignore[attr-defined]
    await page.fill("#r-deadline", "2027-01-05T17:00")  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Đổi hạn chót").click()  # type: ignore[attr-defined]
    assert "17:00 ngày 05/01/2027" in await page.locator("[data-deadline]").inner_text()  # type: ignore[attr-defined]


async def test_decide_a_group_and_screenshots(
    app: App, bloc: Bloc, site: str, browser: object, clock: FakeClock  # noqa: F811
) -> None:
    await seed(app.engine, bloc, clock)
    page = await office_page(app, bloc, site, browser)
    await page.get_by_role("link", name="Tổng hợp ý kiến").click()  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Nhóm lại ý kiến").click()  # type: ignore[attr-defined]
    before = int(await page.locator("[data-undecided]").get_attribute("data-undecided"))  # type: ignore[attr-defined]
    await page.locator("tbody a").first.click()  # type: ignore[attr-defined]
    group = page.locator("section.group").first  # type: ignore[attr-defined]
    await group.locator("select[name=outcome]").select_option("tiep-thu")
    await group.locator("textarea").fill("Bổ sung vào dự thảo.")
    await group.get_by_role("button", name="Ghi quyết định").click()
    assert "Tiếp thu — Bổ sung vào dự thảo." in await page.locator("section.group").first.inner_text()  # type: ignore[attr-defined]
    await page.get_by_role("link", name="← Các mục").click()  # type: ignore[attr-defined]
    assert int(await page.locator("[data-undecided]").get_attribute("data-undecided")) == before - 1  # type: ignore[attr-defined]

    SHOTS.mkdir(parents=True, exist_ok=True)
    section = bloc.section_ids[0]
    shots = {"/dang-vien": "danh-sach", "/ma-truy-cap": "ma-ca-nhan", "/du-thao": "du-thao",
             "/dot-lay-y-kien": "dot-lay-y-kien", "/tong-hop": "tong-hop",
             f"/tong-hop/muc/{section}": "tong-hop-muc"}
    for width_name, (width, _) in WIDTHS.items():
        office = await office_page(app, bloc, site, browser, width)
        for path, name in shots.items():
            response = await office.goto(site + path)  # type: ignore[attr-defined]
            assert response.status == 200, path
            await office.screenshot(path=str(SHOTS / f"van-phong-{name}-{width_name}.png"), full_page=True)  # type: ignore[attr-defined]
        context = await browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
        binh = await context.new_page()
        await binh.goto(f"{site}/dang-nhap?t={await link_for(app, bloc.members['binh'])}")
        await binh.get_by_role("button", name="✅ Chốt ý kiến chi bộ").click()
        await binh.screenshot(path=str(SHOTS / f"bi-thu-chot-{width_name}.png"), full_page=True)
