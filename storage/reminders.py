"""Reminders in the database: who is due for a slot, and one claim row per person and slot.

A row in ReminderSent (unique per consultation, slot, member) walks through:

  pending     planned for the slot, not tried yet: always safe to send, after a crash too
  sending     claimed right before the request leaves; only a crash here leaves a doubt
  sent | unreachable | skipped      settled
  unconfirmed was still 'sending' when the process died: never sent again

`sent_at` is the time of the row's last change. Nudges by a secretary ("nudge:…")
share the table and are not touched here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comments import said, written
from storage.consultations import same_round
from storage.db import insert_for
from storage.models import (
    Cell,
    CellSubmission,
    Comment,
    Consultation,
    Identity,
    Member,
    Progress,
    ReminderSent,
    ReminderStatus,
    Role,
)

DEADLINE_SLOT = "deadline"


@dataclass(frozen=True)
class Due:
    """One person to write to in a slot, and what about."""

    member_id: int
    cell_id: int
    full_name: str
    cell_name: str
    # Reminder slots: their own comments are not confirmed. Deadline: they were mid-way.
    own: bool
    # Reminder slots: a secretary of a cell that has not submitted. Deadline: the Office.
    duty: bool
    row_id: int = 0
    chats: tuple[tuple[str, str], ...] = ()  # (channel, chat id), most recently used first


@dataclass(frozen=True)
class CellCount:
    finished: int
    total: int
    not_started: int
    unreachable: int


def _columns(
    consultation_id: int, slot: str
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(own, duty, wanted) for the member in the row, as SQL. `consultation_id` is the
    round's (its first document's): finished = confirmed every document of the round."""
    documents = select(Consultation.id).where(Consultation.round_id == consultation_id)
    left = select(Consultation.id).where(
        Consultation.round_id == consultation_id,
        not_(exists().where(Progress.member_id == Member.id,
                            Progress.consultation_id == Consultation.id,
                            Progress.finished_at.is_not(None)).correlate(Member, Consultation)))
    finished = not_(exists(left))
    if slot == DEADLINE_SLOT:
        started = exists().where(
            Progress.member_id == Member.id, Progress.consultation_id.in_(documents)
        )
        own = and_(started, not_(finished))
        duty = Member.role == Role.OFFICE
        return own, duty, or_(own, duty)
    submitted = exists().where(
        CellSubmission.consultation_id == consultation_id,
        CellSubmission.cell_id == Member.cell_id,
        CellSubmission.reopened_at.is_(None),
    )
    own, duty = not_(finished), Member.role == Role.SECRETARY
    return own, duty, and_(not_(submitted), or_(own, duty))


def _reachable(channels: Collection[str] | None) -> ColumnElement[bool]:
    linked = Identity.member_id == Member.id
    if channels is not None:
        linked = and_(linked, Identity.channel.in_(list(channels)))
    return and_(Member.unreachable_at.is_(None), exists().where(linked))


async def audience(
    session: AsyncSession, consultation_id: int, slot: str, channels: Collection[str] | None
) -> list[Due]:
    """Who the slot is for right now: the rule of the issue, as one query."""
    own, duty, wanted = _columns(consultation_id, slot)
    result = await session.execute(
        select(Member.id, Member.cell_id, Member.full_name, Cell.name, own, duty)
        .join(Cell, Cell.id == Member.cell_id)
        .where(wanted, _reachable(channels))
        .order_by(Cell.code, Member.full_name, Member.id)
    )
    return [Due(m, c, name, cell, bool(o), bool(d)) for m, c, name, cell, o, d in result]


async def is_planned(session: AsyncSession, consultation_id: int, slot: str) -> bool:
    result = await session.execute(
        select(ReminderSent.id)
        .where(ReminderSent.consultation_id == consultation_id, ReminderSent.slot == slot)
        .limit(1)
    )
    return result.first() is not None


