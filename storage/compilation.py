"""What the Office reads while compiling: figures, groups with who said it, decisions.

One section at a time (`section_groups`), so a report over 30,000 comments holds one
section's rows at once. The web console and the CLI call these same functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comments import said, written
from storage.consultations import round_of
from storage.models import (
    Cell,
    CellOpinion,
    CellSubmission,
    Comment,
    CommentGroup,
    Consultation,
    Decision,
    GroupItem,
    Member,
    Organization,
    Section,
)
from storage.versions import gathered_sections, label_for, labels


@dataclass(frozen=True)
class ItemView:
    item_id: int
    text: str
    organization: str
    cell: str
    member: str  # "" for a cell's opinion, and unless names were asked for
    choice: str | None
    passages: str = ""  # what the comment points at and proposes, one a line (as exported)
    proposals: str = ""
    version: str = ""  # the draft it was made on («Dự thảo lần 4»); "" with one version


@dataclass(frozen=True)
class DecisionView:
    outcome: str
    explanation: str
    decided_by: str
    decided_at: datetime
    version: int


@dataclass
class GroupView:
    id: int
    kind: str
    representative: str
    decision: DecisionView | None
    items: list[ItemView] = field(default_factory=list)

    @property
    def people(self) -> int:
        """Members (or cells, for opinions) who said it."""
        return len(self.items)

    def places(self) -> list[tuple[str, list[str]]]:
        """Organizations, each with its cells, in first-seen order, without repeats."""
        found: dict[str, list[str]] = {}
        for item in self.items:
            cells = found.setdefault(item.organization, [])
            if item.cell not in cells:
                cells.append(item.cell)
        return list(found.items())

    def choices(self) -> Counter[str]:
        return Counter(item.choice for item in self.items if item.choice)

    def passages(self) -> list[str]:
        """The passages its comments point at, each once, in the items' order."""
        return _lines(item.passages for item in self.items)

    def proposals(self) -> list[str]:
        """The wordings its members proposed («original» → «proposed»), each once."""
        return _lines(item.proposals for item in self.items)

    def versions(self) -> Counter[str]:
        """How many of its items were made on each version of the draft (none: one version)."""
        return Counter(sorted(item.version for item in self.items if item.version))


def _lines(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(line for text in texts for line in text.split("\n") if line))


@dataclass(frozen=True)
class SectionFigures:
    id: int
    position: int
    number: str
    title: str
    answers: int  # members who answered the section (a choice, text, or both)
    by_choice: dict[str, int]
    with_text: int
    opinions: int  # cells' opinions


@dataclass(frozen=True)
class Figures:
    title: str
    organizations: int  # that sent comments (a member's or the cell's)
    cells: int
    cells_total: int
    cells_submitted: int
    members: int  # who commented
    members_total: int
    choices: list[str]  # the labels offered, in order


def _in_force(consultation_id: int):  # type: ignore[no-untyped-def]
    return and_(CellSubmission.consultation_id == round_of(consultation_id),
                CellSubmission.reopened_at.is_(None))


async def figures(session: AsyncSession, consultation_id: int) -> Figures:
    title, offered = (await session.execute(
        select(Consultation.title, Consultation.choices).where(Consultation.id == consultation_id)
    )).one()
    says = said()
    sources = union_all(
        select(Comment.cell_id.label("cell_id")).where(
            Comment.consultation_id == consultation_id, says),
        select(CellOpinion.cell_id).where(
            CellOpinion.consultation_id == consultation_id, CellOpinion.text != ""),
    ).subquery()
    cells, organizations = (await session.execute(
        select(func.count(func.distinct(Cell.id)), func.count(func.distinct(Cell.organization_id)))
        .join(sources, sources.c.cell_id == Cell.id)
    )).one()
    members = (await session.execute(select(func.count(func.distinct(Comment.member_id))).where(
        Comment.consultation_id == consultation_id, says))).scalar_one()
    submitted = (await session.execute(
        select(func.count()).select_from(CellSubmission).where(_in_force(consultation_id))
    )).scalar_one()
    return Figures(
        title=title, organizations=organizations, cells=cells,
        cells_total=(await session.execute(select(func.count()).select_from(Cell))).scalar_one(),
        cells_submitted=submitted, members=members,
        members_total=(await session.execute(select(func.count()).select_from(Member))).scalar_one(),
        choices=[str(choice["label"]) for choice in offered],
    )


