"""Who may comment: organizations, cells, members, and the chat accounts linked to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Role, role_type


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
    role: Mapped[Role] = mapped_column(role_type())
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
