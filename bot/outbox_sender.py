"""Draining the outbox: each channel's committed replies, sent at the platform's pace.

One chat's messages leave in order, chats side by side, so a chat with ten queued replies
holds up no one else. A sender holds the rows it took (a lease, renewed while it works on
them); if its process dies, the lease runs out and another sender, or the same process
restarted, sends them. A rare second «Đã lưu» is far better than a missing one.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, ChatUnreachable, Undeliverable, backoff, sleep_or_stop
from bot.clock import Clock
from bot.outbox import reply_from_json
from content import strings
from handlers.conversation import Document, ExportRequest, Reply
from storage import outbox as store
from storage import pages_sent
from storage.db import is_transient
from storage.exports import export_csv, export_xlsx
from storage.models import OutboxStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# A message is tried again after a failure (network, 5xx) with a growing pause, at most
# RETRY_CAP apart, and given up after MAX_ATTEMPTS failed sends (about a day).
MAX_ATTEMPTS = 300
RETRY_CAP = 300.0
IN_FLIGHT = 200  # messages taken but not yet sent, per channel and process
SETTLE_TRIES = 5
# Sent messages are marked together, this long after the first of them left: one write
# for a burst instead of one per message (a crash in between resends them, rarely).
SETTLE_BATCH = 0.02


class Exports:
    """Builds a requested comments file when its message is sent, in a read-only transaction:
    a large export must not hold the write lock while members comment."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tz: tzinfo) -> None:
        self._sessions, self._tz = sessions, tz

    async def build(self, request: ExportRequest) -> Reply:
        out = io.BytesIO()
        export = export_xlsx if request.xlsx else export_csv
        async with UnitOfWork(self._sessions, write=False) as uow:
            rows = await export(uow.session, out, request.consultation_id, request.cell_code,
                                tz=self._tz)
        caption = strings.DOWNLOAD_READY.format(scope=request.scope, rows=rows)
        return Reply("", document=Document(request.filename, out.getvalue(), caption=caption))


