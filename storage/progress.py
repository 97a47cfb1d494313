"""What a secretary and the Office see: who has replied, to what, cell by cell.

A cell's views are aggregate queries over that cell alone, carried by ix_member_cell_id,
the progress and comment unique keys, ix_comment_cell_section and ix_identity_member_id.
The Office's overview and totals would be an aggregate over the whole roster, so they read
counters instead (cell_progress, consultation_progress: kept by database triggers in the
same transaction as each change, storage/progress_counters.py), a page in the order of
ix_cell_progress_attention: the same cost at a thousand members as at millions. `recount`
is the slow aggregate they must equal; `rebuild_counters` repairs them from it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Float,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comments import said, written
from storage.consultations import round_of
from storage.models import (
    Cell,
    CellProgress,
    CellSubmission,
    Comment,
    Consultation,
    ConsultationProgress,
    Identity,
    Member,
    Organization,
    Progress,
    Role,
    Section,
)
from storage.progress_counters import recount_sql
from storage.versions import gathered_sections, head_of


class Status(enum.StrEnum):
    FINISHED = "finished"  # confirmed their comments
    STARTED = "started"  # opened the draft or commented, not confirmed
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class MemberStatus:
    member_id: int
    full_name: str
    role: Role
    status: Status
    reachable: bool  # linked to a chat account and not blocking the bot: a nudge can reach them
    unreachable: bool = False  # blocked the bot (a 403): shown as "không liên lạc được"


@dataclass(frozen=True)
class Tally:
    """One section in one cell: how many answered, and how the choices spread."""

    section_id: int
    answered: int = 0
    with_text: int = 0
    choices: dict[str | None, int] = field(default_factory=dict)  # None: text without a choice


@dataclass(frozen=True)
class CellRow:
    organization: str
    cell_id: int
    cell_code: str
    cell_name: str
    total: int
    finished: int
    started: int  # started but not finished
    submitted_at: datetime | None  # None: not submitted (or reopened)


@dataclass(frozen=True)
class Totals:
    cells: int
    cells_submitted: int
    members: int
    finished: int
    started: int


def _started(consultation_id: int) -> ColumnElement[bool]:
    """A member has started when they have progress or any comment in this round."""
    # The round is checked through the section, not comment.consultation_id: given both
    # columns, SQLite without statistics seeks ix_comment_consultation_cell and scans the
    # whole round for every member; this way it seeks uq_comment_member_id_section_id.
    commented = (
        select(Comment.id)
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.member_id == Member.id, Section.consultation_id == consultation_id)
        .exists()
    )
    return or_(Progress.id.is_not(None), commented)


async def cell_members(
    session: AsyncSession, consultation_id: int, cell_id: int
) -> list[MemberStatus]:
    """The cell's roster with each member's status, by name."""
    blocked = Member.unreachable_at.is_not(None)
    reachable = and_(exists().where(Identity.member_id == Member.id), ~blocked)
    status = case(
        (Progress.finished_at.is_not(None), Status.FINISHED.value),
        (_started(consultation_id), Status.STARTED.value),
        else_=Status.NOT_STARTED.value,
    )
    result = await session.execute(
        select(Member.id, Member.full_name, Member.role, status, reachable, blocked)
        .outerjoin(
            Progress,
            and_(Progress.member_id == Member.id, Progress.consultation_id == consultation_id),
        )
        .where(Member.cell_id == cell_id)
        .order_by(Member.full_name, Member.id)
    )
    return [
        MemberStatus(id_, name, Role(role), Status(state), bool(linked), bool(gone))
        for id_, name, role, state, linked, gone in result
    ]


async def cell_tallies(
    session: AsyncSession, consultation_id: int, cell_id: int
) -> dict[int, Tally]:
    """Answered counts and choice spread per section id, for comments kept under this cell."""
    has_text = func.sum(case((written(), 1), else_=0))
    result = await session.execute(
        select(Comment.section_id, Comment.choice, func.count(), has_text)
        .where(
            Comment.cell_id == cell_id,
            Comment.consultation_id == consultation_id,
            said(),
        )
        .group_by(Comment.section_id, Comment.choice)
    )
    spread: dict[int, dict[str | None, int]] = {}
    texts: dict[int, int] = {}
    for section_id, choice, count, with_text in result:
        spread.setdefault(section_id, {})[choice] = int(count)
        texts[section_id] = texts.get(section_id, 0) + int(with_text or 0)
    document = await session.get(Consultation, consultation_id)
    if document is not None and document.version > 1:  # earlier versions count for the newest
        under = head_of(await gathered_sections(session, consultation_id))
        folded: dict[int, dict[str | None, int]] = {}
        folded_texts: dict[int, int] = {}
        for section_id, choices in spread.items():
            head = under.get(section_id, section_id)
            into = folded.setdefault(head, {})
            for choice, count in choices.items():
                into[choice] = into.get(choice, 0) + count
            folded_texts[head] = folded_texts.get(head, 0) + texts[section_id]
        spread, texts = folded, folded_texts
    return {
        section_id: Tally(section_id, sum(choices.values()), texts[section_id], choices)
        for section_id, choices in spread.items()
    }


def _per_cell(consultation_id: int) -> Subquery:
    """Members, finished and started-not-finished per cell, in one pass over the roster."""
    finished = Progress.finished_at.is_not(None)
    return (
        select(
            Member.cell_id.label("cell_id"),
            func.count().label("total"),
            func.count(Progress.finished_at).label("finished"),
            func.sum(case((and_(~finished, _started(consultation_id)), 1), else_=0)).label(
                "started"
            ),
        )
        .outerjoin(
            Progress,
            and_(Progress.member_id == Member.id, Progress.consultation_id == consultation_id),
        )
        .group_by(Member.cell_id)
        .subquery()
    )


async def overview(
    session: AsyncSession,
    consultation_id: int,
    *,
    cell_code: str | None = None,
    organization: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[CellRow]:
    """Every cell (or one organization's), those needing attention first: not submitted,
    then lowest share finished.

    Read from the counters (cell_progress) in the order of their index, so a page costs
    the same at a thousand members as at millions."""
    order = (CellProgress.submitted, CellProgress.share, CellProgress.organization,
             CellProgress.cell_code)
    # The page is chosen from the index alone; only its rows are joined to their cell.
    page = (
        select(CellProgress)
        .where(CellProgress.consultation_id == consultation_id)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    if cell_code is not None:
        page = page.where(CellProgress.cell_code == cell_code)
    if organization is not None:  # by ix_cell_progress_organization, then sorted
        page = page.where(CellProgress.organization == organization)
    counts = page.subquery()
    c = counts.c
    stmt = (
        select(
            c.organization,
            c.cell_id,
            c.cell_code,
            Cell.name,
            c.members,
            c.finished,
            c.started,
            CellSubmission.submitted_at,
            CellSubmission.reopened_at,
        )
        .join(Cell, Cell.id == c.cell_id)
        .outerjoin(
            CellSubmission,
            and_(
                CellSubmission.cell_id == c.cell_id,
                CellSubmission.consultation_id == round_of(consultation_id),
            ),
        )
        .order_by(c.submitted, c.share, c.organization, c.cell_code)
    )
    result = await session.execute(stmt)
    return [
        CellRow(org, cell_id, code, name, int(t), int(f), int(s), None if reopened else at)
        for org, cell_id, code, name, t, f, s, at, reopened in result
    ]


async def totals(session: AsyncSession, consultation_id: int) -> Totals:
    """The whole bloc at once: cells, cells submitted, members finished and started."""
    row = (
        await session.execute(
            select(
                ConsultationProgress.cells,
                ConsultationProgress.cells_submitted,
                ConsultationProgress.members,
                ConsultationProgress.finished,
                ConsultationProgress.started,
            ).where(ConsultationProgress.consultation_id == consultation_id)
        )
    ).one_or_none()
    if row is None:
        return Totals(0, 0, 0, 0, 0)
    return Totals(*(int(figure) for figure in row))


async def recount(session: AsyncSession, consultation_id: int) -> list[CellRow]:
    """Every cell counted from the roster itself, the slow way (one pass over every member):
    what the counters must equal. Ordered as `overview`."""
    counts = _per_cell(consultation_id)
    total = func.coalesce(counts.c.total, 0)
    finished = func.coalesce(counts.c.finished, 0)
    submitted = and_(CellSubmission.id.is_not(None), CellSubmission.reopened_at.is_(None))
    share = case((total == 0, 1.0), else_=cast(finished, Float) / total)
    result = await session.execute(
        select(
            Organization.name,
            Cell.id,
            Cell.code,
            Cell.name,
            total,
            finished,
            func.coalesce(counts.c.started, 0),
            CellSubmission.submitted_at,
            CellSubmission.reopened_at,
        )
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(counts, counts.c.cell_id == Cell.id)
        .outerjoin(
            CellSubmission,
            and_(
                CellSubmission.cell_id == Cell.id,
                CellSubmission.consultation_id == round_of(consultation_id),
            ),
        )
        .order_by(case((submitted, 1), else_=0), share, Organization.name, Cell.code)
    )
    return [
        CellRow(org, cell_id, code, name, int(t), int(f), int(s), None if reopened else at)
        for org, cell_id, code, name, t, f, s, at, reopened in result
    ]


async def rebuild_counters(session: AsyncSession, consultation_id: int | None = None) -> None:
    """Recount the overview's counters from the roster (one round, or every round): after a
    bulk load with the triggers off, or to repair. The caller commits."""
    for statement in recount_sql(consultation_id):
        await session.execute(text(statement))


async def cell_by_code(session: AsyncSession, code: str) -> Cell | None:
    result = await session.execute(select(Cell).where(Cell.code == code))
    return result.scalar_one_or_none()


async def section_comments(
    session: AsyncSession, cell_id: int, section_ids: Sequence[int]
) -> list[tuple[str, str | None, str]]:
    """(member name, choice, text) of the cell's comments on one section (`section_ids`: its
    versions' rows, storage.consultations.lineage), by name."""
    result = await session.execute(
        select(Member.full_name, Comment.choice, Comment.text)
        .join(Member, Member.id == Comment.member_id)
        .where(
            Comment.cell_id == cell_id,
            Comment.section_id.in_(list(section_ids)),
            said(),
        )
        .order_by(Member.full_name, Member.id)
    )
    return [(name, choice, text) for name, choice, text in result]
