"""A member's stance on the whole document, asked at the finish step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from storage.consultations import round_documents
from storage.models import Cell, Consultation, DocumentStance, Member, Organization


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


@dataclass(frozen=True)
class StanceTally:
    """How many members gave each stance on the document (one cell's or the whole round's)."""

    labels: tuple[str, ...]  # offered, in order; then any stored label no longer offered
    counts: dict[str, int]
    members: int  # on the roster (of the cell): those without a stance are "not given"

    @property
    def given(self) -> int:
        return sum(self.counts.values())

    @property
    def not_given(self) -> int:
        return max(0, self.members - self.given)


async def tally(
    session: AsyncSession, consultation: Consultation, members: int, cell_id: int | None = None
) -> StanceTally | None:
    """Stances counted by label; None when the round asks for none and none were given."""
    query = (select(DocumentStance.stance, func.count())
             .where(DocumentStance.consultation_id == consultation.id)
             .group_by(DocumentStance.stance))
    if cell_id is not None:
        query = query.where(DocumentStance.cell_id == cell_id)
    counts = {str(stance): int(count) for stance, count in await session.execute(query)}
    offered = labels(consultation)
    if not offered and not counts:
        return None
    extra = sorted(label for label in counts if label not in offered)
    return StanceTally((*offered, *extra), counts, members)


@dataclass(frozen=True)
class StanceComment:
    organization: str
    cell: str
    member: str  # "" unless names were asked for
    stance: str
    text: str


async def stance_comments(
    session: AsyncSession, consultation_id: int, *, named: bool = False
) -> list[StanceComment]:
    """The comments members wrote with their stance, by organization, cell and stance."""
    rows = await session.execute(
        select(Organization.name, Cell.name, Member.full_name, DocumentStance.stance,
               DocumentStance.text)
        .join(Member, Member.id == DocumentStance.member_id)
        .join(Cell, Cell.id == DocumentStance.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .where(DocumentStance.consultation_id == consultation_id, DocumentStance.text != "")
        .order_by(Organization.name, Cell.code, DocumentStance.stance, Member.full_name,
                  DocumentStance.id)
    )
    return [StanceComment(org, cell, name if named else "", stance, text)
            for org, cell, name, stance, text in rows]


async def round_tallies(
    session: AsyncSession, consultation: Consultation, members: int, cell_id: int | None = None
) -> list[tuple[str, StanceTally]]:
    """`tally` for every document of the round, each with its name (those asking for none
    and given none left out)."""
    found = []
    for document in await round_documents(session, consultation.round_id):
        if (counted := await tally(session, document, members, cell_id)) is not None:
            found.append((document.name, counted))
    return found
