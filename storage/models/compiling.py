"""The Office's compilation: groups of similar comments and the decisions on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class CommentGroup(Base):
    """Comments on one section that say the same thing, as the Office compiles them.

    Members' comments and cells' opinions are grouped apart (kind), so the report shows
    them apart. Made by a grouping run (storage/grouping.py) and corrected by hand.
    """

    __tablename__ = "comment_group"
    __table_args__ = (Index("ix_comment_group_section", "consultation_id", "section_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # a GroupKind value: "member" | "cell"
    representative: Mapped[str] = mapped_column(Text, default="")  # the text shown for the group
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class GroupItem(Base):
    """One comment (or one cell's opinion) in a group; pinned when the Office put it there."""

    __tablename__ = "group_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("comment_group.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), unique=True
    )
    opinion_id: Mapped[int | None] = mapped_column(
        ForeignKey("cell_opinion.id", ondelete="CASCADE"), unique=True
    )
    # A later grouping run never moves a pinned item (a hand correction).
    pinned: Mapped[bool] = mapped_column(default=False)


class Decision(Base):
    """What the Office decided about a group (tiếp thu, giải trình …) and why; edits bump version."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("comment_group.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(30))  # an Outcome value (storage/decisions.py)
    explanation: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(200))  # as it was, or "gopy" (the shell)
    decided_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
