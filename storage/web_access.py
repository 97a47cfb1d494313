"""Who may use the web console: one-time sign-in links and cookie sessions, stored as hashes.

A link token and a cookie value are random (256 bits) and only their SHA-256 is saved, so a
copy of the database signs nobody in. A link is good once, for LINK_LIFETIME, for the member
it was made for; a session ends when signed out or after the configured idle time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Role, WebSession, WebSignInLink

LINK_LIFETIME = timedelta(minutes=10)
CONSOLE_ROLES = (Role.OFFICE, Role.SECRETARY)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def may_use_console(member: Member) -> bool:
    return member.role in CONSOLE_ROLES


def issue_link(session: AsyncSession, member: Member, now: datetime) -> str:
    """A new one-time token for this member (the caller puts it in a URL); only its hash is kept."""
    if not may_use_console(member):
        raise PermissionError("only the Office and cell secretaries sign in to the console")
    token = secrets.token_urlsafe(32)
    session.add(WebSignInLink(token_hash=_hash(token), member_id=member.id, created_at=now,
                              expires_at=now + LINK_LIFETIME))
    return token


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> Member | None:
    """The member a valid, unused, unexpired token was made for, marking it used; else None.

    The update is conditional on used_at being empty, so two browsers racing with the same
    link cannot both get in."""
    if not token or len(token) > 200:
        return None
    digest = _hash(token)
    result = await session.execute(
        update(WebSignInLink)
        .where(WebSignInLink.token_hash == digest, WebSignInLink.used_at.is_(None),
               WebSignInLink.expires_at > now)
        .values(used_at=now)
        .returning(WebSignInLink.member_id)
    )
    member_id = result.scalar_one_or_none()
    if member_id is None:
        return None
    member = await session.get(Member, member_id)
    return member if member is not None and may_use_console(member) else None


@dataclass(frozen=True)
class OpenedSession:
    cookie: str  # the raw value for the browser; never stored
    csrf_token: str


def open_session(session: AsyncSession, member: Member, now: datetime) -> OpenedSession:
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(cookie_hash=_hash(cookie), csrf_token=csrf, member_id=member.id,
                           created_at=now, last_seen_at=now))
    return OpenedSession(cookie, csrf)


async def find_session(
    session: AsyncSession, cookie: str, now: datetime, idle: timedelta
) -> WebSession | None:
    """The live session behind a cookie value, touched; None if unknown, ended or idle too long."""
    if not cookie or len(cookie) > 200:
        return None
    found = (await session.execute(
        select(WebSession).where(WebSession.cookie_hash == _hash(cookie))
    )).scalar_one_or_none()
    if found is None or found.ended_at is not None:
        return None
    if now - found.last_seen_at > idle:
        found.ended_at = now
        return None
    member = await session.get(Member, found.member_id)
    if member is None or not may_use_console(member):
        return None
    found.last_seen_at = now
    return found


def csrf_matches(web_session: WebSession, given: str) -> bool:
    return hmac.compare_digest(web_session.csrf_token.encode(), given.encode())


def end_session(web_session: WebSession, now: datetime) -> None:
    web_session.ended_at = now


async def member_by_phone(session: AsyncSession, phone: str) -> Member | None:
    return (await session.execute(select(Member).where(Member.phone == phone))).scalar_one_or_none()
