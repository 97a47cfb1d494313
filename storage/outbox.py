"""The outbox table: what must leave, claimed by one sender at a time, marked once sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Claimed:
    """One message a sender now owns until its claim runs out."""

    id: int
    chat_id: str
    member_id: int | None
    reply: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Message:
    """One message to queue: where it goes and what it says (a Reply as JSON)."""

    channel: str
    chat_id: str
    reply: dict[str, Any]
    member_id: int | None = None


async def add(
    session: AsyncSession,
    messages: Sequence[Message],
    now: datetime,
    hold: Mapping[str, datetime] | None = None,
) -> list[tuple[str, Claimed]]:
    """Queue messages in one statement (an event's replies are written with its effects).

    `hold` maps a channel to a lease end: those rows are written already taken by this
    process's sender, which gets them straight after the commit (returned here) instead
    of taking them in a transaction of its own; if the process dies, the lease runs out."""
    if not messages:
        return []
    hold = hold or {}
    rows = [
        {"channel": m.channel, "chat_id": m.chat_id, "member_id": m.member_id, "reply": m.reply,
         "created_at": now, "status": OutboxStatus.PENDING, "attempts": 0,
         "claimed_until": hold.get(m.channel)}
        for m in messages
    ]
    if not any(m.channel in hold for m in messages):
        await session.execute(insert(OutboxMessage), rows)
        return []
    result = await session.execute(
        insert(OutboxMessage).returning(
            OutboxMessage.id, OutboxMessage.channel, OutboxMessage.chat_id,
            OutboxMessage.member_id, OutboxMessage.reply, OutboxMessage.attempts,
            sort_by_parameter_order=True),
        rows,
    )
    return [(channel, Claimed(id_, chat_id, member_id, reply, attempts))
            for id_, channel, chat_id, member_id, reply, attempts in result
            if channel in hold]


def _due(now: datetime) -> Any:
    return and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


async def claim(
    session: AsyncSession, channel: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """The oldest due messages of a channel, in order, each owned by this sender until
    now + lease.

    A message waits while an earlier one to the same chat is still held (by this sender
    or another worker) or waiting to be retried: a chat's messages never overtake each
    other. The conditions are checked again on the rows themselves, so two workers on
    PostgreSQL never take the same row (the second re-reads it after the first commits).
    """
    earlier = aliased(OutboxMessage)
    blocked = (
        select(earlier.id)
        .where(earlier.channel == channel, earlier.chat_id == OutboxMessage.chat_id,
               earlier.id < OutboxMessage.id, earlier.status == OutboxStatus.PENDING,
               earlier.claimed_until.is_not(None), earlier.claimed_until >= now)
        .exists()
    )
    oldest = (
        select(OutboxMessage.id)
        .where(OutboxMessage.channel == channel, _due(now), ~blocked)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(oldest.scalar_subquery()), _due(now))
        .values(claimed_until=now + lease)
        .returning(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.member_id,
                   OutboxMessage.reply, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    )
    return sorted((Claimed(*row) for row in result), key=lambda c: c.id)


async def renew(session: AsyncSession, ids: Sequence[int], until: datetime) -> None:
    """Keep holding messages still queued or being sent, so no one else takes them."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.status == OutboxStatus.PENDING)
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )


async def settle(
    session: AsyncSession, ids: Sequence[int], status: OutboxStatus, now: datetime
) -> None:
    """Sent, unreachable or given up: the row will not be tried again."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)))
        .values(status=status, sent_at=now if status is OutboxStatus.SENT else None,
                claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def release(
    session: AsyncSession, ids: Sequence[int], retry_at: datetime | None, *, failed: int = 0
) -> None:
    """Give messages back: due again at `retry_at` (None: at once, e.g. on shutdown).
    `failed` is a real send that failed, counted against the message's attempts."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.status == OutboxStatus.PENDING)
        .values(claimed_until=retry_at, attempts=OutboxMessage.attempts + failed)
        .execution_options(synchronize_session=False)
    )


async def pending_count(session: AsyncSession, channel: str | None = None) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    return int((await session.execute(query)).scalar_one())
