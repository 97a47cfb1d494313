"""The conversation engine: one unit of work per incoming event, whatever the channel."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.channels.base import StorageUnavailable
from bot.clock import Clock
from bot.outbox import Target
from content import strings
from handlers.context import Context, Limits
from handlers.conversation import ChannelCaps, Inbound, Kind, Outgoing, Reply
from handlers.router import route
from storage import dead_letters
from storage.db import is_transient, storable
from storage.identities import identity_and_round, seen
from storage.outbox import Claimed
from storage.uow import UnitOfWork
from storage.updates import first_time

log = logging.getLogger(__name__)

RETRIES = 3  # tries of one event before it is given up: unsaved (transient) or parked
BACKOFF = 0.05  # seconds before the second try; doubles each time


class Sender(Protocol):
    """What the engine needs of a channel's outbox sender (bot/outbox_sender.py)."""

    lease: timedelta

    @property
    def name(self) -> str: ...

    @property
    def holding(self) -> bool:
        """Running, so it can be handed replies already taken for it."""
        ...

    def take(self, rows: Sequence[Claimed]) -> None: ...

    def wake(self) -> None: ...


class ConversationEngine:
    """Turns an Inbound into the replies to show, saving everything before it answers."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        clock: Clock,
        tz: ZoneInfo,
        limits: Limits,
        caps: Mapping[str, ChannelCaps],
        web_base_url: str = "",
    ) -> None:
        self._factory = session_factory
        self._clock = clock
        self._tz = tz
        self._limits = limits
        self._caps = dict(caps)
        self._web_base_url = web_base_url
        self._senders: dict[str, Sender] = {}

    def register(self, channel: str, caps: ChannelCaps) -> None:
        self._caps[channel] = caps

    def caps(self, channel: str) -> ChannelCaps:
        return self._caps[channel]

    def attach(self, sender: Sender) -> None:
        """The outbox sender of a channel in this process: it gets the replies of each
        committed event at once, already taken, instead of looking for them."""
        self._senders[sender.name] = sender

    async def handle(self, inbound: Inbound, raw: str = "") -> list[Outgoing]:
        """Returns only after the event's effects and its replies are committed.

        A database that is unreachable, locked or busy raises StorageUnavailable: the
        channel leaves the event unacknowledged and it is tried again. An event that fails
        the same way every time (a bug, a constraint nobody expected) is rolled back, tried
        RETRIES times, then parked as a dead letter with `raw` (the platform's payload):
        the member is told nothing was saved, and the event is acknowledged so it can
        never hold up the others.
        """
        if "\x00" in inbound.text:  # PostgreSQL cannot store NUL in text, and nobody means one
            inbound = replace(inbound, text=inbound.text.replace("\x00", ""))
        if storable(inbound.text) != inbound.text:
            inbound = replace(inbound, text=storable(inbound.text))
        failure: Exception | None = None
        for attempt in range(1, RETRIES + 1):
            try:
                out = await self._handle_once(inbound)
            except Exception as error:
                failure = error
                if is_transient(error) and attempt == RETRIES:
                    log.error("update %s not saved after %d attempts: %s",
                              inbound.update_key, attempt, type(error).__name__)
                    raise StorageUnavailable(inbound.update_key) from error
                log.warning("update %s failed (%s at %s), attempt %d of %d",
                            inbound.update_key or "-", type(error).__name__, where(error),
                            attempt, RETRIES)
                if attempt < RETRIES:
                    await asyncio.sleep(BACKOFF * 2 ** (attempt - 1))
                continue
            return out
        assert failure is not None
        if is_transient(failure):  # pragma: no cover - raised in the loop
            raise StorageUnavailable(inbound.update_key) from failure
        return await self.park(inbound.channel, inbound.update_key, raw or _as_raw(inbound),
                               failure, inbound=inbound, attempts=RETRIES)

    async def park(
        self,
        channel: str,
        update_key: str,
        raw: str,
        error: BaseException,
        *,
        inbound: Inbound | None = None,
        attempts: int = 1,
        answer_to: Target | None = None,
        answer: str = strings.ERROR,
    ) -> list[Outgoing]:
        """Keep an update that cannot be handled, answer its sender if known, acknowledge it.

        Logs one line: the update and the kind of error, never the payload (an exception
        from a parser often carries the whole update, names and texts included)."""
        stage = "handle" if inbound is not None else "read"
        out: list[Outgoing] = []
        try:
            async with UnitOfWork(self._factory) as uow:
                if update_key and not await first_time(uow.session, update_key, self._clock.now()):
                    return []  # parked (or handled) already: a redelivery
                letter = dead_letters.park(
                    uow.session, channel=channel, update_key=update_key or "-", stage=stage,
                    raw=raw, error=f"{type(error).__name__} at {where(error)}: {error}"[:2000],
                    now=self._clock.now(), attempts=attempts,
                    inbound=_inbound_json(inbound) if inbound is not None else None,
                )
                if answer_to is None and inbound is not None and inbound.chat_id:
                    answer_to = Target(channel, inbound.chat_id)
                if answer_to is not None and answer_to.channel in self._caps:
                    out = [Reply(answer)]
                    await outbox.post(uow.session, answer_to, out, self._caps, self._clock.now())
                await uow.commit()
        except Exception as failure:
            if is_transient(failure):
                raise StorageUnavailable(update_key) from failure
            raise
        log.error("update %s (%s) parked as dead letter %d: %s at %s", update_key or "-",
                  channel, letter.id, type(error).__name__, where(error))
        self._committed()
        return out

    async def replay(self, inbound: Inbound) -> list[Outgoing]:
        """A parked event handled again once (`gopy deadletters replay`); errors propagate."""
        out = await self._handle_once(inbound)
        self._committed()
        return out

    def _committed(self, taken: Sequence[tuple[str, Claimed]] = ()) -> None:
        for name, sender in self._senders.items():
            rows = [row for channel, row in taken if channel == name]
            if rows:
                sender.take(rows)
            else:
                sender.wake()

    def _hold(self, now: datetime) -> dict[str, datetime]:
        return {name: now + sender.lease for name, sender in self._senders.items()
                if sender.holding}

    async def _handle_once(self, inbound: Inbound) -> list[Outgoing]:
        started = time.perf_counter()
        now = self._clock.now()
        async with UnitOfWork(self._factory) as uow:
            session = uow.session
            if inbound.update_key and not await first_time(session, inbound.update_key, now):
                log.info("update %s already handled; dropped", inbound.update_key)
                return []
            identity, consultation = await identity_and_round(
                session, inbound.channel, inbound.user_id)
            if identity is not None:
                seen(identity, inbound.chat_id, now)
            ctx = Context(
                session=session,
                inbound=inbound,
                caps=self._caps[inbound.channel],
                now=now,
                tz=self._tz,
                limits=self._limits,
                identity=identity,
                consultation=consultation,
                web_base_url=self._web_base_url,
            )
            out = await route(ctx)
            if not ctx.caps.buttons:
                out = one_menu(out)
            sender = Target(inbound.channel, inbound.chat_id,
                            ctx.identity.member_id if ctx.identity else None)
            taken = await outbox.post(session, sender, out, self._caps, now, self._hold(now))
            await uow.commit()
        self._committed(taken)
        log.info(
            "update %s (%s %s, member %s) saved: %d replies in %.0f ms",
            inbound.update_key or "-", inbound.channel, inbound.kind.value,
            sender.member_id or "none", len(out),
            (time.perf_counter() - started) * 1000,
        )
        return out


def where(error: BaseException) -> str:
    """The innermost frame of our own code the error passed through: 'handlers/member.py:88'."""
    found = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        path = frame.filename.replace("\\", "/")
        for top in ("/bot/", "/handlers/", "/storage/", "/content/"):
            if top in path:
                found = f"{top.strip('/')}/{path.rsplit(top, 1)[1]}:{frame.lineno}"
    return found


def _inbound_json(inbound: Inbound) -> dict[str, str]:
    return {name: storable(str(value)) for name, value in asdict(inbound).items()}


def inbound_from_json(data: Mapping[str, str]) -> Inbound:
    """The event a dead letter kept, to be handled again."""
    fields: dict[str, Any] = dict(data)
    fields["kind"] = Kind(fields["kind"])
    return Inbound(**fields)


def _as_raw(inbound: Inbound) -> str:
    return json.dumps(_inbound_json(inbound), ensure_ascii=False)


def one_menu(out: list[Outgoing]) -> list[Outgoing]:
    """Where choices are typed numbers, one answer offers one numbered list: choices of
    earlier replies move under the last reply that has any, after its own."""
    holders = [i for i, item in enumerate(out) if isinstance(item, Reply) and item.buttons]
    if len(holders) < 2:
        return out
    last = holders[-1]
    main = out[last]
    assert isinstance(main, Reply)
    rows = list(main.buttons)
    seen = {b.data for b in main.all_buttons()}
    merged = list(out)
    for i in holders[:-1]:
        earlier = out[i]
        assert isinstance(earlier, Reply)
        for row in earlier.buttons:
            fresh = tuple(b for b in row if b.data not in seen)
            seen.update(b.data for b in fresh)
            if fresh:
                rows.append(fresh)
        merged[i] = replace(earlier, buttons=())
    merged[last] = replace(main, buttons=tuple(rows))
    return merged
