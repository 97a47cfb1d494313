"""What comes in and goes out: handled updates, the outbox, dead letters, reminders, the
Zalo inbox and outcome notices."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, ReminderStatus


class HandledUpdate(Base):
    """Updates already processed: platforms deliver at least once."""

    __tablename__ = "handled_update"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    handled_at: Mapped[datetime]


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
