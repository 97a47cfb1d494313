"""The bot as `gopy run` wires it (bot.runner.serve), running until the block ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot import bootstrap, runner
from bot.bootstrap import App
from bot.clock import Clock
from bot.config import Settings
from bot.webhook import WebhookServer


@asynccontextmanager
async def running(
    settings: Settings, *, clock: Clock | None = None, web: WebhookServer | None = None,
    app: App | None = None,
) -> AsyncIterator[App]:
    """Every configured messenger and its outbox sender; fails if the bot stopped on its own."""
    app = app or await bootstrap.build(settings, clock=clock)
    channels = runner.messenger_channels(settings)
    for channel in channels:
        app.add_channel(channel)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.serve(app, channels, stop, web=web))
    try:
        yield app
        assert not task.done(), f"the bot stopped: {task.exception()!r}"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        await app.close()
