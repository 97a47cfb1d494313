"""Webhook mode: only Telegram (with the secret) gets in, and 2xx means the update is saved."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.config import Settings
from storage.models import Comment, HandledUpdate, Identity
from tests.bot.channels.test_telegram_e2e import load_sample
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.running import running

SECRET = "s3cret-webhook-token-for-tests"
USER = 7001


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def update(update_id: int, **message: Any) -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Hà"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1764547200, "chat": {"id": USER, "type": "private"},
        "from": user, **message}}


@pytest.fixture
async def webhook_bot(
    fake_telegram: FakeTelegramServer, database_url: str
) -> AsyncIterator[tuple[App, str]]:
    port = free_port()
    settings = Settings(
        database_url=database_url, telegram_bot_token=fake_telegram.token,
        telegram_api_url=fake_telegram.url, telegram_webhook_url=f"https://gopy.example/tg/{port}",
        telegram_webhook_secret=SECRET, webhook_port=port, _env_file=None,
    )
    await load_sample(settings)
    async with running(settings) as app:
        await fake_telegram.wait_until(
            lambda: any(c.method == "setWebhook" for c in fake_telegram.calls))
        yield app, f"http://127.0.0.1:{port}/tg/{port}"


async def count(app: App, model: type) -> int:
    async with app.uow(write=False) as uow:
        return int((await uow.session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_webhook_is_set_with_the_secret(
    fake_telegram: FakeTelegramServer, webhook_bot: tuple[App, str]
) -> None:
    [call] = [c for c in fake_telegram.calls if c.method == "setWebhook"]
    assert call.params["secret_token"] == SECRET
    assert call.params["url"].startswith("https://gopy.example/tg/")


async def test_requests_without_the_right_secret_are_refused_and_change_nothing(
    fake_telegram: FakeTelegramServer, webhook_bot: tuple[App, str]
) -> None:
    app, url = webhook_bot
    link = update(1, contact={"phone_number": "0912345678", "first_name": "Hà", "user_id": USER})
    assert await FakeTelegramServer.post_update_to_webhook(url, link) == 403
    assert await FakeTelegramServer.post_update_to_webhook(url, link, secret="wrong") == 403
    assert await count(app, Identity) == 0 and await count(app, HandledUpdate) == 0


async def test_malformed_bodies_are_refused(webhook_bot: tuple[App, str]) -> None:
    app, url = webhook_bot
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with ClientSession() as http:
        for body in (b"not json", b"[]", b'{"update_id": "x"}', b'{"message": {}}'):
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == 400, body
    assert await count(app, HandledUpdate) == 0


async def test_a_2xx_means_the_comment_is_already_saved(
    fake_telegram: FakeTelegramServer, webhook_bot: tuple[App, str]
) -> None:
    app, url = webhook_bot
    post = FakeTelegramServer.post_update_to_webhook
    contact = {"phone_number": "+84912345678", "first_name": "Hà", "user_id": USER}
    assert await post(url, update(10, contact=contact), secret=SECRET) == 200
    assert await count(app, Identity) == 1
    assert await post(url, update(11, text="/start", entities=[
        {"type": "bot_command", "offset": 0, "length": 6}]), secret=SECRET) == 200
    await fake_telegram.wait_until(lambda: "23 mục" in (fake_telegram.last_text(USER) or ""))
    # The member opens section 1 (callback), then types a comment.
    intro = fake_telegram.sent_messages(USER)[-1]
    start = intro["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    # The fake builds the callback (it must know its id to accept the answer); we post it.
    callback_id = fake_telegram.push_callback(USER, start)
    callback = fake_telegram.updates.take(100)[-1]
    assert callback["update_id"] == callback_id
    assert await post(url, callback, secret=SECRET) == 200
    assert await post(url, update(10013, text="Góp ý qua webhook"), secret=SECRET) == 200
    assert await post(url, update(10013, text="Góp ý qua webhook"), secret=SECRET) == 200  # resent
    async with app.uow(write=False) as uow:
        [comment] = (await uow.session.execute(select(Comment))).scalars().all()
    assert comment.text == "Góp ý qua webhook"
    await fake_telegram.wait_until(lambda: "Đã lưu ý kiến" in (fake_telegram.last_text(USER) or ""))
    assert fake_telegram.violations == []
