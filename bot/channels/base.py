"""What every messenger adapter offers the rest of the bot, and the loop they all share."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from handlers.conversation import ChannelCaps, Inbound, Outgoing, Reply

if TYPE_CHECKING:
    from bot.outbox import Target
    from bot.webhook import WebhookServer

log = logging.getLogger(__name__)



class Receiver(Protocol):
    """Where a channel hands what people sent: the conversation engine."""

    async def handle(self, inbound: Inbound, raw: str = "") -> list[Outgoing]:
        """Saved (with its replies, for the outbox) when it returns; StorageUnavailable if not."""
        ...

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
        answer: str = ...,
    ) -> list[Outgoing]:
        """Keep an update that cannot be read, so it can be acknowledged."""
        ...


class Channel(Protocol):
    """Translates between a platform and our Inbound/Reply; holds no rules of its own."""

    name: str
    caps: ChannelCaps

    async def send(self, chat_id: str, reply: Reply) -> Sequence[str] | None:
        """Show one reply in a chat; the platform's ids of the messages it became, where the
        platform lets people reply to them (Telegram), else None.

        Raises ChatUnreachable if the person blocked the bot, and RetryLater when the
        platform asks to slow down: the channel's sender (bot/sender.py) waits it out.
        """
        ...


class Messenger(Channel, Protocol):
    """A channel people write to: it receives (polling or webhook) until told to stop."""

    async def serve(self, receiver: Receiver, stop: asyncio.Event, web: WebhookServer) -> None:
        """Hand every event to `receiver`; acknowledge to the platform only what it saved."""
        ...

    async def close(self) -> None: ...


class ChatUnreachable(Exception):
    """The person blocked the bot or deleted their account: stop trying."""


class Undeliverable(Exception):
    """The platform refused this message for good (a bad request): trying again cannot help."""


class RetryLater(Exception):
    """The platform refused for flooding and says when to try again; nothing was shown."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class StorageUnavailable(Exception):
    """The database could not save the event: do not acknowledge it; the platform will resend."""


@dataclass(frozen=True)
class Received:
    """One event as read from the platform, with its raw payload for the dead-letter table."""

    inbound: Inbound
    raw: str
    position: int  # its place in the platform's batch (Telegram: the update id)


class ChatLocks:
    """One lock per chat, for webhooks: two requests from one chat are saved in the order
    they came, requests from different chats side by side."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, chat_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id], self._locks[chat_id]


# Chats handled at once from one batch: enough to overlap the database's waits, well
# under the connection pool (5 + 10), so a burst never times out waiting for a connection.
CONCURRENT_CHATS = 8


async def save_in_order(
    receiver: Receiver, events: Sequence[Received], locks: ChatLocks | None = None
) -> list[Received]:
    """Each chat's events in order, chats side by side; returns those not saved.

    When the database cannot save one event, the rest of that chat waits behind it (to
    keep its order) and is returned too; other chats go on."""
    by_chat: dict[str, list[Received]] = defaultdict(list)
    for event in events:
        by_chat[event.inbound.chat_id].append(event)
    unsaved: list[Received] = []
    room = asyncio.Semaphore(CONCURRENT_CHATS)

    async def run_chat(items: list[Received]) -> None:
        async with room:
            if locks is None:
                await save_chat(items)
                return
            async with locks.hold(items[0].inbound.chat_id):
                await save_chat(items)

    async def save_chat(items: list[Received]) -> None:
        for index, event in enumerate(items):
            try:
                await receiver.handle(event.inbound, event.raw)
            except StorageUnavailable:
                unsaved.extend(items[index:])
                return

    await asyncio.gather(*(run_chat(items) for items in by_chat.values()))
    return sorted(unsaved, key=lambda event: event.position)


def backoff(failures: int, base: float = 1.0, cap: float = 30.0) -> float:
    """Seconds to wait after `failures` failures in a row: doubling, never above `cap`."""
    return min(base * 2 ** max(failures - 1, 0), cap)


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Wait, but wake at once when the bot is stopping."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
