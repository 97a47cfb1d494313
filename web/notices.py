"""Notices a console change causes, queued through the bot's outbox in the change's own unit
of work, then handed to the running senders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox import Target, post
from handlers.conversation import Notify
from web.render import Console

CHANNEL = "web"  # the sender of a console change: nothing is ever queued back to it


async def queue(
    console: Console, session: AsyncSession, by_member: int, notices: Sequence[Notify], now: datetime
) -> None:
    """Each notice waits in the outbox for a messenger this process runs (bot/outbox.py)."""
    caps = {name: console.app.engine.caps(name) for name in console.app.channels}
    await post(session, Target(CHANNEL, "", by_member), notices, caps, now)


def wake(console: Console) -> None:
    """After the commit: send the notices now rather than at the senders' next look."""
    for sender in console.app.outboxes.values():
        sender.wake()
