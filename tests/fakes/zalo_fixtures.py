"""Pytest fixtures for the fake Zalo; the root conftest enables them with pytest_plugins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.channels.zalo import ZaloClient
from tests.fakes.zalo_server import FakeZaloServer


@pytest_asyncio.fixture
async def fake_zalo() -> AsyncIterator[FakeZaloServer]:
    """A running fake Zalo Bot API on 127.0.0.1; its `url` is what ZALO_API_URL should be."""
    async with FakeZaloServer() as server:
        yield server


@pytest_asyncio.fixture
async def fake_zalo_client(fake_zalo: FakeZaloServer) -> AsyncIterator[ZaloClient]:
    """Our own Zalo client, talking to `fake_zalo`."""
    client = ZaloClient(fake_zalo.token, fake_zalo.url)
    yield client
    await client.close()