async def section_figures(session: AsyncSession, consultation_id: int) -> list[SectionFigures]:
    """Answers per section and choice, in reading order, every section included."""
    spread = await session.execute(
        select(Comment.section_id, Comment.choice, func.count(),
               func.sum(case((written(), 1), else_=0)))
        .where(Comment.consultation_id == consultation_id,
               said())
        .group_by(Comment.section_id, Comment.choice)
    )
    by_choice: dict[int, dict[str, int]] = {}
    answers: Counter[int] = Counter()
    texts: Counter[int] = Counter()
    for section_id, choice, count, with_text in spread:
        if choice is not None:
            by_choice.setdefault(section_id, {})[choice] = int(count)
        answers[section_id] += int(count)
        texts[section_id] += int(with_text or 0)
    opinions = dict((await session.execute(
        select(CellOpinion.section_id, func.count())
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.text != "")
        .group_by(CellOpinion.section_id))).all())
    # A section's versions are compiled together, under its newest version.
    found = []
    for section in await gathered_sections(session, consultation_id):
        choices: Counter[str] = Counter()
        for section_id in section.ids:
            choices.update(by_choice.get(section_id, {}))
        found.append(SectionFigures(
            section.id, section.position, section.number, section.title,
            sum(answers[i] for i in section.ids), dict(choices),
            sum(texts[i] for i in section.ids), sum(int(opinions.get(i, 0)) for i in section.ids)))
    return found


async def section_groups(
    session: AsyncSession, section_id: int, *, named: bool = False
) -> list[GroupView]:
    """One section's groups, members' comments first, biggest first, each with its items
    (made on any version of the section: a group sits on its newest version)."""
    here = select(CommentGroup.id).where(CommentGroup.section_id == section_id)
    members = (
        select(GroupItem.group_id, GroupItem.id.label("item"), Comment.text.label("text"),
               Organization.name.label("org"), Cell.name.label("cell"),
               (Member.full_name if named else literal("")).label("member"),
               Comment.choice.label("choice"), Comment.passages.label("passages"),
               Comment.proposals.label("proposals"), Comment.section_id.label("made_on"))
        .join(Comment, Comment.id == GroupItem.comment_id)
        .join(Member, Member.id == Comment.member_id)
        .join(Cell, Cell.id == Comment.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .where(GroupItem.group_id.in_(here))
    )
    opinions = (
        select(GroupItem.group_id, GroupItem.id, CellOpinion.text, Organization.name, Cell.name,
               literal(""), null(), literal(""), literal(""), CellOpinion.section_id)
        .join(CellOpinion, CellOpinion.id == GroupItem.opinion_id)
        .join(Cell, Cell.id == CellOpinion.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .where(GroupItem.group_id.in_(here))
    )
    items = union_all(members, opinions).subquery()
    groups: dict[int, GroupView] = {}
    heads = await session.execute(
        select(CommentGroup, Decision).outerjoin(Decision, Decision.group_id == CommentGroup.id)
        .where(CommentGroup.section_id == section_id)
    )
    for group, decision in heads.all():
        view = None if decision is None else DecisionView(
            decision.outcome, decision.explanation, decision.decided_by_name,
            decision.decided_at, decision.version)
        groups[group.id] = GroupView(group.id, group.kind, group.representative, view)
    made_on = await _version_labels(session, section_id)
    rows = await session.execute(select(items).order_by(items.c.org, items.c.cell, items.c.item))
    for group_id, item_id, text, org, cell, member, choice, passages, proposals, on in rows:
        groups[group_id].items.append(ItemView(
            item_id, text, org, cell, member, choice, passages, proposals, made_on.get(on, "")))
    return sorted(groups.values(), key=lambda g: (g.kind != "member", -g.people, g.id))


async def _version_labels(session: AsyncSession, section_id: int) -> dict[int, str]:
    """Each section row of the document → its version's label; empty with a single version."""
    document = select(Section.consultation_id).where(Section.id == section_id).scalar_subquery()
    rows = (await session.execute(
        select(Section.id, Section.version, Section.consultation_id)
        .where(Section.consultation_id == document))).all()
    if not rows or all(row.version == 1 for row in rows):
        return {}
    found = await labels(session, rows[0].consultation_id)
    return {row.id: label_for(found, row.version) for row in rows}


async def sections_with_groups(
    session: AsyncSession, consultation_id: int, *, named: bool = False
) -> AsyncIterator[tuple[SectionFigures, list[GroupView]]]:
    """Every section's figures and groups, one section loaded at a time."""
    for figures_ in await section_figures(session, consultation_id):
        yield figures_, await section_groups(session, figures_.id, named=named)


async def unsubmitted_cells(
    session: AsyncSession, consultation_id: int
) -> list[tuple[str, str, str]]:
    """(organization, cell code, cell name) of cells with no submission in force."""
    rows = await session.execute(
        select(Organization.name, Cell.code, Cell.name)
        .join(Cell, Cell.organization_id == Organization.id)
        .outerjoin(CellSubmission, and_(CellSubmission.cell_id == Cell.id,
                                        _in_force(consultation_id)))
        .where(CellSubmission.id.is_(None))
        .order_by(Organization.name, Cell.code)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]
