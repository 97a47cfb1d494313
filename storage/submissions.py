"""What a secretary records for the cell: its opinions, its nudges, its submission ("chốt")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CellOpinion,
    CellSubmission,
    Member,
    ReminderSent,
    ReminderStatus,
    Role,
)

NUDGE_PREFIX = "nudge:"


async def submission_of(
    session: AsyncSession, consultation_id: int, cell_id: int
) -> CellSubmission | None:
    """The cell's submission row, submitted or reopened."""
    result = await session.execute(
        select(CellSubmission).where(
            CellSubmission.consultation_id == consultation_id, CellSubmission.cell_id == cell_id
        )
    )
    return result.scalar_one_or_none()


def is_in_force(submission: CellSubmission | None) -> bool:
    return submission is not None and submission.reopened_at is None


async def submit(
    session: AsyncSession, consultation_id: int, cell_id: int, by: int, now: datetime
) -> CellSubmission:
    """Record who handed the cell's comments up and when; submitting again after a reopen
    replaces the earlier record."""
    submission = await submission_of(session, consultation_id, cell_id)
    if submission is None:
        submission = CellSubmission(consultation_id=consultation_id, cell_id=cell_id)
        session.add(submission)
    submission.submitted_by = by
    submission.submitted_at = now
    submission.reopened_at = None
    await session.flush()
    return submission


async def reopen(session: AsyncSession, submission: CellSubmission, now: datetime) -> None:
    submission.reopened_at = now
    await session.flush()


async def opinions(
    session: AsyncSession, consultation_id: int, cell_id: int
) -> dict[int, CellOpinion]:
    """The cell's collective opinions keyed by section id."""
    result = await session.execute(
        select(CellOpinion).where(
            CellOpinion.consultation_id == consultation_id, CellOpinion.cell_id == cell_id
        )
    )
    return {o.section_id: o for o in result.scalars()}


async def opinion_of(session: AsyncSession, cell_id: int, section_id: int) -> CellOpinion | None:
    result = await session.execute(
        select(CellOpinion).where(
            CellOpinion.cell_id == cell_id, CellOpinion.section_id == section_id
        )
    )
    return result.scalar_one_or_none()


async def save_opinion(
    session: AsyncSession,
    *,
    consultation_id: int,
    cell_id: int,
    section_id: int,
    author_id: int,
    text: str,
    now: datetime,
) -> CellOpinion:
    """Insert or replace the cell's opinion on a section."""
    opinion = await opinion_of(session, cell_id, section_id)
    if opinion is None:
        opinion = CellOpinion(
            consultation_id=consultation_id, cell_id=cell_id, section_id=section_id, created_at=now
        )
        session.add(opinion)
    opinion.author_id = author_id
    opinion.text = text
    opinion.updated_at = now
    await session.flush()
    return opinion


async def delete_opinion(session: AsyncSession, cell_id: int, section_id: int) -> bool:
    result = await session.execute(
        delete(CellOpinion).where(
            CellOpinion.cell_id == cell_id, CellOpinion.section_id == section_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def last_nudge_at(
    session: AsyncSession, consultation_id: int, cell_id: int
) -> datetime | None:
    """When the cell's secretary last nudged its members (any secretary of the cell)."""
    result = await session.execute(
        select(ReminderSent.sent_at)
        .where(
            ReminderSent.cell_id == cell_id,
            ReminderSent.consultation_id == consultation_id,
            ReminderSent.slot.startswith(NUDGE_PREFIX),
        )
        .order_by(ReminderSent.sent_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


def record_nudges(
    session: AsyncSession,
    consultation_id: int,
    cell_id: int,
    member_ids: Iterable[int],
    slot_minute: str,
    now: datetime,
) -> None:
    """One ReminderSent per member, slot "nudge:<local ISO minute>"."""
    for member_id in member_ids:
        session.add(
            ReminderSent(
                consultation_id=consultation_id,
                slot=NUDGE_PREFIX + slot_minute,
                member_id=member_id,
                cell_id=cell_id,
                sent_at=now,
                status=ReminderStatus.SENT,
            )
        )


async def office_member_ids(session: AsyncSession) -> list[int]:
    """Everyone the Office's notices go to."""
    result = await session.execute(
        select(Member.id).where(Member.role == Role.OFFICE).order_by(Member.id)
    )
    return list(result.scalars())


async def member_name(session: AsyncSession, member_id: int) -> str:
    result = await session.execute(select(Member.full_name).where(Member.id == member_id))
    return result.scalar_one_or_none() or ""


async def opinion_count(session: AsyncSession, consultation_id: int, cell_id: int) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(CellOpinion)
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.cell_id == cell_id)
    )
    return int(result.scalar_one())
