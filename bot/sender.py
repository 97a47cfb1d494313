"""One outbound sender per channel: messages paced to the platform's limits, 429s waited out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.channels.base import Channel, ChatUnreachable, RetryLater
from handlers.conversation import Reply

log = logging.getLogger(__name__)

OnUnreachable = Callable[[str, str], Awaitable[None]]  # (channel name, chat id)
OnDelivered = Callable[[str, str], Awaitable[None]]  # (channel name, chat id)
OnTurn = Callable[[], Awaitable[None]]
PRUNE_CHATS = 4096  # forget per-chat times once this many chats are remembered


@dataclass(frozen=True)
class Pace:
    """How fast a channel may send: messages per second overall and per chat; 0 means no limit."""

    per_second: float = 0.0
    per_chat_per_second: float = 0.0
    # Messages one chat may get at once before the per-chat spacing applies: a reply of
    # two or three messages is not held back, a longer run averages out at the per-chat rate.
    chat_burst: int = 1
    # Telegram counts requests as they arrive in sliding one-second windows: this much slack
    # per window keeps network jitter from ever squeezing one message too many into one.
    margin: float = 0.05
    # 429s in a row before a message is given up (raised to the caller, never silently dropped).
    max_attempts: int = 20

    @property
    def interval(self) -> float:
        return (1 + self.margin) / self.per_second if self.per_second > 0 else 0.0

    @property
    def chat_interval(self) -> float:
        return (1 + self.margin) / self.per_chat_per_second if self.per_chat_per_second > 0 else 0.0


# Telegram: "about 30 messages per second, avoid more than one per second in a chat; we may
# allow short bursts". A reply of two or three messages goes at once; longer runs to one
# chat average 1/s. Zalo publishes no limits: a modest steady rate.
TELEGRAM_PACE = Pace(per_second=30, per_chat_per_second=1, chat_burst=3)
ZALO_PACE = Pace(per_second=10, per_chat_per_second=1, chat_burst=3)
UNPACED = Pace()


class PacedSender:
    """A Channel with the same `send`, whose messages leave at evenly spaced, reserved times.

    Callers send concurrently; each message reserves the next free time slot (per chat,
    then for the whole channel) and sleeps until it, so a fan-out runs at the configured
    rate instead of waiting for each HTTP round trip. A 429 pauses the whole channel for
    `retry_after` and the message is tried again; a 403 is reported once and not retried.
    """

    def __init__(
        self,
        channel: Channel,
        pace: Pace,
        *,
        on_unreachable: OnUnreachable | None = None,
        on_delivered: OnDelivered | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = channel
        self.name = channel.name
        self.caps = channel.caps
        self.pace = pace
        self._on_unreachable = on_unreachable
        self._on_delivered = on_delivered
        self._now = monotonic
        self._gate = asyncio.Lock()  # FIFO: slots are handed out in the order asked
        self._next = 0.0  # earliest time the next message may leave
        self._recent: deque[float] = deque()  # requests that left, within the last window
        self._granted = 0  # slots handed out whose request has not left yet
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}

    async def send(
        self, chat_id: str, reply: Reply, *, on_turn: OnTurn | None = None
    ) -> Sequence[str] | None:
        """Send when the pace allows; `on_turn` runs once, right before the first attempt.
        Returns the platform's message ids where the channel gives them."""
        cost = 2 if reply.document is not None and reply.text else 1  # a file, then its text
        last: RetryLater | None = None
        for _ in range(self.pace.max_attempts):
            await self._wait_turn(chat_id, cost)
            try:
                if on_turn is not None:
                    hook, on_turn = on_turn, None
                    await hook()
            finally:
                self._leave(cost)
            try:
                ids = await self.inner.send(chat_id, reply)
            except RetryLater as error:
                last = error
                self.pause(error.seconds)
                log.warning("%s asks to wait %ss; the channel pauses", self.name, error.seconds)
            except ChatUnreachable:
                if self._on_unreachable is not None:
                    await self._on_unreachable(self.name, chat_id)
                raise
            else:
                if self._on_delivered is not None:
                    await self._on_delivered(self.name, chat_id)
                return ids
        assert last is not None
        raise last

    def pause(self, seconds: float) -> None:
        """Nothing leaves this channel for `seconds`: the platform said it is flooded."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    async def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            await close()

    async def _wait_turn(self, chat_id: str, cost: int) -> None:
        if self.pace.per_chat_per_second > 0:
            await self._wait_chat(chat_id, cost)
        async with self._gate:
            while True:
                now = self._now()
                ready = max(self._paused_until, self._next, self._window_opens(now, cost))
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
            # Keep to the schedule (no drift from sleeping late) but never bank more than a slot.
            interval = self.pace.interval
            self._next = max(self._next, now - interval) + cost * interval
            self._granted += cost

    def _leave(self, cost: int) -> None:
        """The request leaves now: the window guard counts real departures, not grants."""
        self._granted -= cost
        if self.pace.per_second > 0:
            self._recent.extend([self._now()] * cost)

    async def _wait_chat(self, chat_id: str, cost: int) -> None:
        """One chat's messages are spaced on their own, without holding up other chats.

        A generic cell rate: `_chat_next` is when the chat's allowance would be back to
        full; a message may leave as long as that is at most `chat_burst - 1` intervals ahead.
        """
        now = self._now()
        interval = self.pace.chat_interval
        due = max(now, self._chat_next.get(chat_id, 0.0))
        at = max(now, due - (self.pace.chat_burst - 1) * interval)
        self._chat_next[chat_id] = due + cost * interval
        if len(self._chat_next) > PRUNE_CHATS:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if at > now:
            await asyncio.sleep(at - now)

    def _window_opens(self, now: float, cost: int) -> float:
        """When `cost` more requests fit in any window of 1 s + margin, counting those that
        left and those about to: a guard for when the loop or the database was slow and
        requests would otherwise leave bunched up."""
        if self.pace.per_second <= 0:
            return now
        window = 1 + self.pace.margin
        limit = max(1, int(self.pace.per_second))
        while self._recent and self._recent[0] <= now - window:
            self._recent.popleft()
        excess = len(self._recent) + self._granted + cost - limit
        if excess <= 0:
            return now
        if excess <= len(self._recent):
            return self._recent[excess - 1] + window
        return now + self.pace.interval  # granted ones fill the window: look again shortly
