"""Save first, then talk: replies are written with the change that caused them and sent after.

`post` runs inside the unit of work of an event, so its replies commit or roll back with
it. An `OutboxSender` per channel drains the table at the platform's pace: one chat's
messages in order, chats side by side, so a chat with ten queued replies holds up no one
else. Whatever was committed but not sent when the process died goes out on restart;
a rare second «Đã lưu» is far better than a missing one.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, ChatUnreachable, Undeliverable
from bot.clock import Clock
from content import strings
from handlers.conversation import (
    Button,
    ChannelCaps,
    Document,
    ExportRequest,
    Notify,
    Outgoing,
    Reply,
    menu_payloads,
)
from storage import outbox as store
from storage.exports import export_csv, export_xlsx
from storage.identities import remember_menu
from storage.models import Identity, OutboxStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # a message the platform keeps refusing is given up after this many tries
IN_FLIGHT = 200  # messages claimed but not yet sent, per channel and process


@dataclass(frozen=True)
class Target:
    """Who a reply goes to: a chat on a channel, and the member behind it when known."""

    channel: str
    chat_id: str
    member_id: int | None = None


# ---- writing (inside the event's unit of work) ---------------------------------------


async def post(
    session: AsyncSession,
    sender: Target,
    out: Sequence[Outgoing],
    caps: Mapping[str, ChannelCaps],
    now: Any,
) -> None:
    """Queue the replies to the sender and the notices to others, in this transaction.

    On a channel without buttons the member answers by number, so the last numbered menu
    each person is shown is remembered here, the one place that sets it."""
    to_sender = [item for item in out if isinstance(item, Reply)]
    _queue(session, sender, to_sender, now)
    await _remember_last_menu(session, sender, to_sender, caps)
    for item in out:
        if isinstance(item, Notify):
            target = await _reach(session, item.member_id, caps)
            if target is None:
                log.info("member %s has no chat on a running channel; notice not queued",
                         item.member_id)
                continue
            _queue(session, target, [item.reply], now)
            await _remember_last_menu(session, target, [item.reply], caps)


def _queue(session: AsyncSession, target: Target, replies: Sequence[Reply], now: Any) -> None:
    for reply in replies:
        store.add(session, target.channel, target.chat_id, reply_to_json(reply), now,
                  member_id=target.member_id)


async def _remember_last_menu(
    session: AsyncSession, target: Target, replies: Sequence[Reply], caps: Mapping[str, ChannelCaps]
) -> None:
    channel_caps = caps.get(target.channel)
    if channel_caps is None or channel_caps.buttons:
        return
    with_buttons = [reply for reply in replies if reply.buttons]
    if with_buttons:
        menu = menu_payloads(with_buttons[-1].all_buttons())
        await remember_menu(session, target.channel, target.chat_id, menu)


async def _reach(session: AsyncSession, member_id: int, caps: Mapping[str, ChannelCaps]) -> Target | None:
    """The member's most recently used chat on a channel this process runs."""
    result = await session.execute(
        select(Identity.channel, Identity.chat_id)
        .where(Identity.member_id == member_id)
        .order_by(Identity.last_seen_at.desc())
    )
    for channel, chat_id in result:
        if channel in caps:
            return Target(channel, chat_id, member_id)
    return None


# ---- the stored form of a reply --------------------------------------------------------


