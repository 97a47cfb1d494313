"""The web console's sign-in links and sessions, and the audit log of what people did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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
