"""Pytest fixtures for the fake Telegram; a conftest enables them with pytest_plugins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.fakes.telegram_server import FakeTelegramServer


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegramServer]:
    """A running fake Bot API on 127.0.0.1; its `url` is what TELEGRAM_API_URL should be."""
    async with FakeTelegramServer() as server:
        yield server


@pytest_asyncio.fixture
async def fake_telegram_bot(fake_telegram: FakeTelegramServer) -> AsyncIterator[Bot]:
    """A real aiogram Bot whose every request goes to `fake_telegram`."""
    bot = bot_for(fake_telegram)
    yield bot
    await bot.session.close()


def bot_for(server: FakeTelegramServer, token: str | None = None) -> Bot:
    """An aiogram Bot talking to the fake, as production code would build it from a URL."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    return Bot(token=token or server.token, session=session)
