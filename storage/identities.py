"""Who is talking: chat accounts linked to roster members, and guarding the codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from storage.consultations import current_consultation, current_id
from storage.models import Cell, Consultation, Identity, LinkAttempt, LinkedBy, Member

MAX_FAILED_CODES_PER_HOUR = 5


async def identity_and_round(
    session: AsyncSession, channel: str, user_id: str
) -> tuple[Identity | None, Consultation | None]:
    """Who is writing, and the document of the current round they read, in one query (the
    start of every update): the one the chat chose, when it is of this round; else the
    round's first (its only one, mostly; a round of several asks, handlers/documents.py)."""
    chosen = aliased(Consultation)
    of_round = (
        select(chosen.id)
        .where(chosen.id == Identity.document_id, chosen.round_id == current_id())
        .scalar_subquery()
    )
    result = await session.execute(
        select(Identity, Consultation)
        .where(Identity.channel == channel, Identity.user_id == user_id)
        .outerjoin(Consultation, Consultation.id == func.coalesce(of_round, current_id()))
        .options(
            joinedload(Identity.member).joinedload(Member.cell).joinedload(Cell.organization)
        )
    )
    row = result.one_or_none()
    if row is None:
        return None, await current_consultation(session)
    return row[0], row[1]


async def find_identity(session: AsyncSession, channel: str, user_id: str) -> Identity | None:
    result = await session.execute(
        select(Identity)
        .where(Identity.channel == channel, Identity.user_id == user_id)
        .options(
            joinedload(Identity.member).joinedload(Member.cell).joinedload(Cell.organization)
        )
    )
    return result.scalar_one_or_none()


_WITH_CELL = joinedload(Member.cell).joinedload(Cell.organization)
# "Most recently used" only orders a member's chats (where reminders go): minutes are
# precise enough, and most updates then write nothing to the identity at all.
SEEN_PRECISION = timedelta(minutes=1)


def seen(identity: Identity, chat_id: str, now: datetime) -> None:
    """The member wrote from this chat now: reachable again, and their latest chat."""
    if identity.chat_id != chat_id or now - identity.last_seen_at >= SEEN_PRECISION:
        identity.last_seen_at = now
        identity.chat_id = chat_id
    if identity.member.unreachable_at is not None:
        identity.member.unreachable_at = None


async def member_by_phone(session: AsyncSession, phone: str) -> Member | None:
    result = await session.execute(select(Member).where(Member.phone == phone).options(_WITH_CELL))
    return result.scalar_one_or_none()


async def member_by_code(session: AsyncSession, code: str) -> Member | None:
    result = await session.execute(
        select(Member).where(Member.access_code == code).options(_WITH_CELL)
    )
    return result.scalar_one_or_none()


async def identity_of(session: AsyncSession, member_id: int, channel: str) -> Identity | None:
    result = await session.execute(
        select(Identity).where(Identity.member_id == member_id, Identity.channel == channel)
    )
    return result.scalar_one_or_none()


async def link(
    session: AsyncSession,
    *,
    member: Member,
    channel: str,
    user_id: str,
    chat_id: str,
    how: str,
    now: datetime,
) -> Identity:
    """One account per member per channel: a newly proven account replaces the old one."""
    await session.execute(
        delete(Identity).where(Identity.member_id == member.id, Identity.channel == channel)
    )
    identity = Identity(
        channel=channel,
        user_id=user_id,
        chat_id=chat_id,
        member_id=member.id,
        linked_by=LinkedBy(how),
        linked_at=now,
        last_seen_at=now,
        last_menu=None,
        member=member,
    )
    session.add(identity)
    await session.flush()
    return identity


async def recent_failures(session: AsyncSession, channel: str, user_id: str, now: datetime) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(LinkAttempt)
        .where(
            LinkAttempt.channel == channel,
            LinkAttempt.user_id == user_id,
            LinkAttempt.attempted_at > now - timedelta(hours=1),
        )
    )
    return int(result.scalar_one())


def record_failure(session: AsyncSession, channel: str, user_id: str, now: datetime) -> None:
    session.add(LinkAttempt(channel=channel, user_id=user_id, attempted_at=now))


async def mark_unreachable(
    session: AsyncSession, channel: str, chat_id: str, now: datetime, *, after: int = 1
) -> int:
    """The platform refused a message to this chat for good: counted with the chat's
    identity; at `after` refusals in a row the person is taken as having blocked the bot
    (not reminded, shown so to their secretary). Returns how many members were marked."""
    chat = (Identity.channel == channel, Identity.chat_id == chat_id)
    await session.execute(
        update(Identity).where(*chat).values(failed_sends=Identity.failed_sends + 1)
        .execution_options(synchronize_session=False)
    )
    owners = select(Identity.member_id).where(*chat, Identity.failed_sends >= after)
    result = await session.execute(
        update(Member)
        .where(Member.id.in_(owners), Member.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_reached(session: AsyncSession, channel: str, chat_id: str) -> None:
    """A message got through: refusals counted so far were not a block."""
    await session.execute(
        update(Identity)
        .where(Identity.channel == channel, Identity.chat_id == chat_id, Identity.failed_sends > 0)
        .values(failed_sends=0)
        .execution_options(synchronize_session=False)
    )


async def clear_unreachable(session: AsyncSession, member_id: int) -> None:
    """Reached on another of their chats after all: not unreachable."""
    await session.execute(update(Member).where(Member.id == member_id).values(unreachable_at=None))


async def remember_menu(
    session: AsyncSession, channel: str, chat_id: str, payloads: Sequence[str | None]
) -> None:
    """On channels without buttons, typing "1" means the first choice of the last menu shown."""
    await session.execute(
        update(Identity)
        .where(Identity.channel == channel, Identity.chat_id == chat_id)
        .values(last_menu=list(payloads))
    )
