"""Keep first, handle after: a channel without redelivery writes each event here before
acknowledging it, and a worker handles what is kept, across restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage import inbox as store
from storage.uow import UnitOfWork

Kept = store.Kept


class Inbox:
    """The inbox table seen from the bot: one short transaction per call."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock,
        *, lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self._sessions, self._clock, self._lease = sessions, clock, lease
        self._arrived = asyncio.Event()

    async def keep(self, events: Sequence[tuple[str, str, str]]) -> None:
        """(update key, chat id, raw event), in one insert-only transaction; raises if not kept."""
        async with UnitOfWork(self._sessions) as uow:
            now = self._clock.now()
            for key, chat_id, raw in events:
                store.add(uow.session, key, chat_id, raw, now)
            await uow.commit()
        self._arrived.set()

    async def claim(self, limit: int) -> list[Kept]:
        async with UnitOfWork(self._sessions) as uow:
            kept = await store.claim(uow.session, self._clock.now(), self._lease, limit)
            await uow.commit()
        return kept

    async def settle(
        self, done: Sequence[int], again: Sequence[int], untried: Sequence[int] = ()
    ) -> None:
        """Delete what was handled; give back what was not, for the next claim."""
        async with UnitOfWork(self._sessions) as uow:
            await store.remove(uow.session, done)
            await store.release(uow.session, again, untried)
            await uow.commit()

    async def waiting(self) -> int:
        async with UnitOfWork(self._sessions, write=False) as uow:
            return await store.waiting(uow.session)

    async def wait(self, stop: asyncio.Event, seconds: float) -> None:
        """Until something is kept by this process, the bot stops, or `seconds` pass (rows
        kept by other processes, or left by an earlier run, are found then)."""
        if self._arrived.is_set():
            self._arrived.clear()
            return
        arrived = asyncio.ensure_future(self._arrived.wait())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({arrived, stopping}, timeout=seconds,
                           return_when=asyncio.FIRST_COMPLETED)
        arrived.cancel()
        stopping.cancel()
        self._arrived.clear()


@runtime_checkable
class KeepsInbox(Protocol):
    """A channel that writes what it receives to an inbox before acknowledging it."""

    def use_inbox(self, inbox: Inbox) -> None: ...
