"""A round of several documents, seen from a member: how far they are in each one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comments import said
from storage.consultations import newest_section, round_documents, section_count
from storage.models import (
    CellProgress,
    Comment,
    Consultation,
    ConsultationProgress,
    Member,
    Progress,
)

CHUNK = 5000  # member ids per query: under every driver's limit on bound parameters


@dataclass(frozen=True)
class DocumentProgress:
    """One document of the round and where one member is in it."""

    document: Consultation
    sections: int
    answered: int  # sections of its newest version with a choice, text or proposal
    finished: bool  # the member confirmed it


async def member_documents(
    session: AsyncSession, member_id: int, documents: Sequence[Consultation]
) -> list[DocumentProgress]:
    """Every document of the round (storage.consultations.round_documents), in order, with
    this member's progress in it."""
    ids = [d.id for d in documents]
    commented: dict[int, set[int]] = defaultdict(set)
    for consultation_id, section_id in await session.execute(
            select(Comment.consultation_id, Comment.section_id)
            .where(Comment.member_id == member_id, Comment.consultation_id.in_(ids), said())):
        commented[consultation_id].add(section_id)
    answered: dict[int, int] = {}
    for document in documents:
        sections = commented.get(document.id, set())
        if document.version > 1:  # a comment on an earlier version answers the section it became
            sections = {newest.id for s in sections
                        if (newest := await newest_section(session, document.id, s)) is not None}
        answered[document.id] = len(sections)
    finished = set(
        await session.scalars(
            select(Progress.consultation_id).where(
                Progress.member_id == member_id, Progress.consultation_id.in_(ids),
                Progress.finished_at.is_not(None)))
    )
    return [
        DocumentProgress(d, await section_count(session, d.id), int(answered.get(d.id, 0)),
                         d.id in finished)
        for d in documents
    ]


async def unfinished_documents(
    session: AsyncSession, round_id: int, member_ids: Collection[int]
) -> dict[int, list[Consultation]]:
    """For each member, the round's documents they have not confirmed, in order: what a
    reminder names. Members who finished every one are left out."""
    documents = await round_documents(session, round_id)
    done: dict[int, set[int]] = defaultdict(set)
    people = list(member_ids)
    for start in range(0, len(people), CHUNK):
        for member_id, consultation_id in await session.execute(
            select(Progress.member_id, Progress.consultation_id).where(
                Progress.consultation_id.in_([d.id for d in documents]),
                Progress.member_id.in_(people[start:start + CHUNK]),
                Progress.finished_at.is_not(None))
        ):
            done[member_id].add(consultation_id)
    left = {m: [d for d in documents if d.id not in done[m]] for m in member_ids}
    return {m: docs for m, docs in left.items() if docs}


@dataclass(frozen=True)
class DocumentFigures:
    """How far the bloc (or one cell) is in one document of the round."""

    name: str
    members: int
    finished: int
    started: int  # started, not finished


@dataclass(frozen=True)
class RoundFigures:
    """Per document, and overall: finished = confirmed every document of the round."""

    documents: list[DocumentFigures]
    members: int
    finished: int


async def round_figures(
    session: AsyncSession, round_id: int, cell_id: int | None = None
) -> RoundFigures:
    """The round's progress per document and overall, for the bloc or one cell: read from
    the counters (cell_progress, consultation_progress), plus one count of members who
    finished every document."""
    documents = await round_documents(session, round_id)
    ids = [d.id for d in documents]
    if cell_id is None:
        counted = select(ConsultationProgress.consultation_id, ConsultationProgress.members,
                         ConsultationProgress.finished, ConsultationProgress.started
                         ).where(ConsultationProgress.consultation_id.in_(ids))
    else:
        counted = select(CellProgress.consultation_id, CellProgress.members,
                         CellProgress.finished, CellProgress.started
                         ).where(CellProgress.consultation_id.in_(ids),
                                 CellProgress.cell_id == cell_id)
    figures = {i: (int(m), int(f), int(s)) for i, m, f, s in await session.execute(counted)}
    per_document = [DocumentFigures(d.name, *figures.get(d.id, (0, 0, 0))) for d in documents]
    members = max((d.members for d in per_document), default=0)
    if len(per_document) < 2:
        # The usual round: its counter is the answer. The count below reads every progress
        # row of the round, which the overview's flat cost at national scale cannot afford.
        return RoundFigures(per_document, members,
                            per_document[0].finished if per_document else 0)
    everything = (
        select(Progress.member_id)
        .join(Member, Member.id == Progress.member_id)
        .where(Progress.consultation_id.in_(ids), Progress.finished_at.is_not(None),
               *((Member.cell_id == cell_id,) if cell_id is not None else ()))
        .group_by(Progress.member_id)
        .having(func.count() == len(ids))
    )
    finished = await session.scalar(select(func.count()).select_from(everything.subquery()))
    return RoundFigures(per_document, members, int(finished or 0))
