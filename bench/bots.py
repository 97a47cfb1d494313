"""The two bots the update benchmark drives, each in its own process:

  python -m bench.bots ours API_URL DATABASE_URL   the real bot, wired as `gopy run` wires it
  python -m bench.bots echo API_URL                aiogram alone: one handler, one message back

Both stop cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery, Message, Update

from bot import bootstrap
from bot.channels.telegram import make_bot
from bot.config import Settings
from bot.runner import messenger_channels, serve

TOKEN = "123456:TEST-token"
# The production pace keeps every reply under Telegram's 30 messages/second. That is a
# platform limit, measured by the reminder benchmark; here it would only measure the
# pacer, so the overall pace is lifted. The per-chat pace (1/s, bursts of 3) stays.
UNCAPPED = 1_000_000.0


async def run_ours(api_url: str, database_url: str, stop: asyncio.Event) -> None:
    settings = Settings(
        database_url=database_url, telegram_bot_token=TOKEN, telegram_api_url=api_url,
        telegram_messages_per_second=UNCAPPED, _env_file=None,
    )
    app = await bootstrap.build(settings)
    channels = messenger_channels(settings)
    for channel in channels:
        app.add_channel(channel)
    try:
        await serve(app, channels, stop)
    finally:
        await app.close()


def echo_router() -> Router:
    router = Router()

    @router.message()
    async def echo(message: Message, event_update: Update) -> None:
        await message.answer(f"echo {event_update.update_id}")

    @router.callback_query()
    async def tap(query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        # Answer the tap (Telegram's spinner) and send one message, as our bot does.
        await query.answer()
        assert query.message is not None
        await bot.send_message(query.message.chat.id, f"echo {event_update.update_id}")

    return router


async def run_echo(api_url: str, stop: asyncio.Event) -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    bot: Bot = make_bot(TOKEN, api_url)
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        await stop.wait()
        await dispatcher.stop_polling()
        await polling
    finally:
        await bot.session.close()


async def run(kind: str, api_url: str, database_url: str | None, stop: asyncio.Event) -> None:
    if kind == "ours":
        assert database_url is not None
        await run_ours(api_url, database_url, stop)
    elif kind == "echo":
        await run_echo(api_url, stop)
    else:
        raise ValueError(f"unknown bot {kind!r}: ours | echo")


async def _main(argv: list[str]) -> None:
    kind, api_url, *rest = argv
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(kind, api_url, rest[0] if rest else None, stop)


def main(argv: list[str]) -> None:
    asyncio.run(_main(argv))


if __name__ == "__main__":
    main(sys.argv[1:])
