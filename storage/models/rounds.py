"""A round of comments: its documents (Consultation), their versions and sections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


class Consultation(Base):
    """One document of a round of comments, in its newest version.

    A round may send several documents (the political report, the review report, the
    upper level's drafts): each is a Consultation, and they share `round_id` (the id of
    the round's first document) and its deadline, reminders and choices. Progress,
    counters and comments are per document; "the round" is the documents with one
    round_id. A next version of the draft (lần 5 after lần 4) stays the same Consultation:
    its sections are new rows with the next `version`, and comments stay on the section
    rows they were made on.
    """

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not a foreign key: SQLite cannot add one to a table kept by triggers without copying it.
    round_id: Mapped[int] = mapped_column(Integer, index=True, server_default="0")
    # The document's short name for the member's menu ("Báo cáo chính trị"); "" = the title.
    document: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # newest
    title: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[datetime]
    # [{"label": "Nhất trí", "asks_text": false}, ...] in the order shown.
    choices: Mapped[list[Any]]
    # Reminder slots before the deadline, e.g. [{"days_before": 3, "at": "08:00"}, ...].
    reminders: Mapped[list[Any]]
    intro: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # A stance on the whole document at the finish step (DocumentStance); labels in order,
    # None: content.strings.STANCE_LABELS.
    stance_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    stance_labels: Mapped[list[Any] | None]

    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation", order_by="Section.position"
    )

    @property
    def name(self) -> str:
        """What the member's document menu calls it."""
        return self.document or self.title


class DraftVersion(Base):
    """A version of a document's draft as loaded («Dự thảo lần 4», then «lần 5»)."""

    __tablename__ = "draft_version"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")  # as the Office named it
    source_name: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime]


class Section(Base):
    """A commentable unit of the draft, in reading order, in one version of it."""

    __tablename__ = "section"
    __table_args__ = (
        UniqueConstraint("consultation_id", "version", "position"),
        UniqueConstraint("consultation_id", "version", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The section of the version before that this one was matched to (number, heading,
    # text similarity); None: new in this version, or the first version.
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("section.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 1-based reading order
    key: Mapped[str] = mapped_column(String(100))  # position in the draft tree
    number: Mapped[str] = mapped_column(String(50))  # as printed
    title: Mapped[str] = mapped_column(String(1000))
    path: Mapped[list[Any]]  # ancestor headings, for context
    body: Mapped[str] = mapped_column(Text)
    footnotes: Mapped[list[Any]]  # [{"mark": "1", "text": "..."}]

    consultation: Mapped[Consultation] = relationship(back_populates="sections")

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title
