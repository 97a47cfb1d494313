"""The Zalo inbox: events kept as they arrived, claimed by one worker at a time, deleted once handled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import ZaloInboxEvent


@dataclass(frozen=True)
class Kept:
    """One event a worker now owns until its claim runs out."""

    id: int
    raw: str
    attempts: int  # claims so far, this one included


def add(session: AsyncSession, update_key: str, chat_id: str, raw: str, now: datetime) -> None:
    session.add(ZaloInboxEvent(update_key=update_key, chat_id=chat_id, raw=raw, received_at=now,
                               attempts=0))


def _due(now: datetime) -> Any:
    return or_(ZaloInboxEvent.claimed_until.is_(None), ZaloInboxEvent.claimed_until < now)


async def claim(session: AsyncSession, now: datetime, lease: timedelta, limit: int) -> list[Kept]:
    """The oldest unclaimed events, in arrival order, owned until now + lease (the condition
    is checked again on the rows, so two workers on PostgreSQL never take the same one).

    As the outbox's claim (storage/outbox.py): an event waits while an earlier one of the
    same chat is held by a worker, so a second worker never handles a chat's later message
    before the first has saved its earlier one."""
    earlier = aliased(ZaloInboxEvent)
    blocked = (
        select(earlier.id)
        .where(earlier.chat_id == ZaloInboxEvent.chat_id, earlier.id < ZaloInboxEvent.id,
               earlier.claimed_until.is_not(None), earlier.claimed_until >= now)
        .exists()
    )
    oldest = (select(ZaloInboxEvent.id).where(_due(now), ~blocked).order_by(ZaloInboxEvent.id)
              .limit(limit))
    result = await session.execute(
        update(ZaloInboxEvent)
        .where(ZaloInboxEvent.id.in_(oldest.scalar_subquery()), _due(now))
        .values(claimed_until=now + lease, attempts=ZaloInboxEvent.attempts + 1)
        .returning(ZaloInboxEvent.id, ZaloInboxEvent.raw, ZaloInboxEvent.attempts)
        .execution_options(synchronize_session=False)
    )
    return sorted((Kept(*row) for row in result), key=lambda kept: kept.id)


async def remove(session: AsyncSession, ids: Sequence[int]) -> None:
    """Handled (saved, parked or ignored): nothing more to keep."""
    if ids:
        await session.execute(delete(ZaloInboxEvent).where(ZaloInboxEvent.id.in_(list(ids))))


async def release(session: AsyncSession, ids: Sequence[int], untried: Sequence[int] = ()) -> None:
    """Not handled this time: due again for the next claim. `untried` (some of `ids`) waited
    behind an earlier event of their chat and were never tried: their claim is not counted."""
    if ids:
        await session.execute(
            update(ZaloInboxEvent).where(ZaloInboxEvent.id.in_(list(ids)))
            .values(claimed_until=None).execution_options(synchronize_session=False)
        )
    if untried:
        await session.execute(
            update(ZaloInboxEvent).where(ZaloInboxEvent.id.in_(list(untried)))
            .values(attempts=ZaloInboxEvent.attempts - 1)
            .execution_options(synchronize_session=False)
        )


async def waiting(session: AsyncSession) -> int:
    """Events kept and not yet handled (for tests and the log)."""
    return int(await session.scalar(select(func.count()).select_from(ZaloInboxEvent)) or 0)
