"""May a cell's comments still change? One rule for members and their secretary alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.context import Context
from storage import submissions
from storage.consultations import is_open


@dataclass(frozen=True)
class Closed:
    """The deadline has passed."""

    deadline: datetime


@dataclass(frozen=True)
class Submitted:
    """The secretary handed the cell's comments up; reopening unlocks them."""

    at: datetime


Lock = Closed | Submitted


async def cell_lock(ctx: Context) -> Lock | None:
    """Why the sender's cell cannot change now, or None when it can (always their own cell)."""
    consultation = ctx.consultation
    if consultation is None:
        raise RuntimeError("lock asked for without a consultation")
    if not is_open(consultation, ctx.now):
        return Closed(consultation.deadline)
    submission = await submissions.submission_of(ctx.session, consultation.round_id,
                                                ctx.member.cell_id)
    if submission is not None and submissions.is_in_force(submission):
        return Submitted(submission.submitted_at)
    return None