class OutboxSender:
    """Drains one channel's outbox: takes due rows, sends them, marks each one."""

    def __init__(
        self,
        channel: Channel,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        exports: Exports,
        *,
        lease: timedelta = timedelta(seconds=60),
        poll_every: float = 1.0,
        retry_base: float = 2.0,
    ) -> None:
        self.channel = channel
        self._sessions = sessions
        self._clock = clock
        self._exports = exports
        self.lease = lease
        self._running = False
        self._blocked: dict[str, datetime] = {}  # chat → until when a failed message waits
        self._poll_every = poll_every  # rows written by other processes are found this often
        self._retry_base = retry_base
        self._wake = asyncio.Event()
        self._sent: list[int] = []  # left the channel, not marked yet
        # Until their mark is committed, those rows look due again once their lease runs
        # out (a slow disk, a loaded machine): never taken twice meanwhile.
        self._unmarked: set[int] = set()
        # Which page each of them shows, so a reply to it is filed there: written with the
        # mark, one transaction for the burst instead of one more per page sent.
        self._shown: list[pages_sent.Shown] = []
        self._marking: asyncio.Task[None] | None = None
        self._chats: dict[str, deque[store.Claimed]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def holding(self) -> bool:
        return self._running

    def take(self, rows: Sequence[store.Claimed]) -> None:
        """Rows an event just committed, already taken for this sender: queued at once,
        with no transaction of their own. A chat whose earlier message waits for a retry
        gets them back as due, so the taking order keeps that chat's order."""
        now = self._clock.now()
        held = set(self._held()) | self._unmarked
        back = []
        for row in rows:
            if row.id in held:
                continue
            if self._blocked.get(row.chat_id, now) > now:
                back.append(row.id)
            else:
                self._enqueue(row)
        if back:
            task = asyncio.ensure_future(self._release(back, None))
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)

    def wake(self) -> None:
        """Something was committed: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`; then finish what is leaving and give back the rest.
        A database that fails here is waited out: the rows stay in the table."""
        stopping = asyncio.ensure_future(stop.wait())
        self._running = True
        failures = 0
        renewed = self._clock.now()
        try:
            while not stop.is_set():
                self._wake.clear()
                room = IN_FLIGHT - self._in_flight()
                try:
                    if self._clock.now() - renewed > self.lease / 3:
                        renewed = self._clock.now()
                        await self._renew()
                    claimed = await self._claim(room) if room > 0 else []
                except Exception as error:  # noqa: BLE001 - logged; the loop must go on
                    failures += 1
                    log.warning("outbox %s: database error (%s); trying again", self.name,
                                type(error).__name__)
                    await sleep_or_stop(stop, backoff(failures, cap=30))
                    continue
                failures = 0
                for message in claimed:
                    self._enqueue(message)
                if len(claimed) < max(room, 1):
                    waking = asyncio.ensure_future(self._wake.wait())
                    await asyncio.wait({waking, stopping}, timeout=self._poll_every,
                                       return_when=asyncio.FIRST_COMPLETED)
                    waking.cancel()
        finally:
            self._running = False
            stopping.cancel()
            await self._shutdown()

    async def flush(self) -> int:
        """Send everything due now, in order, and return how many left (terminal, CLI)."""
        sent = 0
        while claimed := await self._claim(IN_FLIGHT):
            for message in claimed:
                if not await self._send(message):
                    later = [m.id for m in claimed if m.id > message.id]
                    await self._release(later, self._retry_at(message.attempts + 1))
                    await self._flush_sent()
                    return sent
                sent += 1
            await self._flush_sent()
        return sent

    def _in_flight(self) -> int:
        return sum(len(queue) for queue in self._chats.values())

    def _held(self) -> list[int]:
        return [m.id for queue in self._chats.values() for m in queue]

    async def _claim(self, limit: int) -> list[store.Claimed]:
        async with UnitOfWork(self._sessions) as uow:
            claimed = await store.claim(uow.session, self.name, self._clock.now(), self.lease,
                                        limit)
            await uow.commit()
        # Never queue a row twice, whatever the clock did.
        held = set(self._held()) | self._unmarked
        return [message for message in claimed if message.id not in held]

    async def _renew(self) -> None:
        held = self._held()
        if held:
            async with UnitOfWork(self._sessions) as uow:
                await store.renew(uow.session, held, self._clock.now() + self.lease)
                await uow.commit()

    def _enqueue(self, message: store.Claimed) -> None:
        queue = self._chats.get(message.chat_id)
        if queue is not None:
            queue.append(message)
            return
        self._chats[message.chat_id] = deque([message])
        task = asyncio.ensure_future(self._drain_chat(message.chat_id))
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _drain_chat(self, chat_id: str) -> None:
        """One chat's messages in order; a failure gives the rest back, to keep that order."""
        queue = self._chats[chat_id]
        try:
            while queue:
                message = queue[0]
                if await self._send(message):
                    queue.popleft()
                    continue
                rest = [m.id for m in list(queue)[1:]]
                del self._chats[chat_id]  # what arrives meanwhile starts a new worker
                retry_at = self._retry_at(message.attempts + 1)
                self._blocked[chat_id] = retry_at
                if rest:
                    await self._release(rest, retry_at)
                return
        except Exception as error:  # noqa: BLE001 - the rows come back when their lease ends
            log.error("outbox %s: chat worker failed (%s)", self.name, type(error).__name__)
        finally:
            if self._chats.get(chat_id) is queue:
                del self._chats[chat_id]
            self._wake.set()  # rows of this chat held back behind these may go now

    async def _send(self, message: store.Claimed) -> bool:
        """True when the message is done with (sent, or can never be); False to retry later."""
        try:
            reply = reply_from_json(message.reply)
            if reply.export is not None:
                reply = await self._exports.build(reply.export)
            ids = await self.channel.send(message.chat_id, reply)
        except ChatUnreachable:
            log.info("outbox %d: %s chat unreachable; not sent", message.id, self.name)
            await self._settle([message.id], OutboxStatus.UNREACHABLE)
            return True
        except (Undeliverable, KeyError, TypeError, ValueError) as error:
            # Refused for good by the platform, or a row this code cannot read.
            log.error("outbox %d: %s refused it (%s); not delivered", message.id, self.name,
                      type(error.__cause__ or error).__name__)
            await self._settle([message.id], OutboxStatus.FAILED)
            return True
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the platform or network: retry later
            attempts = message.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.error("outbox %d: %s failed %d times (%s); not delivered", message.id,
                          self.name, attempts, type(error).__name__)
                await self._settle([message.id], OutboxStatus.FAILED)
                return True
            log.warning("outbox %d: not sent to %s (%s); tried again later", message.id,
                        self.name, type(error).__name__)
            await self._release([message.id], self._retry_at(attempts), failed=1)
            return False
        shown = [] if reply.shows is None or not ids else [
            pages_sent.Shown(self.name, message.chat_id, message_id, reply.shows.section_id,
                             reply.shows.page) for message_id in ids]
        self._mark_sent(message.id, shown)
        return True

    def _mark_sent(self, message_id: int, shown: Sequence[pages_sent.Shown] = ()) -> None:
        self._sent.append(message_id)
        self._unmarked.add(message_id)
        self._shown += shown
        if self._marking is None or self._marking.done():
            self._marking = asyncio.ensure_future(self._mark_soon())

    async def _mark_soon(self) -> None:
        await asyncio.sleep(SETTLE_BATCH)
        await self._flush_sent()

    async def _flush_sent(self) -> None:
        marking = self._marking
        if marking is not None and marking is not asyncio.current_task() and not marking.done():
            await marking  # its rows are marked when this returns, not just handed to it
        while self._sent:
            ids, self._sent = self._sent, []
            shown, self._shown = self._shown, []
            try:
                await self._settle(ids, OutboxStatus.SENT, shown)
            finally:
                self._unmarked.difference_update(ids)
        self._wake.set()  # a chat's next message may be taken now

    def _retry_at(self, attempts: int) -> datetime:
        return self._clock.now() + timedelta(
            seconds=backoff(attempts, self._retry_base, RETRY_CAP))

    async def _settle(self, ids: Sequence[int], status: OutboxStatus,
                      shown: Sequence[pages_sent.Shown] = ()) -> None:
        """Mark them, even while stopping: a sent message left unmarked is sent again.
        If the pages they show cannot be recorded with them, they are marked without:
        only replies to those messages lose their page (read as ordinary comments)."""
        for attempt in range(1, SETTLE_TRIES + 1):
            try:
                await asyncio.shield(self._write_settle(ids, status, shown))
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - busy database: try again shortly
                if attempt == SETTLE_TRIES:
                    log.error("outbox: %d sent but not marked (%s); may be sent again",
                              len(ids), type(error).__name__)
                    return
                if shown and not is_transient(error):
                    log.warning("outbox %s: pages of %d messages not recorded (%s)",
                                self.name, len(shown), type(error).__name__)
                    shown = ()
                await asyncio.sleep(backoff(attempt, 0.2))

    async def _write_settle(self, ids: Sequence[int], status: OutboxStatus,
                            shown: Sequence[pages_sent.Shown]) -> None:
        async with UnitOfWork(self._sessions) as uow:
            await store.settle(uow.session, ids, status, self._clock.now())
            await pages_sent.record_all(uow.session, shown, self._clock.now())
            await uow.commit()

    async def _release(self, ids: Sequence[int], retry_at: datetime | None,
                       *, failed: int = 0) -> None:
        async with UnitOfWork(self._sessions) as uow:
            await store.release(uow.session, ids, retry_at, failed=failed)
            await uow.commit()

    async def _shutdown(self) -> None:
        """Let messages already leaving finish; hand the queued ones back for the next start."""
        queued = [m.id for queue in self._chats.values() for m in list(queue)[1:]]
        for queue in self._chats.values():
            while len(queue) > 1:
                queue.pop()
        if self._workers:
            await asyncio.wait(set(self._workers), timeout=10)
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        await self._flush_sent()
        if queued:
            try:
                await self._release(queued, None)
            except Exception:  # noqa: BLE001 - their leases run out on their own
                log.warning("outbox: %d queued messages not handed back", len(queued))
