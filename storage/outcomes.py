"""Which members are still to be told what became of their comments, and recording it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import same_round
from storage.db import insert_for
from storage.models import (
    Comment,
    CommentGroup,
    Decision,
    GroupItem,
    Identity,
    Member,
    OutcomeNotice,
    Section,
)


@dataclass(frozen=True)
class Outcome:
    """One comment's outcome, as its member is told it."""

    comment_id: int
    member_id: int
    decision_id: int
    position: int  # the section's place in the draft
    section: str  # its label
    comment: str  # what the member wrote (or the choice they made)
    group: str  # what their group says, in the Office's words (the representative)
    outcome: str  # a storage.decisions.Outcome value
    explanation: str


async def untold(
    session: AsyncSession, consultation_id: int, *, limit: int = 500
) -> list[Outcome]:
    """Decided comments whose member has not been told yet, a member's together."""
    rows = await session.execute(
        select(Comment.id, Comment.member_id, Decision.id, Section.position, Section.number,
               Section.title, Comment.text, Comment.choice, CommentGroup.representative,
               Decision.outcome, Decision.explanation)
        .join(GroupItem, GroupItem.comment_id == Comment.id)
        .join(CommentGroup, CommentGroup.id == GroupItem.group_id)
        .join(Decision, Decision.group_id == CommentGroup.id)
        .join(Section, Section.id == Comment.section_id)
        .outerjoin(OutcomeNotice, OutcomeNotice.comment_id == Comment.id)
        .where(Comment.consultation_id.in_(same_round(consultation_id)), OutcomeNotice.id.is_(None))
        .order_by(Comment.member_id, Section.position)
        .limit(limit)
    )
    return [
        Outcome(comment_id, member_id, decision_id, position,
                f"{number}. {title}" if number else title, text or choice or "", group,
                outcome, explanation)
        for (comment_id, member_id, decision_id, position, number, title, text, choice, group,
             outcome, explanation) in rows
    ]


async def reachable(session: AsyncSession, member_ids: Collection[int]) -> set[int]:
    """Members with a chat the bot may write to (linked, not marked unreachable)."""
    rows = await session.execute(
        select(Identity.member_id).join(Member, Member.id == Identity.member_id)
        .where(Identity.member_id.in_(list(member_ids)), Member.unreachable_at.is_(None))
    )
    return set(rows.scalars())


async def record(
    session: AsyncSession, outcomes: Sequence[Outcome], reached: set[int], now: datetime
) -> set[int]:
    """Mark comments as told, in the caller's transaction; returns the comment ids this
    call recorded (another worker telling the same comment at once records it, not us)."""
    if not outcomes:
        return set()
    result = await session.execute(
        insert_for(session, OutcomeNotice)
        .values([{"comment_id": o.comment_id, "member_id": o.member_id,
                  "decision_id": o.decision_id, "reached": o.member_id in reached,
                  "queued_at": now} for o in outcomes])
        .on_conflict_do_nothing(index_elements=["comment_id"])
        .returning(OutcomeNotice.comment_id)
    )
    return set(result.scalars())


async def counts(session: AsyncSession, consultation_id: int) -> tuple[int, int]:
    """(told, could not be reached) so far."""
    rows = (await session.execute(
        select(OutcomeNotice.reached).join(Comment, Comment.id == OutcomeNotice.comment_id)
        .where(Comment.consultation_id.in_(same_round(consultation_id)))
    )).scalars().all()
    return sum(1 for r in rows if r), sum(1 for r in rows if not r)
