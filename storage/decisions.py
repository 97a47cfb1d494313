"""The Office's decision on each group of comments: tiếp thu, giải trình …, who, when, why.

Only the Office decides: a member passed as `by` must have the Office role (the shell,
`by=None`, is the Office's own terminal). Every change is in the audit log, in the same
unit of work. Nothing here commits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.audit import AuditAction
from storage.models import CommentGroup, Decision, Member, Role, Section


class Outcome(enum.StrEnum):
    ACCEPTED = "tiep-thu"  # the draft will change
    PARTLY_ACCEPTED = "tiep-thu-mot-phan"
    EXPLAINED = "giai-trinh"  # not changed, and why
    NOT_ACCEPTED = "khong-tiep-thu"
    NOTED = "ghi-nhan"


class DecisionError(Exception):
    """A decision that cannot be recorded; args[0] is a content.strings key."""


@dataclass(frozen=True)
class SectionDecisions:
    section_id: int
    position: int
    number: str
    title: str
    groups: int
    decided: int

    @property
    def undecided(self) -> int:
        return self.groups - self.decided


async def decide(
    session: AsyncSession,
    group_id: int,
    outcome: Outcome,
    explanation: str,
    now: datetime,
    *,
    by: Member | None = None,
) -> Decision:
    """Record or change the decision on a group; each change bumps its version."""
    if by is not None and by.role != Role.OFFICE:
        raise DecisionError("CLI_COMPILE_NOT_OFFICE", by.full_name)
    explanation = explanation.strip()
    if not explanation:
        raise DecisionError("CLI_COMPILE_NO_EXPLANATION", group_id)
    group = await session.get(CommentGroup, group_id)
    if group is None:
        raise DecisionError("CLI_COMPILE_NO_GROUP", group_id)
    decision = (
        await session.execute(select(Decision).where(Decision.group_id == group_id))
    ).scalar_one_or_none()
    previous = None
    who = by.full_name if by is not None else audit.SHELL
    if decision is None:
        decision = Decision(group_id=group_id, outcome=outcome, explanation=explanation,
                            decided_by=by.id if by else None, decided_by_name=who,
                            decided_at=now, version=1)
        session.add(decision)
    else:
        previous = decision.outcome
        decision.outcome, decision.explanation = outcome, explanation
        decision.decided_by, decision.decided_by_name = (by.id if by else None), who
        decision.decided_at, decision.version = now, decision.version + 1
    await session.flush()
    audit.record(session, AuditAction.DECISION_RECORDED, now, by=by, detail={
        "group": group_id, "section": group.section_id, "outcome": str(outcome),
        "previous": previous, "version": decision.version,
    })
    return decision


async def progress(session: AsyncSession, consultation_id: int) -> list[SectionDecisions]:
    """Per section with groups: how many groups, how many decided, in reading order."""
    rows = await session.execute(
        select(Section.id, Section.position, Section.number, Section.title,
               func.count(CommentGroup.id), func.count(Decision.id))
        .join(CommentGroup, CommentGroup.section_id == Section.id)
        .outerjoin(Decision, Decision.group_id == CommentGroup.id)
        .where(Section.consultation_id == consultation_id)
        .group_by(Section.id, Section.position, Section.number, Section.title)
        .order_by(Section.position)
    )
    return [SectionDecisions(*row) for row in rows]
