"""The audit log: every change to a round, its roster, its deadline or a cell's submission."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Member

SHELL = "gopy"  # the actor when a change comes from the command line


class AuditAction(enum.StrEnum):
    ROUND_OPENED = "round_opened"
    DRAFT_VERSION_LOADED = "draft_version_loaded"
    ROSTER_IMPORTED = "roster_imported"
    DEADLINE_CHANGED = "deadline_changed"
    REMINDERS_CHANGED = "reminders_changed"
    CELL_SUBMITTED = "cell_submitted"
    CELL_REOPENED = "cell_reopened"
    DECISION_RECORDED = "decision_recorded"
    GROUPING_CHANGED = "grouping_changed"
    DEAD_LETTER_REPLAYED = "dead_letter_replayed"


def record(
    session: AsyncSession,
    action: AuditAction,
    now: datetime,
    *,
    by: Member | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry in the caller's unit of work: it commits (or not) with the change itself."""
    entry = AuditEntry(at=now, member_id=by.id if by is not None else None,
                       actor=by.full_name if by is not None else SHELL, action=action,
                       detail=dict(detail or {}))
    session.add(entry)
    return entry


async def recent(session: AsyncSession, *, limit: int = 100, offset: int = 0) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return (await session.execute(query.limit(limit).offset(offset))).scalars().all()