async def plan(
    session: AsyncSession,
    consultation_id: int,
    slot: str,
    channels: Collection[str] | None,
    now: datetime,
) -> int:
    """Fix the slot's recipients once, as pending rows: later runs finish them, add no one.

    One INSERT … SELECT: at national scale a slot has close to a million recipients, and
    carrying each through Python only to write it back cost most of a minute."""
    if await is_planned(session, consultation_id, slot):
        return 0
    _, _, wanted = _columns(consultation_id, slot)
    recipients = select(
        literal(consultation_id), literal(slot), Member.id, Member.cell_id,
        literal(now, ReminderSent.sent_at.type), literal(ReminderStatus.PENDING, String()),
    ).where(wanted, _reachable(channels))
    # Another process may plan the same slot at the same moment: its rows stand.
    result = await session.execute(
        insert_for(session, ReminderSent)
        .from_select(["consultation_id", "slot", "member_id", "cell_id", "sent_at", "status"],
                     recipients)
        .on_conflict_do_nothing()
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def pending(
    session: AsyncSession, consultation_id: int, slot: str, channels: Collection[str] | None
) -> tuple[list[Due], list[int]]:
    """The slot's rows still to send, with where to reach each person; and the row ids
    of those who no longer need it (finished, cell submitted, blocked the bot since)."""
    own, duty, wanted = _columns(consultation_id, slot)
    result = await session.execute(
        select(
            ReminderSent.id,
            Member.id,
            Member.cell_id,
            Member.full_name,
            Cell.name,
            own,
            duty,
            and_(wanted, _reachable(channels)),
        )
        .join(Member, Member.id == ReminderSent.member_id)
        .join(Cell, Cell.id == Member.cell_id)
        .where(
            ReminderSent.consultation_id == consultation_id,
            ReminderSent.slot == slot,
            ReminderSent.status == ReminderStatus.PENDING,
        )
        .order_by(Cell.code, Member.full_name, Member.id)
    )
    rows = list(result)
    stale = [row[0] for row in rows if not row[7]]
    chats = await _chats(session, consultation_id, slot, channels)
    due = [
        Due(m, c, name, cell, bool(o), bool(d), row_id, tuple(chats.get(m, ())))
        for row_id, m, c, name, cell, o, d, ok in rows
        if ok
    ]
    return due, stale


async def _chats(
    session: AsyncSession, consultation_id: int, slot: str, channels: Collection[str] | None
) -> dict[int, list[tuple[str, str]]]:
    stmt = (
        select(Identity.member_id, Identity.channel, Identity.chat_id)
        .join(ReminderSent, ReminderSent.member_id == Identity.member_id)
        .where(
            ReminderSent.consultation_id == consultation_id,
            ReminderSent.slot == slot,
            ReminderSent.status == ReminderStatus.PENDING,
        )
        .order_by(Identity.member_id, Identity.last_seen_at.desc())
    )
    if channels is not None:
        stmt = stmt.where(Identity.channel.in_(list(channels)))
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for member_id, channel, chat_id in await session.execute(stmt):
        found[member_id].append((channel, chat_id))
    return found


async def claim(session: AsyncSession, row_id: int, now: datetime) -> bool:
    """Take a pending row for sending; False when another run already took it."""
    result = await session.execute(
        update(ReminderSent)
        .where(ReminderSent.id == row_id, ReminderSent.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.SENDING, sent_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def settle(session: AsyncSession, row_ids: Sequence[int], status: str, now: datetime) -> None:
    """Record how rows ended (or put a row that failed to leave back to pending)."""
    if row_ids:
        await session.execute(
            update(ReminderSent)
            .where(ReminderSent.id.in_(list(row_ids)))
            .values(status=status, sent_at=now)
        )


async def expire_claims(session: AsyncSession, now: datetime, lease: timedelta) -> int:
    """Rows left 'sending' by a process that died: marked unconfirmed, never resent."""
    result = await session.execute(
        update(ReminderSent)
        .where(ReminderSent.status == ReminderStatus.SENDING, ReminderSent.sent_at < now - lease)
        .values(status=ReminderStatus.UNCONFIRMED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def slot_counts(session: AsyncSession, consultation_id: int) -> dict[str, dict[str, int]]:
    """Rows per slot and status, for `gopy reminders show`."""
    result = await session.execute(
        select(ReminderSent.slot, ReminderSent.status, func.count())
        .where(ReminderSent.consultation_id == consultation_id)
        .group_by(ReminderSent.slot, ReminderSent.status)
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for slot, status, count in result:
        counts[slot][status] = int(count)
    return counts


async def answered_counts(session: AsyncSession, consultation_id: int) -> dict[int, int]:
    """Sections each member has answered (a choice or text), by member id."""
    result = await session.execute(
        select(Comment.member_id, func.count())
        .where(
            Comment.consultation_id == consultation_id,
            said(),
        )
        .group_by(Comment.member_id)
    )
    return {member_id: int(count) for member_id, count in result}


async def cell_counts(session: AsyncSession, consultation_id: int) -> dict[int, CellCount]:
    """Per cell: finished / total, not started (no progress, no comment), unreachable."""
    commented = exists().where(
        Comment.member_id == Member.id, Comment.consultation_id == consultation_id
    )
    idle = and_(Progress.id.is_(None), not_(commented))
    result = await session.execute(
        select(
            Member.cell_id,
            func.count(),
            func.count(Progress.finished_at),
            func.count().filter(idle),
            func.count(Member.unreachable_at),
        )
        .outerjoin(
            Progress,
            and_(Progress.member_id == Member.id, Progress.consultation_id == consultation_id),
        )
        .group_by(Member.cell_id)
    )
    return {
        cell_id: CellCount(int(done), int(total), int(not_started), int(blocked))
        for cell_id, total, done, not_started, blocked in result
    }


async def comment_totals(session: AsyncSession, consultation_id: int) -> tuple[int, int]:
    """(comments with a choice or text, of which with text), for the closing summary: on
    every document of the round `consultation_id` opened."""
    result = await session.execute(
        select(func.count(), func.count().filter(written())).where(
            Comment.consultation_id.in_(same_round(consultation_id)),
            said(),
        )
    )
    total, with_text = result.one()
    return int(total), int(with_text)


async def close(session: AsyncSession, consultation: Consultation, now: datetime) -> bool:
    """Commenting closes at the deadline, on every document of the round; True the first
    time only."""
    result = await session.execute(
        update(Consultation)
        .where(Consultation.round_id == consultation.round_id, Consultation.closed_at.is_(None))
        .values(closed_at=now)
    )
    closed = bool(getattr(result, "rowcount", 0))
    if closed:
        consultation.closed_at = now
    return closed
