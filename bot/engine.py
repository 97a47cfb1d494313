"""The conversation engine: one unit of work per incoming event, whatever the channel."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import StorageUnavailable
from bot.clock import Clock
from content import strings
from handlers.context import Context, Limits
from handlers.conversation import ChannelCaps, Inbound, Outgoing, Reply, menu_payloads
from handlers.router import route
from storage.consultations import current_consultation
from storage.identities import find_identity
from storage.models import HandledUpdate
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

RETRIES = 3  # a write that lost a race (duplicate update, busy database) is tried again


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
    ) -> None:
        self._factory = session_factory
        self._clock = clock
        self._tz = tz
        self._limits = limits
        self._caps = dict(caps)

    def register(self, channel: str, caps: ChannelCaps) -> None:
        self._caps[channel] = caps

    def caps(self, channel: str) -> ChannelCaps:
        return self._caps[channel]

    async def handle(self, inbound: Inbound) -> list[Outgoing]:
        """Returns only after the event's effects are committed (or nothing was changed).

        A bug in a handler is answered with an apology (nothing saved, the member is
        asked to resend); a database that cannot save raises StorageUnavailable, so the
        channel leaves the event unacknowledged and the platform delivers it again.
        """
        if "\x00" in inbound.text:  # PostgreSQL cannot store NUL in text, and nobody means one
            inbound = replace(inbound, text=inbound.text.replace("\x00", ""))
        for attempt in range(1, RETRIES + 1):
            try:
                return await self._handle_once(inbound)
            except (IntegrityError, OperationalError) as error:
                if attempt == RETRIES:
                    log.error("update %s not saved after %d attempts: %s",
                              inbound.update_key, attempt, type(error).__name__)
                    raise StorageUnavailable(inbound.update_key) from error
                log.warning("update %s: retrying after %s", inbound.update_key, type(error).__name__)
            except Exception:
                log.exception("update %s failed; nothing saved", inbound.update_key)
                return [Reply(strings.ERROR)]
        return []  # pragma: no cover - the loop always returns

    async def _handle_once(self, inbound: Inbound) -> list[Outgoing]:
        started = time.perf_counter()
        now = self._clock.now()
        async with UnitOfWork(self._factory) as uow:
            session = uow.session
            if inbound.update_key:
                if await session.get(HandledUpdate, inbound.update_key) is not None:
                    log.info("update %s already handled; dropped", inbound.update_key)
                    return []
                session.add(HandledUpdate(key=inbound.update_key, handled_at=now))
            identity = await find_identity(session, inbound.channel, inbound.user_id)
            if identity is not None:
                identity.last_seen_at = now
                identity.chat_id = inbound.chat_id
                identity.member.unreachable_at = None  # they wrote: reachable again
            ctx = Context(
                session=session,
                inbound=inbound,
                caps=self._caps[inbound.channel],
                now=now,
                tz=self._tz,
                limits=self._limits,
                identity=identity,
                consultation=await current_consultation(session),
            )
            out = await route(ctx)
            if not ctx.caps.buttons:
                out = one_menu(out)
            if ctx.identity is not None and not ctx.caps.buttons:
                menu = _last_menu(out)
                if menu is not None:
                    ctx.identity.last_menu = menu
            await uow.commit()
        log.info(
            "update %s (%s %s, member %s) saved: %d replies in %.0f ms",
            inbound.update_key or "-", inbound.channel, inbound.kind.value,
            ctx.identity.member_id if ctx.identity else "none", len(out),
            (time.perf_counter() - started) * 1000,
        )
        return out


def _last_menu(out: list[Outgoing]) -> list[str | None] | None:
    """Button payloads of the last reply that offered any, by the number typed to choose them."""
    for item in reversed(out):
        if isinstance(item, Reply) and item.buttons:
            return menu_payloads(item.all_buttons())
    return None


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
