"""No update can stall the bot: one that cannot be read, or that fails every time it is
handled, is parked as a dead letter and acknowledged, and everyone else is answered."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import deadletter_commands
from bot.bootstrap import App
from bot.config import Settings
from content import strings
from storage import comments
from storage.models import Comment, CommentPart, DeadLetter
from tests.bot.channels.test_telegram_e2e import load_sample
from tests.bot.channels.test_telegram_webhook import free_port
from tests.bot.test_logging import debug_log, logged_text  # noqa: F401 - a fixture
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.running import running

MEMBER = 5001  # Nguyễn Thị Thu Hà in the sample roster
OTHER = 5002
PHONES = {MEMBER: "0912345678", OTHER: "0977215630"}  # Hà and Ánh, cell GD-VP
NAME = "Thu Hà"  # the first name Telegram shows; must never reach the log
SECRET = "dead-letter-webhook-secret"
POISON = "Ý kiến làm hỏng bộ xử lý"


def settings_for(server: FakeTelegramServer, database_url: str, **extra: Any) -> Settings:
    return Settings(database_url=database_url, telegram_bot_token=server.token,
                    telegram_api_url=server.url, telegram_poll_timeout=1, _env_file=None,
                    **extra)


def unreadable_poll(server: FakeTelegramServer, user_id: int) -> int:
    """A poll in the shape aiogram 3.31 refuses (no persistent_id, allows_revoting, …)."""
    update = poll_body(0, user_id)
    del update["update_id"]
    return server.push_unchecked_update(update)


def poll_body(update_id: int, user_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1764547200, "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": NAME},
        "poll": {"id": "p1", "question": "?", "total_voter_count": 0, "is_closed": False,
                 "options": [{"text": "Có", "voter_count": 0}], "is_anonymous": True,
                 "type": "regular", "allows_multiple_answers": False}}}


def text_body(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1764547200, "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": NAME}, "text": text}}


async def count(app: App, model: type, *where: Any) -> int:
    async with app.uow(write=False) as uow:
        query = select(func.count()).select_from(model).where(*where)
        return int((await uow.session.execute(query)).scalar_one())


async def linked_and_reading(server: FakeTelegramServer, *users: int) -> None:
    """Each member shares their phone and opens section 1, as in the chat."""
    for user in users:
        server.push_contact(user, PHONES[user])
        await said(server, user, "Đã xác nhận")
        server.push_callback(user, "m:p:1")
        await said(server, user, "Mục 1/23")


async def said(server: FakeTelegramServer, user: int, text: str, times: int = 1) -> None:
    await server.wait_until(lambda: sum(
        text in (m.get("text") or "") for m in server.sent_messages(user)) >= times)


def assert_no_member_data(records: list[logging.LogRecord], *texts: str) -> None:
    lines = logged_text(records)
    for line in lines:
        for text in (NAME, *texts):
            assert text not in line, f"{text!r} in log line: {line[:300]}"


@pytest.fixture
def poison(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A handler bug that strikes one member's comment, every time it is handled."""
    add_text = comments.add_text

    async def broken(session: Any, member: Any, section: Any, text: str, *args: Any,
                     **options: Any) -> Any:
        saved = await add_text(session, member, section, text, *args, **options)  # half done, then:
        if text == POISON:
            raise KeyError("section")
        return saved

    monkeypatch.setattr(comments, "add_text", broken)
    yield


