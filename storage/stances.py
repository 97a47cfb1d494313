"""A member's stance on the whole document, asked at the finish step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from storage.models import Consultation, DocumentStance, Member


def labels(consultation: Consultation) -> list[str]:
    """The stances offered this round, in order; none when the round does not ask."""
    if not consultation.stance_enabled:
        return []
    return [str(label) for label in (consultation.stance_labels or strings.STANCE_LABELS)]


async def stance_of(
    session: AsyncSession, member_id: int, consultation_id: int
) -> DocumentStance | None:
    return (await session.execute(select(DocumentStance).where(
        DocumentStance.member_id == member_id,
        DocumentStance.consultation_id == consultation_id))).scalar()


async def set_stance(
    session: AsyncSession, member: Member, consultation: Consultation, stance: str, now: datetime
) -> DocumentStance:
    current = await stance_of(session, member.id, consultation.id)
    if current is None:
        current = DocumentStance(consultation_id=consultation.id, member_id=member.id,
                                 cell_id=member.cell_id, stance=stance, text="",
                                 created_at=now, updated_at=now)
        session.add(current)
    current.stance, current.cell_id, current.updated_at = stance, member.cell_id, now
    await session.flush()
    return current
