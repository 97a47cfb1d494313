"""What members and cells said, and where each member is in a document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


class Progress(Base):
    """Where a member is in a consultation; resuming after a restart reads this."""

    __tablename__ = "progress"
    __table_args__ = (UniqueConstraint("member_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    section_position: Mapped[int] = mapped_column(Integer, default=1)
    page: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]  # the member confirmed their comments
    # A version of the draft loaded since the member last read, to tell them about once.
    news_version: Mapped[int | None]


class Comment(Base):
    """A member's comment on a section: a choice, free text, or both."""

    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("member_id", "section_id"),
        Index("ix_comment_cell_section", "cell_id", "section_id"),
        Index("ix_comment_consultation_cell", "consultation_id", "cell_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    # The cell at the time of commenting: "by cell" needs no join through a member who moved.
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"))
    choice: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # What the parts and proposals point at, written out for the export (one line each):
    # quoted passages, paragraph numbers, «original» → «proposed» wordings.
    passages: Mapped[str] = mapped_column(Text, default="", server_default="")
    paragraphs: Mapped[str] = mapped_column(Text, default="", server_default="")
    proposals: Mapped[str] = mapped_column(Text, default="", server_default="")

    parts: Mapped[list[CommentPart]] = relationship(
        back_populates="comment", order_by="CommentPart.id", cascade="all, delete-orphan"
    )


class CommentPart(Base):
    """One chat message that makes up a comment's text; kept so an edited message can update it."""

    __tablename__ = "comment_part"
    __table_args__ = (UniqueConstraint("source", name="uq_comment_part_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    # "<channel>:<chat>:<message id>", or a generated key where the channel has none.
    source: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    # The passage this message is about: a quote, a paragraph (1-based), a page shown.
    passage: Mapped[str | None] = mapped_column(Text)
    paragraph: Mapped[int | None]
    page: Mapped[int | None]

    comment: Mapped[Comment] = relationship(back_populates="parts")


class ChangeShown(Base):
    """A member shown what changed in a section they commented on in an earlier version:
    shown once, the first time they open the section's newest version."""

    __tablename__ = "change_shown"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"),
                                           primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"),
                                            primary_key=True)
    shown_at: Mapped[datetime]


class SentPage(Base):
    """A section page the bot sent, by the platform's message id: a reply to that message
    (swipe to reply, or a quote) is a comment on that section and page."""

    __tablename__ = "sent_page"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime]


class WordingProposal(Base):
    """A member's proposed rewording of a passage; `proposed` empty while still being typed."""

    __tablename__ = "wording_proposal"
    __table_args__ = (Index("ix_wording_proposal_member_section", "member_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"))
    paragraph: Mapped[int | None]
    original: Mapped[str] = mapped_column(Text)
    proposed: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DocumentStance(Base):
    """A member's stance on the whole document (Tán thành …), with an optional comment."""

    __tablename__ = "document_stance"
    __table_args__ = (
        UniqueConstraint("member_id", "consultation_id"),
        # The round's tally, and one cell's, without reading other rounds' or cells' rows.
        Index("ix_document_stance_consultation_cell", "consultation_id", "cell_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"))
    stance: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CellOpinion(Base):
    """The cell's collective opinion on a section, written by its secretary."""

    __tablename__ = "cell_opinion"
    __table_args__ = (UniqueConstraint("cell_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CellSubmission(Base):
    """A cell's comments handed up ("chốt") by its secretary; reopening clears it."""

    __tablename__ = "cell_submission"
    __table_args__ = (UniqueConstraint("consultation_id", "cell_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("member.id"))
    submitted_at: Mapped[datetime]
    reopened_at: Mapped[datetime | None]
