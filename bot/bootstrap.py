"""The composition root: settings, database, engine and channels are built here and only here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.base import Channel
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.inbox import Inbox, KeepsInbox
from bot.outbox_sender import Exports, OutboxSender
from bot.reminders import Reminders
from bot.sender import TELEGRAM_PACE, UNPACED, ZALO_PACE, Pace, PacedSender
from handlers.context import Limits
from storage.db import create_engine, create_session_factory
from storage.identities import mark_reached, mark_unreachable
from storage.migrate import upgrade
from storage.uow import UnitOfWork


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    engine: ConversationEngine
    # Each channel behind its paced sender, and the outbox sender that drains its replies.
    channels: dict[str, PacedSender] = field(default_factory=dict)
    outboxes: dict[str, OutboxSender] = field(default_factory=dict)
    # Refusals in a row before a member counts as unreachable, by channel (default 1).
    unreachable_after: dict[str, int] = field(default_factory=dict)
    # Chats with a refusal counted by this process: a delivery there resets the count
    # (one write then, not one per message sent).
    refused_chats: set[tuple[str, str]] = field(default_factory=set)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.sessions, write=write)

    def add_channel(self, channel: Channel) -> None:
        """Registered behind its sender, so every message on it is paced (bot/sender.py)."""
        paced = PacedSender(channel, pace_for(self.settings, channel.name),
                            on_unreachable=self.mark_unreachable, on_delivered=self.delivered)
        self.unreachable_after[channel.name] = getattr(channel, "unreachable_after", 1)
        self.channels[channel.name] = paced
        self.engine.register(channel.name, channel.caps)
        outbox = OutboxSender(paced, self.sessions, self.clock, self.exports,
                              lease=timedelta(seconds=self.settings.outbox_lease_seconds))
        self.outboxes[channel.name] = outbox
        self.engine.attach(outbox)
        if isinstance(channel, KeepsInbox):
            channel.use_inbox(Inbox(self.sessions, self.clock))

    async def mark_unreachable(self, channel: str, chat_id: str) -> None:
        """A permanent refusal (a 403): counted; after the channel's number of them in a row
        the member is shown as unreachable and not reminded."""
        async with self.uow() as uow:
            await mark_unreachable(uow.session, channel, chat_id, self.clock.now(),
                                   after=self.unreachable_after.get(channel, 1))
            await uow.commit()
        self.refused_chats.add((channel, chat_id))

    async def delivered(self, channel: str, chat_id: str) -> None:
        if (channel, chat_id) not in self.refused_chats:
            return
        async with self.uow() as uow:
            await mark_reached(uow.session, channel, chat_id)
            await uow.commit()
        self.refused_chats.discard((channel, chat_id))

    def reminders(self) -> Reminders:
        return Reminders(self.sessions, self.channels, self.clock, self.settings.tz)

    @property
    def exports(self) -> Exports:
        return Exports(self.sessions, self.settings.tz)

    async def close(self) -> None:
        for channel in self.channels.values():
            close = getattr(channel, "close", None)
            if close is not None:
                await close()
        await self.db.dispose()


async def build(settings: Settings, clock: Clock | None = None) -> App:
    """A ready app on a migrated database; channels are added by the caller."""
    configure_logging(settings.log_level)
    db = create_engine(settings.database_url)
    await upgrade(db)
    sessions = create_session_factory(db)
    clock = clock or SystemClock()
    engine = ConversationEngine(
        sessions,
        clock=clock,
        tz=settings.tz,
        limits=Limits(settings.max_message_chars, settings.max_comment_chars),
        caps={},
        web_base_url=settings.console_url,
    )
    return App(settings=settings, clock=clock, db=db, sessions=sessions, engine=engine)


def pace_for(settings: Settings, channel: str) -> Pace:
    """The configured outgoing pace of a channel; local ones are not paced."""
    if channel == "telegram":
        return replace(TELEGRAM_PACE, per_second=settings.telegram_messages_per_second,
                       per_chat_per_second=settings.telegram_chat_messages_per_second)
    if channel == "zalo":
        return replace(ZALO_PACE, per_second=settings.zalo_messages_per_second,
                       per_chat_per_second=settings.zalo_chat_messages_per_second)
    return UNPACED


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiogram logs every request URL, and the URL carries the bot token; at DEBUG aiosqlite
    # logs every statement with its parameters: phone numbers, access codes, comments.
    for noisy in ("aiogram", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("alembic").setLevel(logging.WARNING)
