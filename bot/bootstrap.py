"""The composition root: settings, database, engine and channels are built here and only here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.base import Channel
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery import Delivery
from bot.engine import ConversationEngine
from handlers.context import Limits
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWork


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    engine: ConversationEngine
    channels: dict[str, Channel] = field(default_factory=dict)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.sessions, write=write)

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        self.engine.register(channel.name, channel.caps)

    @property
    def delivery(self) -> Delivery:
        return Delivery(self.channels, self.sessions)

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
    )
    return App(settings=settings, clock=clock, db=db, sessions=sessions, engine=engine)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiogram logs every request URL, and the URL carries the bot token.
    logging.getLogger("aiogram").setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("alembic").setLevel(logging.WARNING)
