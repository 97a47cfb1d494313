"""Dead letters: updates parked because they cannot be read or fail the same way every time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import storable
from storage.models import DeadLetter

MAX_RAW = 64 * 1024  # a Telegram update is a few kilobytes; keep a forged one from filling the disk


def park(
    session: AsyncSession,
    *,
    channel: str,
    update_key: str,
    stage: str,
    raw: str,
    error: str,
    now: datetime,
    inbound: dict[str, Any] | None = None,
    attempts: int = 1,
) -> DeadLetter:
    letter = DeadLetter(channel=channel, update_key=storable(update_key[:120]), stage=stage,
                        raw=storable(raw[:MAX_RAW]), inbound=inbound, error=storable(error),
                        attempts=attempts, created_at=now)
    session.add(letter)
    return letter


async def listed(session: AsyncSession, *, include_replayed: bool = False) -> Sequence[DeadLetter]:
    query = select(DeadLetter).order_by(DeadLetter.id)
    if not include_replayed:
        query = query.where(DeadLetter.replayed_at.is_(None))
    return (await session.execute(query)).scalars().all()


async def get(session: AsyncSession, letter_id: int) -> DeadLetter | None:
    return await session.get(DeadLetter, letter_id)