def reply_to_json(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        data["buttons"] = [[[b.label, b.data] for b in row] for row in reply.buttons]
    if reply.ask_contact:
        data["ask_contact"] = True
    if reply.clear_keyboard:
        data["clear_keyboard"] = True
    if reply.export is not None:
        data["export"] = asdict(reply.export)
    if reply.document is not None:
        doc = reply.document
        data["document"] = {"filename": doc.filename, "caption": doc.caption,
                            "content": base64.b64encode(doc.content).decode("ascii")}
    return data


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    document = data.get("document")
    return Reply(
        text=data.get("text", ""),
        buttons=tuple(tuple(Button(label, payload) for label, payload in row)
                      for row in data.get("buttons", ())),
        ask_contact=bool(data.get("ask_contact")),
        clear_keyboard=bool(data.get("clear_keyboard")),
        export=ExportRequest(**data["export"]) if data.get("export") else None,
        document=Document(document["filename"], base64.b64decode(document["content"]),
                          document.get("caption", "")) if document else None,
    )


# ---- sending ---------------------------------------------------------------------------


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
    """Drains one channel's outbox: claims due rows, sends them at the channel's pace."""

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
        self._lease = lease
        self._poll_every = poll_every  # rows written by other processes are found this often
        self._retry_base = retry_base
        self._wake = asyncio.Event()
        self._chats: dict[str, deque[store.Claimed]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        return self.channel.name

    def wake(self) -> None:
        """Something was committed: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`; then finish what is being sent and give back the rest."""
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                room = IN_FLIGHT - self._in_flight()
                claimed = await self._claim(room) if room > 0 else []
                for message in claimed:
                    self._enqueue(message)
                if len(claimed) < max(room, 1):
                    self._wake.clear()
                    waking = asyncio.ensure_future(self._wake.wait())
                    await asyncio.wait({waking, stopping}, timeout=self._poll_every,
                                       return_when=asyncio.FIRST_COMPLETED)
                    waking.cancel()
        finally:
            stopping.cancel()
            await self._shutdown()

    async def flush(self) -> int:
        """Send everything due now, in order, and return how many were sent (terminal, CLI)."""
        sent = 0
        while claimed := await self._claim(IN_FLIGHT):
            for message in claimed:
                sent += await self._send(message)
        return sent

    def _in_flight(self) -> int:
        return sum(len(queue) for queue in self._chats.values())

    async def _claim(self, limit: int) -> list[store.Claimed]:
        async with UnitOfWork(self._sessions) as uow:
            claimed = await store.claim(uow.session, self.name, self._clock.now(), self._lease,
                                        limit)
            await uow.commit()
        return claimed

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
                if not await self._send(message):
                    rest = [m.id for m in list(queue)[1:]]
                    if rest:
                        await self._release(rest, self._retry_at(message.attempts))
                    queue.clear()
                    break
                queue.popleft()
        finally:
            if self._chats.get(chat_id) is queue:
                del self._chats[chat_id]

    async def _send(self, message: store.Claimed) -> int:
        """1 when the message left (or can never leave); 0 when it is to be tried again."""
        reply = reply_from_json(message.reply)
        try:
            await self.channel.send(message.chat_id, replace(reply, export=None))
            if reply.export is not None:
                await self.channel.send(message.chat_id, await self._exports.build(reply.export))
        except ChatUnreachable:
            log.info("outbox %d: %s chat unreachable; not sent", message.id, self.name)
            await self._settle(message.id, OutboxStatus.UNREACHABLE)
            return 1
        except Undeliverable as error:
            log.error("outbox %d: %s refused it (%s); not delivered", message.id, self.name,
                      type(error.__cause__ or error).__name__)
            await self._settle(message.id, OutboxStatus.FAILED)
            return 1
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of the platform: retry later
            if message.attempts >= MAX_ATTEMPTS:
                log.error("outbox %d: %s failed %d times (%s); not delivered", message.id,
                          self.name, message.attempts, type(error).__name__)
                await self._settle(message.id, OutboxStatus.FAILED)
                return 1
            log.warning("outbox %d: not sent to %s (%s); tried again later", message.id,
                        self.name, type(error).__name__)
            await self._release([message.id], self._retry_at(message.attempts))
            return 0
        await self._settle(message.id, OutboxStatus.SENT)
        return 1

    def _retry_at(self, attempts: int) -> Any:
        return self._clock.now() + timedelta(seconds=min(self._retry_base * 2 ** attempts, 300))

    async def _settle(self, message_id: int, status: OutboxStatus) -> None:
        async with UnitOfWork(self._sessions) as uow:
            await store.settle(uow.session, [message_id], status, self._clock.now())
            await uow.commit()

    async def _release(self, ids: Sequence[int], retry_at: Any) -> None:
        async with UnitOfWork(self._sessions) as uow:
            await store.release(uow.session, ids, retry_at)
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
        if queued:
            try:
                await self._release(queued, None)
            except Exception:  # noqa: BLE001 - their claims run out on their own
                log.warning("outbox: %d queued messages not handed back", len(queued))

