"""The Office overview's counters, kept by database triggers (storage/progress_counters.py)."""

from __future__ import annotations

from sqlalchemy import (
    Computed,
    Float,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class CellProgress(Base):
    """One cell in one round, counted: what the Office overview lists and sorts by.

    Kept by database triggers (migration 0008) in the same transaction as the change to a
    member, a progress row, a comment, a cell, an organization or a submission."""

    __tablename__ = "cell_progress"
    __table_args__ = (
        Index("ix_cell_progress_attention", "consultation_id", "submitted", "share",
              "organization", "cell_code"),
        Index("ix_cell_progress_organization", "consultation_id", "organization"),
    )

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    cell_id: Mapped[int] = mapped_column(
        ForeignKey("cell.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    organization: Mapped[str] = mapped_column(String(300))  # its name, for the order
    cell_code: Mapped[str] = mapped_column(String(50))
    members: Mapped[int]
    started: Mapped[int]  # started, not finished
    finished: Mapped[int]
    submitted: Mapped[int]  # 1: submitted and not reopened
    share: Mapped[float] = mapped_column(
        Float,
        Computed("CASE WHEN members = 0 THEN 1.0 ELSE CAST(finished AS FLOAT) / members END",
                 persisted=True),
    )


class ConsultationProgress(Base):
    """A round's totals over every cell, kept by a trigger on cell_progress (migration 0008)."""

    __tablename__ = "consultation_progress"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    cells: Mapped[int]
    cells_submitted: Mapped[int]
    members: Mapped[int]
    started: Mapped[int]
    finished: Mapped[int]
