"""Grouping comments that say the same thing, per section, and the Office's corrections.

`regroup` runs the method of content/similar.py over every section; `move`, `split` and
`merge` are hand corrections. A corrected item is pinned: a later `regroup` never moves it,
and never touches a group that has a decision, so corrections and decisions survive it.
Members' comments and cells' opinions are grouped apart (GroupKind). Nothing here commits.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from content import similar
from storage import audit
from storage.audit import AuditAction
from storage.models import CellOpinion, Comment, CommentGroup, Decision, GroupItem, Member
from storage.versions import gathered_sections, head_of


class GroupKind(enum.StrEnum):
    MEMBER = "member"  # members' own comments
    CELL = "cell"  # cells' collective opinions


class GroupingError(Exception):
    """A correction that cannot be made; args[0] names why (a content.strings key's format)."""


@dataclass(frozen=True)
class RegroupReport:
    sections: int
    items: int
    groups: int
    kept: int  # items left where they were: pinned, or in a decided group


@dataclass
class _Item:
    comment_id: int | None
    opinion_id: int | None
    text: str
    group_id: int | None = None  # where it is now
    pinned: bool = False
    row_id: int | None = None  # its GroupItem


async def regroup(
    session: AsyncSession, consultation_id: int, now: datetime, *, by: Member | None = None
) -> RegroupReport:
    """Group every section's comments and opinions anew, keeping pinned and decided ones."""
    decided = set(
        (await session.execute(
            select(Decision.group_id).join(CommentGroup, CommentGroup.id == Decision.group_id)
            .where(CommentGroup.consultation_id == consultation_id)
        )).scalars()
    )
    buckets: dict[tuple[int, GroupKind], list[_Item]] = defaultdict(list)
    # Comments on a section's earlier versions are grouped with its newest version's.
    under = head_of(await gathered_sections(session, consultation_id))
    comments = await session.execute(
        select(Comment.section_id, Comment.id, Comment.text).where(
            Comment.consultation_id == consultation_id, func.trim(Comment.text) != ""
        ).order_by(Comment.id)
    )
    for section_id, comment_id, text in comments:
        buckets[(under.get(section_id, section_id), GroupKind.MEMBER)].append(
            _Item(comment_id, None, text))
    opinions = await session.execute(
        select(CellOpinion.section_id, CellOpinion.id, CellOpinion.text).where(
            CellOpinion.consultation_id == consultation_id, func.trim(CellOpinion.text) != ""
        ).order_by(CellOpinion.id)
    )
    for section_id, opinion_id, text in opinions:
        buckets[(under.get(section_id, section_id), GroupKind.CELL)].append(
            _Item(None, opinion_id, text))
    current = await session.execute(
        select(GroupItem.id, GroupItem.group_id, GroupItem.comment_id, GroupItem.opinion_id,
               GroupItem.pinned)
        .join(CommentGroup, CommentGroup.id == GroupItem.group_id)
        .where(CommentGroup.consultation_id == consultation_id)
    )
    placed = {(c, o): (row_id, group_id, pinned) for row_id, group_id, c, o, pinned in current}
    live: set[tuple[int | None, int | None]] = set()
    report = RegroupReport(0, 0, 0, 0)
    for (section_id, kind), items in sorted(buckets.items()):
        for item in items:
            key = (item.comment_id, item.opinion_id)
            live.add(key)
            if key in placed:
                item.row_id, item.group_id, item.pinned = placed[key]
        kept = await _regroup_section(session, consultation_id, section_id, kind, items,
                                      decided, now)
        report = RegroupReport(report.sections + 1, report.items + len(items),
                               report.groups + len({i.group_id for i in items}),
                               report.kept + kept)
    gone = [row_id for key, (row_id, _, _) in placed.items() if key not in live]
    if gone:  # comments emptied since the last run
        await session.execute(delete(GroupItem).where(GroupItem.id.in_(gone)))
    await _drop_empty_groups(session, consultation_id)
    audit.record(session, AuditAction.GROUPING_CHANGED, now, by=by,
                 detail={"change": "regroup", "groups": report.groups, "items": report.items})
    return report


async def _regroup_section(
    session: AsyncSession, consultation_id: int, section_id: int, kind: GroupKind,
    items: list[_Item], decided: set[int], now: datetime,
) -> int:
    """Group one section's items in place; returns how many stayed where they were."""
    fixed = [i.group_id if i.group_id is not None and (i.pinned or i.group_id in decided)
             else None for i in items]
    scores = similar.score_matrix([i.text for i in items])
    labels = similar.group(scores, fixed=fixed)
    # A new cluster takes over the undecided group most of its items were in, if free.
    anchors = {g for g in fixed if g is not None}
    clusters: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        clusters[label].append(index)
    taken: set[int] = set(anchors)
    final: dict[int, int] = {g: g for g in anchors}
    for label, members in clusters.items():
        if label in final:
            continue
        before = Counter(items[i].group_id for i in members if items[i].group_id is not None)
        reuse = next((g for g, _ in before.most_common() if g not in taken), None)
        if reuse is None:
            group = CommentGroup(consultation_id=consultation_id, section_id=section_id,
                                 kind=kind, representative="", created_at=now, updated_at=now)
            session.add(group)
            await session.flush()
            reuse = group.id
        taken.add(reuse)
        final[label] = reuse
    for label, members in clusters.items():
        group_id = final[label]
        text = items[similar.representative(scores, members)].text
        await session.execute(update(CommentGroup).where(CommentGroup.id == group_id)
                              .values(representative=text, updated_at=now, section_id=section_id))
        for index in members:
            item = items[index]
            if item.row_id is None:
                row = GroupItem(group_id=group_id, comment_id=item.comment_id,
                                opinion_id=item.opinion_id, pinned=False)
                session.add(row)
            elif item.group_id != group_id:
                await session.execute(update(GroupItem).where(GroupItem.id == item.row_id)
                                      .values(group_id=group_id))
            item.group_id = group_id
    await session.flush()
    return sum(1 for g in fixed if g is not None)


async def _drop_empty_groups(session: AsyncSession, consultation_id: int) -> None:
    used = select(GroupItem.group_id).distinct()
    await session.execute(delete(CommentGroup).where(
        CommentGroup.consultation_id == consultation_id, CommentGroup.id.not_in(used)))


async def _group(session: AsyncSession, group_id: int) -> CommentGroup:
    group = await session.get(CommentGroup, group_id)
    if group is None:
        raise GroupingError("CLI_COMPILE_NO_GROUP", group_id)
    return group


async def _refresh(session: AsyncSession, group_ids: Sequence[int], now: datetime) -> None:
    """Pick each group's representative again after its items changed."""
    for group_id in group_ids:
        texts = [text for (text,) in await session.execute(_item_texts(group_id))]
        if not texts:
            continue
        scores = similar.score_matrix(texts)
        text = texts[similar.representative(scores, list(range(len(texts))))]
        await session.execute(update(CommentGroup).where(CommentGroup.id == group_id)
                              .values(representative=text, updated_at=now))


def _item_texts(group_id: int):  # type: ignore[no-untyped-def]
    return (
        select(func.coalesce(Comment.text, CellOpinion.text))
        .select_from(GroupItem)
        .outerjoin(Comment, Comment.id == GroupItem.comment_id)
        .outerjoin(CellOpinion, CellOpinion.id == GroupItem.opinion_id)
        .where(GroupItem.group_id == group_id)
        .order_by(GroupItem.id)
    )


async def move(
    session: AsyncSession, item_id: int, to_group: int, now: datetime, *, by: Member | None = None
) -> None:
    """Put one item in another group of the same section and kind, pinned there."""
    item = await session.get(GroupItem, item_id)
    if item is None:
        raise GroupingError("CLI_COMPILE_NO_ITEM", item_id)
    source, target = await _group(session, item.group_id), await _group(session, to_group)
    _same_place(source, target)
    item.group_id, item.pinned = target.id, True
    await session.flush()
    await _refresh(session, [source.id, target.id], now)
    await _drop_empty_groups(session, source.consultation_id)
    audit.record(session, AuditAction.GROUPING_CHANGED, now, by=by, detail={
        "change": "move", "item": item_id, "from": source.id, "to": target.id})


async def split(
    session: AsyncSession, group_id: int, item_ids: Sequence[int], now: datetime,
    *, by: Member | None = None,
) -> int:
    """Take some items out of a group into a new one; both sides are pinned. Returns its id."""
    group = await _group(session, group_id)
    inside = set((await session.execute(
        select(GroupItem.id).where(GroupItem.group_id == group_id))).scalars())
    wanted = set(item_ids)
    if not wanted or not wanted <= inside:
        raise GroupingError("CLI_COMPILE_NOT_IN_GROUP", group_id)
    if wanted == inside:
        raise GroupingError("CLI_COMPILE_SPLIT_ALL", group_id)
    new = CommentGroup(consultation_id=group.consultation_id, section_id=group.section_id,
                       kind=group.kind, representative="", created_at=now, updated_at=now)
    session.add(new)
    await session.flush()
    await session.execute(update(GroupItem).where(GroupItem.group_id == group_id)
                          .values(pinned=True))
    await session.execute(update(GroupItem).where(GroupItem.id.in_(wanted))
                          .values(group_id=new.id))
    await _refresh(session, [group_id, new.id], now)
    audit.record(session, AuditAction.GROUPING_CHANGED, now, by=by, detail={
        "change": "split", "group": group_id, "new": new.id, "items": sorted(wanted)})
    return new.id


async def merge(
    session: AsyncSession, into: int, other: int, now: datetime, *, by: Member | None = None
) -> None:
    """Put every item of `other` into `into`, pinned; a decision on one of them is kept."""
    target, source = await _group(session, into), await _group(session, other)
    if target.id == source.id:
        raise GroupingError("CLI_COMPILE_SAME_GROUP", into)
    _same_place(target, source)
    decisions = {d.group_id: d for d in (await session.execute(
        select(Decision).where(Decision.group_id.in_([into, other])))).scalars()}
    if len(decisions) == 2:
        raise GroupingError("CLI_COMPILE_BOTH_DECIDED", other)
    if other in decisions:
        decisions[other].group_id = into
        await session.flush()
    await session.execute(update(GroupItem).where(GroupItem.group_id.in_([into, other]))
                          .values(group_id=into, pinned=True))
    await session.delete(source)
    await session.flush()
    await _refresh(session, [into], now)
    audit.record(session, AuditAction.GROUPING_CHANGED, now, by=by, detail={
        "change": "merge", "into": into, "from": other})


def _same_place(a: CommentGroup, b: CommentGroup) -> None:
    if (a.consultation_id, a.section_id, a.kind) != (b.consultation_id, b.section_id, b.kind):
        raise GroupingError("CLI_COMPILE_OTHER_SECTION", b.id)
