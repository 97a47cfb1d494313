"""Updates reach a real aiogram Bot through the fake as they would through Telegram."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandStart
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from aiohttp import web

from tests.fakes.telegram_server import FakeTelegramServer

pytest_plugins = ["tests.fakes.fixtures"]

USER = 1001


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=f"Nút {d}", callback_data=d)] for d in data]
    )


async def test_get_updates_offset_confirms_and_drops(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    first = fake_telegram.push_text(USER, "một")
    second = fake_telegram.push_text(USER, "hai")
    third = fake_telegram.push_command(USER, "/start", arg="abc")

    assert [u.update_id for u in await fake_telegram_bot.get_updates()] == [first, second, third]
    assert [u.update_id for u in await fake_telegram_bot.get_updates(limit=1)] == [first]
    again = await fake_telegram_bot.get_updates(offset=second)
    assert [u.update_id for u in again] == [second, third]
    assert again[1].message and again[1].message.text == "/start abc"
    assert await fake_telegram_bot.get_updates(offset=third + 1) == []
    assert fake_telegram.acknowledged_offset == third + 1


async def test_long_poll_returns_when_an_update_arrives(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    poll = asyncio.create_task(fake_telegram_bot.get_updates(timeout=30))
    await fake_telegram.wait_until(lambda: fake_telegram.long_polls_waiting == 1)
    assert not poll.done()

    update_id = fake_telegram.push_text(USER, "xin chào")

    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.update_id for u in updates] == [update_id]


async def test_long_poll_gives_up_after_its_timeout(fake_telegram_bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await fake_telegram_bot.get_updates(timeout=1) == []
    assert loop.time() - started >= 0.9


async def test_duplicate_is_delivered_again_after_confirmation(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    update_id = fake_telegram.push_text(USER, "một")
    await fake_telegram_bot.get_updates()
    assert await fake_telegram_bot.get_updates(offset=update_id + 1) == []

    fake_telegram.push_duplicate(update_id)

    repeated = await fake_telegram_bot.get_updates(offset=update_id + 1)
    assert [u.update_id for u in repeated] == [update_id]
    assert await fake_telegram_bot.get_updates(offset=update_id + 1) == []


async def test_pushed_updates_parse_as_aiogram_updates(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    await fake_telegram_bot.send_message(USER, "Mục 1", reply_markup=keyboard("agree"))
    fake_telegram.push_text(USER, "góp ý", first_name="Lan")
    fake_telegram.push_callback(USER, "agree")
    fake_telegram.push_contact(USER, "+84901234567")
    fake_telegram.push_sticker(USER)
    fake_telegram.push_photo(USER)
    fake_telegram.push_voice(USER)
    fake_telegram.push_edited_text(USER, 2, "góp ý (sửa)")

    updates = await fake_telegram_bot.get_updates(allowed_updates=[])
    assert all(isinstance(u, Update) for u in updates)
    text, tap, contact, sticker, photo, voice, edited = updates
    assert text.message and text.message.from_user and text.message.from_user.first_name == "Lan"
    assert tap.callback_query and tap.callback_query.data == "agree"
    assert isinstance(tap.callback_query.message, Message)
    assert tap.callback_query.message.message_id == 1
    assert contact.message and contact.message.contact
    assert contact.message.contact.user_id == USER
    assert sticker.message and sticker.message.sticker
    assert photo.message and photo.message.photo and voice.message and voice.message.voice
    assert edited.edited_message and edited.edited_message.message_id == 2
    assert edited.edited_message.text == "góp ý (sửa)"


async def test_webhook_blocks_polling_and_receives_posts(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                         await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", webhook)
    async with _serve(app) as url:
        await fake_telegram_bot.set_webhook(url, secret_token="s3cret")
        assert (await fake_telegram_bot.get_webhook_info()).url == url
        with pytest.raises(TelegramConflictError):
            await fake_telegram_bot.get_updates()

        status = await fake_telegram.post_update_to_webhook(url, {"update_id": 5}, "s3cret")

    assert (status, received) == (200, [("s3cret", {"update_id": 5})])


async def test_a_real_dispatcher_polls_and_answers(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Chào mừng", reply_markup=keyboard("begin"))

    polling = asyncio.create_task(
        dispatcher.start_polling(fake_telegram_bot, polling_timeout=1, handle_signals=False,
                                 close_bot_session=False)
    )
    try:
        update_id = fake_telegram.push_command(USER, "/start")
        (reply,) = await fake_telegram.wait_for_messages(USER, 1)
        await fake_telegram.wait_until(lambda: fake_telegram.acknowledged_offset > update_id)
    finally:
        await dispatcher.stop_polling()
        await polling

    assert reply["text"] == "Chào mừng"
    assert fake_telegram.violations == []


def test_pushing_a_malformed_update_fails_loudly() -> None:
    server = FakeTelegramServer()

    with pytest.raises(ValueError, match="message.chat"):
        server.push_update({"message": {"message_id": 1, "date": 0, "text": "no chat"}})


class _serve:
    """Serve an aiohttp app on an ephemeral port for the length of a block."""

    def __init__(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None)

    async def __aenter__(self) -> str:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}/hook"

    async def __aexit__(self, *exc_info: object) -> None:
        await self._runner.cleanup()



async def test_a_second_poller_terminates_the_first(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    first = asyncio.create_task(fake_telegram_bot.get_updates(timeout=30))
    await fake_telegram.wait_until(lambda: fake_telegram.long_polls_waiting == 1)

    second = asyncio.create_task(fake_telegram_bot.get_updates(timeout=30))

    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, timeout=5)
    fake_telegram.push_text(USER, "một")
    assert len(await asyncio.wait_for(second, timeout=5)) == 1


async def test_closing_the_server_answers_waiting_long_polls() -> None:
    server = await FakeTelegramServer().start()
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await server.wait_until(lambda: server.long_polls_waiting == 1)

        await asyncio.wait_for(server.close(), timeout=5)

        assert await asyncio.wait_for(poll, timeout=5) == []
    finally:
        await bot.session.close()
