"""A document's next version (lần 5 after lần 4): loaded beside the one before, compared to it.

Loading adds the new version's sections, each pointing at the section it continues
(content.versions.match); comments stay on the rows they were made on, and nothing the
members said moves. Their places in the draft follow their sections, and each member is
told once, at their next visit (Progress.news_version). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from content import strings
from content import versions as matching
from content.draft_parser import ParsedDraft
from content.versions import SectionDiff
from storage import audit
from storage.audit import AuditAction
from storage.consultations import (
    current_round,
    document_of,
    earlier_section,
    is_open,
    newest_section,
)
from storage.models import (
    ChangeShown,
    Comment,
    CommentGroup,
    Consultation,
    DraftVersion,
    Member,
    Progress,
    Section,
)


class VersionError(ValueError):
    """A next version that cannot be loaded; args[0] is the message for the Office."""


@dataclass(frozen=True)
class VersionDiff:
    """Two versions of a document side by side, section by section."""

    old_label: str
    new_label: str
    old: list[Section]
    new: list[Section]
    sections: list[SectionDiff]

    def counts(self) -> dict[str, int]:
        found = {"changed": 0, "added": 0, "removed": 0, "same": 0}
        for diff in self.sections:
            found[diff.kind] += 1
        return found


async def sections_of(session: AsyncSession, consultation_id: int, version: int) -> list[Section]:
    return list((await session.execute(
        select(Section).where(Section.consultation_id == consultation_id,
                              Section.version == version).order_by(Section.position)
    )).scalars())


async def labels(session: AsyncSession, consultation_id: int) -> dict[int, str]:
    """Each version's label as members read it («Dự thảo lần 5», else «Phiên bản 2»)."""
    rows = await session.execute(select(DraftVersion.version, DraftVersion.label)
                                 .where(DraftVersion.consultation_id == consultation_id))
    return {v: label or strings.VERSION_FALLBACK.format(version=v) for v, label in rows}


def label_for(found: dict[int, str], version: int) -> str:
    return found.get(version) or strings.VERSION_FALLBACK.format(version=version)


async def load_next_version(
    session: AsyncSession,
    consultation: Consultation,
    draft: ParsedDraft,
    *,
    now: datetime,
    label: str = "",
    source_name: str = "",
    by: Member | None = None,
) -> VersionDiff:
    """The draft as the document's next version, matched to the one before (audited)."""
    # Two Office members loading at once: the second waits, then builds on the first's.
    await session.refresh(consultation, with_for_update=True)
    if not is_open(consultation, now):
        raise VersionError(strings.VERSION_ROUND_CLOSED.format(name=consultation.name))
    if not draft.sections:
        raise VersionError(strings.VERSION_NO_SECTIONS)
    before = consultation.version
    old = await sections_of(session, consultation.id, before)
    previous = matching.match(old, draft.sections)
    version = before + 1
    label = label or matching.label_from_title(draft.title)
    new: list[Section] = []
    for position, (part, index) in enumerate(zip(draft.sections, previous, strict=True), start=1):
        section = Section(
            consultation_id=consultation.id, version=version,
            previous_id=old[index].id if index is not None else None, position=position,
            key=part.key, number=part.number, title=part.title, path=list(part.path),
            body=part.body, footnotes=[{"mark": f.mark, "text": f.text} for f in part.footnotes],
        )
        session.add(section)
        new.append(section)
    session.add(DraftVersion(consultation_id=consultation.id, version=version, label=label,
                             source_name=source_name, loaded_at=now))
    await session.flush()
    await _follow(session, consultation.id, old, new, previous, version)
    consultation.version = version
    earlier = label_for(await labels(session, consultation.id), before)
    consultation.title = matching.retitled(consultation.title, earlier, label)
    diff = VersionDiff(
        earlier,
        label or strings.VERSION_FALLBACK.format(version=version),
        old, new, matching.compare(old, new, previous))
    counts = diff.counts()
    audit.record(session, AuditAction.DRAFT_VERSION_LOADED, now, by=by, detail={
        "consultation_id": consultation.id, "version": version, "label": label,
        "source": source_name, "sections": len(new), "changed": counts["changed"],
        "added": counts["added"], "removed": counts["removed"]})
    return diff


async def _follow(session: AsyncSession, consultation_id: int, old: Sequence[Section],
                  new: Sequence[Section], previous: Sequence[int | None], version: int) -> None:
    """Members' places and the Office's groups move to the sections they continue in."""
    places = _new_positions(len(old), previous)
    moved = {was: now for was, now in places.items() if was != now}
    position = Progress.section_position
    values: dict[object, object] = {"news_version": version}
    if moved or len(new) != len(old):
        values["section_position"] = case(
            (position > len(old), len(new) + 1), *((position == a, b) for a, b in moved.items()),
            else_=position)
    await session.execute(update(Progress).where(Progress.consultation_id == consultation_id)
                          .values(values))
    for j, index in enumerate(previous):
        if index is not None:  # compiled together under the newest section
            await session.execute(
                update(CommentGroup).where(CommentGroup.section_id == old[index].id)
                .values(section_id=new[j].id))


