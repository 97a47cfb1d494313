"""The database schema. Every change here comes with an Alembic migration."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON
    }


class Role(enum.StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"
    OFFICE = "office"


class LinkedBy(enum.StrEnum):
    """How a chat account proved whose it is (Identity.linked_by, a plain string column)."""

    CONTACT = "contact"  # shared its own phone number
    CODE = "code"  # typed the member's 8-digit access code


class ReminderStatus(enum.StrEnum):
    """Where one planned reminder is (ReminderSent.status, a plain string column)."""

    PENDING = "pending"  # planned, nobody is sending it
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    UNREACHABLE = "unreachable"  # every chat of the person blocked the bot
    SKIPPED = "skipped"  # no longer needed when its turn came
    UNCONFIRMED = "unconfirmed"  # the sender stopped mid-way: may or may not have arrived


def _role_type() -> Enum:
    return Enum(Role, name="role", native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


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


class Organization(Base):
    """A base organization (đảng bộ cơ sở / chi bộ cơ sở), parent of cells."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)


class Cell(Base):
    """A chi bộ: the unit comments are keyed by."""

    __tablename__ = "cell"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)

    organization: Mapped[Organization] = relationship()


class Member(Base):
    """A person on the roster. The phone number is who they are."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # normalised: 0xxxxxxxxx
    role: Mapped[Role] = mapped_column(_role_type())
    access_code: Mapped[str] = mapped_column(String(16), unique=True)
    unreachable_at: Mapped[datetime | None]

    cell: Mapped[Cell] = relationship()


class Identity(Base):
    """A chat account (Telegram user, Zalo user, console) linked to a roster member."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    linked_by: Mapped[str] = mapped_column(String(20))  # a LinkedBy value
    linked_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Button data of the last choices shown, for channels that answer by number.
    last_menu: Mapped[list[Any] | None]
    # The document of the round this chat is reading, when the round has several;
    # None (or a document of an older round): ask, or the only one.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    # What the next typed text in this chat is for when it is not the member's own
    # comment: "opinion:<section id>" = a secretary writing the cell's opinion.
    awaiting: Mapped[str | None] = mapped_column(String(60))
    awaiting_since: Mapped[datetime | None]
    # Messages the platform refused for good in a row (a 403, …); reset by one delivered.
    # Only after several is the member marked unreachable (storage/identities.py).
    failed_sends: Mapped[int] = mapped_column(default=0, server_default="0")

    member: Mapped[Member] = relationship()


class LinkAttempt(Base):
    """Failed code attempts by a not-yet-linked chat account, to stop guessing."""

    __tablename__ = "link_attempt"
    __table_args__ = (Index("ix_link_attempt_who", "channel", "user_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]


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


class ChangeShown(Base):
    """A member shown what changed in a section they commented on in an earlier version:
    shown once, the first time they open the section's newest version."""

    __tablename__ = "change_shown"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"),
                                           primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"),
                                            primary_key=True)
    shown_at: Mapped[datetime]


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


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the person blocked the bot: not tried again
    FAILED = "failed"  # the platform kept refusing it: given up, kept for the record


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that caused it.

    A sender per channel drains these at the platform's pace (bot/outbox.py); a crash
    between commit and send leaves the row pending, so it goes out on restart.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "channel", "status", "id"),
        Index("ix_outbox_chat", "chat_id", "id"),  # a chat's earlier messages, kept in order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    reply: Mapped[dict[str, Any]]  # handlers.conversation.Reply as JSON (bot/outbox.py)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    # A sender that took the row owns it until then; after a crash another one takes it.
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]


class DeadLetter(Base):
    """An update that could not be read, or failed the same way each time it was handled.

    Parked with its raw payload so it never holds up the others and can be replayed
    (`gopy deadletters replay`) once a fix is deployed.
    """

    __tablename__ = "dead_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    update_key: Mapped[str] = mapped_column(String(120), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # "read": unreadable; "handle": handler failed
    raw: Mapped[str] = mapped_column(Text)  # the platform's payload, or the event as we read it
    inbound: Mapped[dict[str, Any] | None]  # the event as read, when it could be read
    error: Mapped[str] = mapped_column(Text)  # exception type and where it was raised
    attempts: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    replayed_at: Mapped[datetime | None]


class AuditEntry(Base):
    """A change the Office or a secretary made, with who and when (shown in the console)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))  # the name as it was, or "gopy" (the shell)
    action: Mapped[str] = mapped_column(String(60))  # an AuditAction value
    detail: Mapped[dict[str, Any]]  # what changed, for the log page (no comment text)


class HandledUpdate(Base):
    """Updates already processed: platforms deliver at least once."""

    __tablename__ = "handled_update"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    handled_at: Mapped[datetime]



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


class ReminderSent(Base):
    """One reminder to one person for one slot: the unique key makes it exactly once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("consultation_id", "slot", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(60))  # e.g. "2026-12-01T08:00" or "nudge:..."
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("cell.id"), index=True)
    sent_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=ReminderStatus.SENT)  # a ReminderStatus


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

class WebSignInLink(Base):
    """A one-time link to the web console, sent by the bot; only a hash of its token is kept."""

    __tablename__ = "web_sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the hash of its cookie, its CSRF token, when it was last used."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cookie_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ZaloInboxEvent(Base):
    """A Zalo event exactly as it arrived, kept until handled: Zalo documents no redelivery,
    so the webhook's first, smallest write is this row, and its 200 follows it."""

    __tablename__ = "zalo_inbox"
    __table_args__ = (Index("ix_zalo_inbox_chat", "chat_id", "id"),)  # a chat's earlier events

    id: Mapped[int] = mapped_column(primary_key=True)  # arrival order
    update_key: Mapped[str] = mapped_column(String(120))  # "zalo:<message_id>", or ""
    chat_id: Mapped[str] = mapped_column(String(64), default="", server_default="")  # "": unread
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]  # a worker is on it until then
    attempts: Mapped[int] = mapped_column(default=0)


class OutcomeNotice(Base):
    """A member told what became of one of their comments: exactly once per comment, the
    row written in the same transaction as the message that tells it (bot/outbox.py)."""

    __tablename__ = "outcome_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                            unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    reached: Mapped[bool]  # False: no chat the bot can reach (counted, never retried)
    queued_at: Mapped[datetime]


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
