"""What reminder tests share: linking the bloc to chats, and a channel that records or fails."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChatUnreachable
from bot.channels.telegram import TelegramChannel
from bot.clock import Clock
from bot.reminders import Reminders
from bot.sender import UNPACED, PacedSender
from handlers.conversation import ChannelCaps, Reply
from storage.models import CellSubmission, Identity, LinkedBy, Member, ReminderSent
from storage.uow import UnitOfWork
from tests.conftest import TZ, Bloc
from tests.support import fill

CHATS = {"an": "7001", "binh": "7002", "chi": "7003", "dung": "7004", "office": "7005"}


async def link_all(
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    now: datetime,
    channel: str = "telegram",
    skip: tuple[str, ...] = (),
) -> None:
    """Every bloc member linked to a chat of their own (CHATS), as if they had shared a phone."""
    async with UnitOfWork(sessions) as uow:
        for key, member in bloc.members.items():
            if key in skip:
                continue
            uow.session.add(
                Identity(
                    channel=channel,
                    user_id=CHATS[key],
                    chat_id=CHATS[key],
                    member_id=member.id,
                    linked_by=LinkedBy.CONTACT,
                    linked_at=now,
                    last_seen_at=now,
                    last_menu=None,
                )
            )
        await uow.commit()


async def finish(
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    key: str,
    now: datetime,
    *,
    finished: bool = True,
) -> None:
    async with UnitOfWork(sessions) as uow:
        fill.progress(uow.session, bloc.members[key], bloc.consultation.id, now, finished=finished)
        await uow.commit()


async def submit(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, secretary: str, now: datetime
) -> None:
    member = bloc.members[secretary]
    async with UnitOfWork(sessions) as uow:
        uow.session.add(
            CellSubmission(
                consultation_id=bloc.consultation.id,
                cell_id=member.cell_id,
                submitted_by=member.id,
                submitted_at=now,
                reopened_at=None,
            )
        )
        await uow.commit()


async def statuses(sessions: async_sessionmaker[AsyncSession], slot: str) -> dict[int, str]:
    async with sessions() as session:
        rows = await session.execute(
            select(ReminderSent.member_id, ReminderSent.status).where(ReminderSent.slot == slot)
        )
        return {member_id: status for member_id, status in rows}


async def unreachable_at(
    sessions: async_sessionmaker[AsyncSession], member_id: int
) -> datetime | None:
    async with sessions() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        return member.unreachable_at


@dataclass
class RecordingChannel:
    """A messenger that shows replies by remembering them; it can be told to fail or hang."""

    name: str = "telegram"
    caps: ChannelCaps = TelegramChannel.caps
    sent: list[tuple[str, Reply]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    fail_after: int | None = None  # raise on every send once this many went out
    hang_after: int | None = None  # never return once this many went out
    hanging: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id in self.blocked:
            raise ChatUnreachable("blocked")
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise ConnectionError("network down")
        if self.hang_after is not None and len(self.sent) >= self.hang_after:
            self.hanging.set()
            await asyncio.Event().wait()
        self.sent.append((chat_id, reply))

    def to(self, key: str) -> list[Reply]:
        return [reply for chat, reply in self.sent if chat == CHATS[key]]

    def chats(self) -> list[str]:
        return [chat for chat, _ in self.sent]


def reminders_over(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, channel: RecordingChannel
) -> Reminders:
    """A fresh Reminders, as a (re)started process would build it."""
    return Reminders(sessions, {channel.name: PacedSender(channel, UNPACED)}, clock, TZ)
