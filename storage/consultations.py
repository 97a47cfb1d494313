"""Consultations and their sections: create one from a parsed draft, find the current one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ScalarSelect, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from content import strings
from content.draft_parser import ParsedDraft
from content.versions import label_from_title
from storage import audit
from storage.audit import AuditAction
from storage.models import Consultation, DraftVersion, Member, Progress, Section

DEFAULT_REMINDERS: list[dict[str, Any]] = [
    {"days_before": 3, "at": "08:00"},
    {"days_before": 1, "at": "08:00"},
    {"days_before": 0, "at": "08:00"},
]


async def create_consultation(
    session: AsyncSession,
    draft: ParsedDraft,
    *,
    title: str,
    deadline: datetime,
    now: datetime,
    source_name: str = "",
    choices: Sequence[dict[str, Any]] | None = None,
    reminders: Sequence[dict[str, Any]] | None = None,
    by: Member | None = None,
    label: str = "",
    joins: Consultation | None = None,
    document: str = "",
) -> Consultation:
    """A new round of comments, which becomes the current one; or, with `joins` (a document
    of a round still open), one more document of that round, sharing its deadline,
    reminders, choices and stance (recorded in the audit log either way)."""
    if not draft.sections:
        raise ValueError("the draft has no sections to comment on")
    if joins is not None and not is_open(joins, now):
        raise ValueError(strings.ROUND_CLOSED_NO_ADD)
    consultation = Consultation(
        round_id=0 if joins is None else joins.round_id,
        document=document,
        version=1,
        title=title,
        deadline=deadline if joins is None else joins.deadline,
        choices=list(choices or strings.DEFAULT_CHOICES) if joins is None else joins.choices,
        reminders=list(reminders if reminders is not None else DEFAULT_REMINDERS)
        if joins is None else joins.reminders,
        intro=strings.DEFAULT_ASK if joins is None else joins.intro,
        source_name=source_name,
        stance_enabled=True if joins is None else joins.stance_enabled,
        stance_labels=list(strings.STANCE_LABELS) if joins is None else joins.stance_labels,
        created_at=now,
        closed_at=None,
    )
    session.add(consultation)
    await session.flush()
    if joins is None:
        consultation.round_id = consultation.id  # the round's first document
    label = label or label_from_title(draft.title)  # «Dự thảo lần 4», when the draft says so
    session.add(DraftVersion(consultation_id=consultation.id, version=1, label=label,
                             source_name=source_name, loaded_at=now))
    for position, part in enumerate(draft.sections, start=1):
        session.add(
            Section(
                consultation_id=consultation.id,
                version=1,
                position=position,
                key=part.key,
                number=part.number,
                title=part.title,
                path=list(part.path),
                body=part.body,
                footnotes=[{"mark": f.mark, "text": f.text} for f in part.footnotes],
            )
        )
    await session.flush()
    audit.record(session, AuditAction.ROUND_OPENED, now, by=by, detail={
        "consultation_id": consultation.id, "round_id": consultation.round_id, "title": title,
        "sections": len(draft.sections), "deadline": consultation.deadline.isoformat(),
        "source": source_name})
    return consultation


async def move_deadline(
    session: AsyncSession, consultation: Consultation, when: datetime, *, by: Member | None,
    now: datetime,
) -> list[int]:
    """A new deadline for a round still open (audited); returns the members who have not
    finished, to be told in the same unit of work."""
    if not is_open(consultation, now):
        raise ValueError(strings.ROUND_CLOSED_NO_MOVE)
    if when <= now:
        raise ValueError(strings.DEADLINE_IN_PAST)
    before = consultation.deadline
    for document in await round_documents(session, consultation.round_id):
        document.deadline = when  # the documents of a round share it (this one included)
    audit.record(session, AuditAction.DEADLINE_CHANGED, now, by=by, detail={
        "consultation_id": consultation.id, "from": before.isoformat(), "to": when.isoformat()})
    finished = select(Progress.member_id).where(
        Progress.consultation_id == consultation.id, Progress.finished_at.is_not(None))
    return list(await session.scalars(
        select(Member.id).where(Member.id.not_in(finished)).order_by(Member.id)))


def set_reminders(
    session: AsyncSession, consultation: Consultation, rules: Sequence[dict[str, Any]], *,
    by: Member | None, now: datetime, policy: str,
) -> None:
    """A new reminder policy for the round (audited); `policy` is how the Office wrote it."""
    consultation.reminders = list(rules)  # the round's: its first document's (reminders.py)
    audit.record(session, AuditAction.REMINDERS_CHANGED, now, by=by,
                 detail={"consultation_id": consultation.id, "policy": policy})


def current_id() -> ScalarSelect[int]:
    """The current round's id (its first document's), as a subquery: the round of the newest
    document, so opening a new round supersedes the last, and adding a document does not."""
    newest = aliased(Consultation)
    return (
        select(newest.round_id)
        .order_by(newest.created_at.desc(), newest.id.desc())
        .limit(1)
        .correlate(None)
        .scalar_subquery()
    )


def round_of(consultation_id: int) -> ScalarSelect[int]:
    """The round a document belongs to, as a subquery: what a cell's «chốt» is stored
    against (one for every document of the round)."""
    return (select(Consultation.round_id).where(Consultation.id == consultation_id)
            .scalar_subquery())


def same_round(consultation_id: int) -> Select[int]:
    """The ids of every document of the round `consultation_id` belongs to."""
    return select(Consultation.id).where(Consultation.round_id == round_of(consultation_id))


async def current_consultation(session: AsyncSession) -> Consultation | None:
    """The current round, as its first document: what the round's deadline, reminders,
    submissions and closing hang on. `current_round` has all its documents."""
    result = await session.execute(select(Consultation).where(Consultation.id == current_id()))
    return result.scalar_one_or_none()


async def round_documents(session: AsyncSession, round_id: int) -> list[Consultation]:
    """The documents of a round, in the order they were loaded (the first is the round's)."""
    result = await session.execute(
        select(Consultation).where(Consultation.round_id == round_id).order_by(Consultation.id))
    return list(result.scalars())


async def current_round(session: AsyncSession) -> list[Consultation]:
    """Every document of the current round, the first first; [] before any draft is loaded."""
    result = await session.execute(
        select(Consultation).where(Consultation.round_id == current_id())
        .order_by(Consultation.id))
    return list(result.scalars())


def document_of(documents: Sequence[Consultation], number: int | None) -> Consultation | None:
    """The document a person numbered (1 = the first loaded); None: no such document."""
    if number is None:
        return documents[0] if documents else None
    return documents[number - 1] if 1 <= number <= len(documents) else None


@dataclass(frozen=True)
class _Draft:
    """A document's sections in its newest version, read once (sections never change),
    with its earlier versions' sections and where each of them went."""

    sections: tuple[Section, ...]
    by_id: dict[int, Section]
    earlier: dict[int, Section] = field(default_factory=dict)  # older versions', by id
    newest: dict[int, int] = field(default_factory=dict)  # older id → the newest it became
    labels: dict[int, str] = field(default_factory=dict)  # version → «Dự thảo lần 5»


# Per database engine (tests run many databases in one process), per consultation id
# and version. Sections are immutable rows, so there is nothing to invalidate: a next
# version is new rows under a new version number, read from the consultation row every
# unit of work reads anyway. Bounded by the documents and versions ever loaded.
_drafts: WeakKeyDictionary[Any, dict[tuple[int, int], _Draft]] = WeakKeyDictionary()


async def _version(session: AsyncSession, consultation_id: int) -> int:
    """The document's newest version: no query when its row is already in the session
    (the hot path loaded it with the identity)."""
    consultation = await session.get(Consultation, consultation_id)
    return consultation.version if consultation is not None else 1


async def _draft(session: AsyncSession, consultation_id: int) -> _Draft:
    cache = _drafts.setdefault(session.get_bind(), {})
    version = await _version(session, consultation_id)
    draft = cache.get((consultation_id, version))
    if draft is None:
        result = await session.execute(
            select(Section).where(Section.consultation_id == consultation_id,
                                  Section.version <= version)
            .order_by(Section.version, Section.position)
        ) if version > 1 else await session.execute(
            select(Section).where(Section.consultation_id == consultation_id,
                                  Section.version == version)
            .order_by(Section.position)
        )
        every = tuple(result.scalars())
        for section in every:
            session.expunge(section)  # shared by every later unit of work, read-only
        sections = tuple(s for s in every if s.version == version)
        draft = _Draft(sections, {s.id: s for s in sections})
        if version > 1:
            draft = await _with_history(session, consultation_id, draft, every)
        if sections:  # a round being created in this very transaction is not cached
            cache[(consultation_id, version)] = draft
    return draft


async def _with_history(session: AsyncSession, consultation_id: int, draft: _Draft,
                        every: Sequence[Section]) -> _Draft:
    following = {s.previous_id: s.id for s in every if s.previous_id is not None}
    newest: dict[int, int] = {}
    earlier = {s.id: s for s in every if s.id not in draft.by_id}
    for section_id in earlier:
        step: int | None = section_id
        while step is not None and step not in draft.by_id:
            step = following.get(step)
        if step is not None:
            newest[section_id] = step
    labels = dict((await session.execute(
        select(DraftVersion.version, DraftVersion.label)
        .where(DraftVersion.consultation_id == consultation_id))).all())
    return replace(draft, earlier=earlier, newest=newest, labels=labels)


async def version_label(session: AsyncSession, consultation_id: int, version: int) -> str:
    """How members read a version: as the Office named it («Dự thảo lần 5»), else by number."""
    label = (await _draft(session, consultation_id)).labels.get(version, "")
    return label or strings.VERSION_FALLBACK.format(version=version)


async def lineage(session: AsyncSession, consultation_id: int, section: Section) -> list[Section]:
    """The section, then the one it continues in the version before, and so on back."""
    draft = await _draft(session, consultation_id)
    found = [section]
    while found[-1].previous_id is not None and found[-1].previous_id in draft.earlier:
        found.append(draft.earlier[found[-1].previous_id])
    return found


async def earlier_section(
    session: AsyncSession, consultation_id: int, section_id: int
) -> Section | None:
    """A section of one of the document's earlier versions (a button from an old message)."""
    return (await _draft(session, consultation_id)).earlier.get(section_id)


async def newest_section(
    session: AsyncSession, consultation_id: int, section_id: int
) -> Section | None:
    """The newest version's section an earlier one became; None when it was removed."""
    draft = await _draft(session, consultation_id)
    if section_id in draft.by_id:
        return draft.by_id[section_id]
    newest = draft.newest.get(section_id)
    return draft.by_id[newest] if newest is not None else None


async def list_sections(session: AsyncSession, consultation_id: int) -> list[Section]:
    return list((await _draft(session, consultation_id)).sections)


async def section_count(session: AsyncSession, consultation_id: int) -> int:
    return len((await _draft(session, consultation_id)).sections)


async def section_at(session: AsyncSession, consultation_id: int, position: int) -> Section | None:
    sections = (await _draft(session, consultation_id)).sections
    return sections[position - 1] if 1 <= position <= len(sections) else None


async def section_by_id(
    session: AsyncSession, consultation_id: int, section_id: int
) -> Section | None:
    """A section of this consultation only: a button from an older round finds nothing."""
    return (await _draft(session, consultation_id)).by_id.get(section_id)


def is_open(consultation: Consultation, now: datetime) -> bool:
    return consultation.closed_at is None and now < consultation.deadline