def _new_positions(count: int, previous: Sequence[int | None]) -> dict[int, int]:
    """Old position → new one; a removed section's readers go on at the next one kept."""
    matched = {index + 1: j + 1 for j, index in enumerate(previous) if index is not None}
    places: dict[int, int] = {}
    following = len(previous)
    for position in range(count, 0, -1):
        following = matched.get(position, following)
        places[position] = max(1, min(following, len(previous)))
    return places


async def compare(
    session: AsyncSession, consultation: Consultation, from_version: int | None = None,
    to_version: int | None = None,
) -> VersionDiff:
    """Two versions of a document (by default the newest and the one before), matched by
    following each section's chain back, so versions apart compare as well as neighbours."""
    to_version = to_version or consultation.version
    from_version = from_version or to_version - 1
    if not 1 <= from_version < to_version <= consultation.version:
        raise VersionError(strings.VERSION_BAD_RANGE.format(
            newest=consultation.version, name=consultation.name))
    every = list((await session.execute(
        select(Section).where(Section.consultation_id == consultation.id,
                              Section.version.between(from_version, to_version))
        .order_by(Section.version, Section.position))).scalars())
    old = [s for s in every if s.version == from_version]
    new = [s for s in every if s.version == to_version]
    by_id = {s.id: s for s in every}
    index = {s.id: i for i, s in enumerate(old)}
    previous: list[int | None] = []
    for section in new:
        step: Section | None = section
        while step is not None and step.version > from_version:
            step = by_id.get(step.previous_id) if step.previous_id is not None else None
        previous.append(index[step.id] if step is not None else None)
    found = await labels(session, consultation.id)
    return VersionDiff(label_for(found, from_version), label_for(found, to_version), old, new,
                       matching.compare(old, new, previous))


async def commented_changes(
    session: AsyncSession, member_id: int, consultation_id: int
) -> tuple[int, list[tuple[Section, Section | None]]]:
    """How many sections the member commented on, and those a later version changed or
    removed: (the section commented on, the newest it became or None), in reading order."""
    section_ids = list((await session.execute(
        select(Comment.section_id).where(Comment.member_id == member_id,
                                         Comment.consultation_id == consultation_id))).scalars())
    found: dict[int, tuple[Section, Section | None]] = {}
    for section_id in section_ids:
        made_on = await earlier_section(session, consultation_id, section_id)
        if made_on is None:
            continue  # on the newest version: nothing changed under it
        became = await newest_section(session, consultation_id, section_id)
        if became is not None and not matching.changed(made_on, became):
            continue
        key = became.id if became is not None else -made_on.id
        if key not in found or found[key][0].version < made_on.version:
            found[key] = (made_on, became)
    return len(section_ids), sorted(found.values(), key=lambda pair: (
        pair[1].position if pair[1] is not None else pair[0].position))


async def first_showing(
    session: AsyncSession, member_id: int, section_id: int, now: datetime
) -> bool:
    """Whether the member is shown the section's changes now for the first time (then noted)."""
    seen = await session.get(ChangeShown, (member_id, section_id))
    if seen is not None:
        return False
    session.add(ChangeShown(member_id=member_id, section_id=section_id, shown_at=now))
    return True


async def document_for(session: AsyncSession, number: int | None) -> Consultation | None:
    """Document `number` of the current round, as `gopy export --document` counts them
    (1 = the first loaded; None: the first)."""
    return document_of(await current_round(session), number)


@dataclass(frozen=True)
class Gathered:
    """A section as the Office compiles it: the newest version's row (or, for a section a
    later version removed, its last row) and the ids of every version of it."""

    id: int
    position: int
    number: str
    title: str
    version: int
    ids: tuple[int, ...]
    removed: bool


async def gathered_sections(source: AsyncSession | AsyncConnection,
                            consultation_id: int) -> list[Gathered]:
    """The newest version's sections in reading order, each with its earlier versions'
    rows, then the sections a later version removed (with theirs)."""
    rows = (await source.execute(
        select(Section.id, Section.previous_id, Section.version, Section.position,
               Section.number, Section.title)
        .where(Section.consultation_id == consultation_id)
        .order_by(Section.version, Section.position))).all()
    if not rows:
        return []
    newest = max(row.version for row in rows)
    by_id = {row.id: row for row in rows}
    continued = {row.previous_id for row in rows if row.previous_id is not None}
    heads = [row for row in rows if row.version == newest]
    heads += [row for row in rows if row.version < newest and row.id not in continued]
    out = []
    for head in heads:
        ids = [head.id]
        while (previous := by_id[ids[-1]].previous_id) is not None and previous in by_id:
            ids.append(previous)
        out.append(Gathered(head.id, head.position, head.number, head.title, head.version,
                            tuple(ids), head.version < newest))
    return out


def head_of(gathered: Sequence[Gathered]) -> dict[int, int]:
    """Every section id → the id it is compiled under."""
    return {section_id: g.id for g in gathered for section_id in g.ids}