async def test_polling_parks_an_unreadable_update_and_answers_the_rest_of_its_batch(
    fake_telegram: FakeTelegramServer, database_url: str, debug_log: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    settings = settings_for(fake_telegram, database_url)
    await load_sample(settings)
    async with running(settings) as app:
        await linked_and_reading(fake_telegram, MEMBER)
        unreadable = unreadable_poll(fake_telegram, MEMBER)
        fake_telegram.push_text(MEMBER, "Đề nghị bổ sung số liệu năm 2025.")
        await said(fake_telegram, MEMBER, "Đã lưu ý kiến")
        await fake_telegram.wait_until(lambda: fake_telegram.acknowledged_offset > unreadable + 1)
        [letter] = await _letters(app)
        saved = await count(app, Comment)

    assert letter.update_key == f"telegram:{unreadable}" and letter.stage == "read"
    assert '"poll"' in letter.raw
    assert saved == 1
    assert_no_member_data(debug_log.records, "Đề nghị bổ sung số liệu")


async def test_a_new_process_with_an_unreadable_update_first_starts_and_carries_on(
    fake_telegram: FakeTelegramServer, database_url: str,
) -> None:
    settings = settings_for(fake_telegram, database_url)
    await load_sample(settings)
    async with running(settings):
        await linked_and_reading(fake_telegram, MEMBER)
    unreadable = unreadable_poll(fake_telegram, MEMBER)  # waiting when the bot starts again
    fake_telegram.push_text(MEMBER, "Ý kiến sau khi khởi động lại.")

    async with running(settings) as app:
        await said(fake_telegram, MEMBER, "Đã lưu ý kiến")
        await fake_telegram.wait_until(lambda: fake_telegram.acknowledged_offset > unreadable + 1)
        assert [letter.update_key for letter in await _letters(app)] == [f"telegram:{unreadable}"]


async def test_the_webhook_parks_an_unreadable_update_with_a_2xx(
    fake_telegram: FakeTelegramServer, database_url: str, debug_log: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    port = free_port()
    settings = settings_for(fake_telegram, database_url, webhook_port=port,
                            telegram_webhook_url="https://gopy.example/tg",
                            telegram_webhook_secret=SECRET)
    await load_sample(settings)
    url = f"http://127.0.0.1:{port}/tg"
    post = FakeTelegramServer.post_update_to_webhook
    contact = {"phone_number": PHONES[MEMBER], "first_name": NAME, "user_id": MEMBER}
    async with running(settings) as app:
        await fake_telegram.wait_until(
            lambda: any(c.method == "setWebhook" for c in fake_telegram.calls))
        link = {**text_body(1, MEMBER, ""), "message": {**text_body(1, MEMBER, "")["message"],
                                                       "contact": contact}}
        del link["message"]["text"]
        assert await post(url, link, secret=SECRET) == 200
        assert await post(url, text_body(2, MEMBER, "/start"), secret=SECRET) == 200
        assert await post(url, poll_body(3, MEMBER), secret=SECRET) == 200
        assert await post(url, poll_body(3, MEMBER), secret=SECRET) == 200  # delivered again
        assert await post(url, text_body(4, MEMBER, "mục 1"), secret=SECRET) == 200
        await said(fake_telegram, MEMBER, "Mục 1/23")
        [letter] = await _letters(app)

    assert letter.update_key == "telegram:3"
    assert_no_member_data(debug_log.records)


async def test_a_comment_that_breaks_a_handler_is_parked_and_nothing_half_saved(
    fake_telegram: FakeTelegramServer, database_url: str, poison: None,
    debug_log: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    settings = settings_for(fake_telegram, database_url)
    await load_sample(settings)
    async with running(settings) as app:
        await linked_and_reading(fake_telegram, MEMBER, OTHER)
        broken = fake_telegram.push_text(MEMBER, POISON)
        fake_telegram.push_text(OTHER, "Ý kiến của đồng chí khác.")
        fake_telegram.push_text(MEMBER, "Ý kiến tiếp theo của tôi.")
        await said(fake_telegram, OTHER, "Đã lưu ý kiến")
        await said(fake_telegram, MEMBER, "Đã lưu ý kiến")
        await said(fake_telegram, MEMBER, strings.ERROR[:40])
        await fake_telegram.wait_until(lambda: fake_telegram.acknowledged_offset > broken + 2)
        [letter] = await _letters(app)
        half_saved = await count(app, CommentPart, CommentPart.text == POISON)
        lines = await deadletter_commands.list_lines(app)

    assert letter.update_key == f"telegram:{broken}" and letter.stage == "handle"
    assert letter.attempts == 3 and letter.error.startswith("KeyError")
    assert half_saved == 0
    assert len(lines) == 1 and f"telegram:{broken}" in lines[0]
    assert_no_member_data(debug_log.records, POISON)


async def test_a_parked_comment_is_saved_by_a_replay_once_fixed(
    fake_telegram: FakeTelegramServer, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_for(fake_telegram, database_url)
    await load_sample(settings)
    add_text = comments.add_text

    async def broken(*args: Any, **options: Any) -> Any:
        raise KeyError("section")

    monkeypatch.setattr(comments, "add_text", broken)
    async with running(settings) as app:
        await linked_and_reading(fake_telegram, MEMBER)
        fake_telegram.push_text(MEMBER, POISON)
        await said(fake_telegram, MEMBER, strings.ERROR[:40])
        [letter] = await _letters(app)
        failed = await deadletter_commands.replay(app, letter.id)
        monkeypatch.setattr(comments, "add_text", add_text)  # the fix is deployed
        done = await deadletter_commands.replay(app, letter.id)
        again = await deadletter_commands.replay(app, letter.id)
        await said(fake_telegram, MEMBER, "Đã lưu ý kiến")  # the replay's answer leaves
        async with app.uow(write=False) as uow:
            [comment] = (await uow.session.execute(select(Comment))).scalars().all()

    assert failed == strings.CLI_DEAD_FAILED.format(
        id=letter.id, error=failed.split("(", 1)[1].split(")")[0])
    assert done == strings.CLI_DEAD_DONE.format(id=letter.id, replies=1)
    assert again.startswith(strings.CLI_DEAD_ALREADY.split("{")[0])
    assert comment.text == POISON


async def _letters(app: App) -> list[DeadLetter]:
    async with app.uow(write=False) as uow:
        return list((await uow.session.execute(select(DeadLetter).order_by(DeadLetter.id)))
                    .scalars())
