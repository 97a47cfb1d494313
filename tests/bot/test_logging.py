"""Secrets and logs: at DEBUG, even with Telegram failing, no token or phone number is logged."""

from __future__ import annotations

import asyncio
import csv
import logging
import re
import traceback
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramAPIError

from bot import bootstrap, runner
from bot.bootstrap import App
from bot.config import Settings
from storage.phones import normalize_phone
from tests.bot.channels.test_telegram_e2e import ROSTER, load_sample
from tests.bot.channels.test_telegram_webhook import free_port
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.running import running

TOKEN = "987654321:AAH-s3cr3t-Pr1vate_TokenPart-xyz0123"
WEBHOOK_SECRET = "webhook-s3cr3t-never-logged"
USER = 5001  # Nguyễn Thị Thu Hà in the sample roster
PHONE = "0912 345 678"
CAPTURED = ("", "aiogram", "aiohttp", "asyncio", "bot", "handlers", "storage")


def roster_phones() -> set[str]:
    """Every roster phone as written in the file, normalised, and as its national digits."""
    forms: set[str] = set()
    with ROSTER.open(encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            raw = row["phone"].strip()
            normal = normalize_phone(raw)
            assert normal is not None
            forms |= {raw, normal, normal[1:]}  # "912345678" is inside +84…, 84… and 0…
    return forms


def secrets() -> set[str]:
    return {TOKEN, TOKEN.split(":", 1)[1], WEBHOOK_SECRET}


def logged_text(records: Iterable[logging.LogRecord]) -> list[str]:
    """Each record as a log file would show it: message, traceback and stack."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in records]


def assert_clean(lines: Iterable[str]) -> None:
    """No secret and no full phone number in any line."""
    forbidden = secrets() | roster_phones()
    for line in lines:
        found = sorted(word for word in forbidden if word in line)
        assert not found, f"{found} in log line: {line[:500]}"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything at DEBUG, as LOG_LEVEL=DEBUG gives it (the bot's own quietening still applies)."""
    for name in CAPTURED:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def settings_for(server: FakeTelegramServer, database_url: str, **extra: object) -> Settings:
    return Settings(
        database_url=database_url, telegram_bot_token=TOKEN, telegram_api_url=server.url,
        telegram_poll_timeout=1, log_level="DEBUG", _env_file=None, **extra,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def serving(
    settings: Settings, server: FakeTelegramServer, log: pytest.LogCaptureFixture
) -> AsyncIterator[App]:
    """The bot as `gopy run` serves Telegram (polling or webhook), until the block ends."""
    app = await bootstrap.build(settings)
    for name in ("aiogram", "aiohttp"):  # louder than production, to be sure they stay clean
        log.set_level(logging.DEBUG, logger=name)
    async with running(settings, app=app):
        await server.wait_until(lambda: any(
            c.method in ("getUpdates", "setWebhook") for c in server.calls))
        yield app


async def said(server: FakeTelegramServer, fragment: str, times: int = 1) -> None:
    """Until the bot has sent `fragment` to the member `times` times in all."""
    def enough() -> bool:
        return sum(fragment in (m.get("text") or "") for m in server.sent_messages(USER)) >= times

    await server.wait_until(enough, timeout=15)


@pytest.fixture
def telegram(fake_telegram: FakeTelegramServer) -> FakeTelegramServer:
    fake_telegram.token = TOKEN  # the fake answers only to this token in the URL
    return fake_telegram


async def test_polling_log_has_no_secrets_or_phones_and_follows_an_update(
    telegram: FakeTelegramServer, database_url: str, debug_log: pytest.LogCaptureFixture
) -> None:
    """Linking by phone, commenting, and Telegram failing (500, 429): the log stays clean."""
    settings = settings_for(telegram, database_url)
    await load_sample(settings)
    telegram.fail_next("getUpdates", error_code=500)
    async with serving(settings, telegram, debug_log):
        telegram.push_contact(USER, PHONE)
        await said(telegram, "Đã xác nhận")
        telegram.push_callback(USER, "m:p:1")
        await said(telegram, "Mục 1/23")
        telegram.fail_next("sendMessage", USER, error_code=500)
        comment = telegram.push_text(USER, "Ý kiến thứ nhất.")
        await said(telegram, "Đã lưu ý kiến")
        telegram.fail_next("sendMessage", USER, error_code=429, retry_after=1)
        telegram.push_text(USER, "Ý kiến thứ hai.")
        await telegram.wait_until(lambda: telegram.acknowledged_offset > comment + 1)
        telegram.push_text(USER, "Ý kiến thứ ba.")
        await said(telegram, "Đã lưu ý kiến", times=3)  # the refused one is sent again
    lines = logged_text(debug_log.records)
    assert_clean(lines)
    assert any(f"telegram:{comment}" in line for line in lines), "the update cannot be followed"
    assert any("getUpdates failed" in line for line in lines)


async def test_webhook_log_has_no_secrets_or_phones(
    telegram: FakeTelegramServer, database_url: str, debug_log: pytest.LogCaptureFixture
) -> None:
    """Webhook mode: a wrong secret and a failing reply are logged, without secrets or phones."""
    port = free_port()
    settings = settings_for(telegram, database_url, telegram_webhook_url="https://gopy.example/tg",
                            telegram_webhook_secret=WEBHOOK_SECRET, webhook_port=port)
    await load_sample(settings)
    url = f"http://127.0.0.1:{port}/tg"
    user = {"id": USER, "is_bot": False, "first_name": "Hà"}
    message = {"date": 1764547200, "chat": {"id": USER, "type": "private"}, "from": user}
    contact = {"phone_number": PHONE, "first_name": "Hà", "user_id": USER}
    post = FakeTelegramServer.post_update_to_webhook
    async with serving(settings, telegram, debug_log):
        link = {"update_id": 41, "message": {**message, "message_id": 1, "contact": contact}}
        assert await post(url, link, secret="wrong-" + WEBHOOK_SECRET) == 403
        assert await post(url, link, secret=WEBHOOK_SECRET) == 200
        telegram.fail_next("sendMessage", USER, error_code=400, times=3)
        start = {"update_id": 42, "message": {**message, "message_id": 2, "text": "/start"}}
        assert await post(url, start, secret=WEBHOOK_SECRET) == 200
        await asyncio.sleep(0.5)  # the failing replies go out after the 200
    lines = logged_text(debug_log.records)
    assert_clean(lines)
    assert any("telegram:41" in line for line in lines)
    assert any("not delivered" in line for line in lines), "the failed reply should be logged"


@pytest.mark.parametrize("problem", ["closed port", "wrong token"])
async def test_startup_failures_show_no_token(
    telegram: FakeTelegramServer, database_url: str, debug_log: pytest.LogCaptureFixture,
    problem: str,
) -> None:
    """`gopy run` failing to reach Telegram: neither the error nor the log shows the token."""
    api = f"http://127.0.0.1:{free_port()}" if problem == "closed port" else telegram.url
    if problem == "wrong token":
        telegram.token = "111:another-token"
    settings = settings_for(telegram, database_url).model_copy(update={"telegram_api_url": api})
    with pytest.raises(Exception) as failure:  # a TaskGroup may wrap the Telegram error
        await asyncio.wait_for(runner.run(settings), timeout=30)
    errors = list(flatten(failure.value))
    assert any(isinstance(e, TelegramAPIError) for e in errors), errors
    shown = [text for e in errors for text in (str(e), repr(e))]
    shown.append("".join(traceback.format_exception(failure.value)))
    assert_clean([*shown, *logged_text(debug_log.records)])


def flatten(error: BaseException) -> Iterable[BaseException]:
    """The error, its causes, and what an exception group holds."""
    yield error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from flatten(inner)
    if error.__cause__ is not None:
        yield from flatten(error.__cause__)


def test_settings_never_print_secrets(tmp_path: Path) -> None:
    """Settings printed, dumped to JSON or put in an error message hide the token and secret."""
    settings = Settings(telegram_bot_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                        database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", _env_file=None)
    shown = [repr(settings), str(settings), settings.model_dump_json(), repr(settings.model_dump()),
             f"{settings}", repr(settings.telegram_bot_token)]
    assert_clean(shown)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert re.search(r"\*{5,}", repr(settings))
