"""Refusals the fake Telegram can be told to give: injected errors, blocked users, flood limits."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Methods that put a new message in a chat; Telegram's flood limits are about these.
_NOT_A_MESSAGE = frozenset({"sendChatAction", "sendMessageDraft", "sendRichMessageDraft"})
_MESSAGE_MAKERS = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})
_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An answer other than ok, shaped exactly like Telegram's error body."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False, "error_code": self.error_code, "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def sends_a_message(method: str) -> bool:
    return method in _MESSAGE_MAKERS or (
        method.startswith("send") and method not in _NOT_A_MESSAGE
    )


@dataclass
class _Injected:
    method: str
    chat_id: int | str | None
    error: ApiError
    remaining: int


class RateLimiter:
    """Sliding windows over admitted sends: global per second, per chat, per group per minute."""

    def __init__(
        self,
        per_second_global: int,
        per_chat_per_second: int,
        per_group_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = (per_second_global, per_chat_per_second, per_group_per_minute)
        self._clock = clock
        self._global: deque[float] = deque()
        self._chats: dict[int | str, deque[float]] = {}

    def admit(self, chat_id: int | str | None) -> int | None:
        """Record a send and return None, or return the retry_after Telegram would answer."""
        now = self._clock()
        per_global, per_chat, per_group = self._limits
        windows = [(self._global, 1.0, per_global)]
        if chat_id is not None:
            history = self._chats.setdefault(chat_id, deque())
            is_group = isinstance(chat_id, int) and chat_id < 0
            windows.append((history, 60.0, per_group) if is_group else (history, 1.0, per_chat))
        waits = [_wait(history, span, limit, now) for history, span, limit in windows]
        if any(wait > 0 for wait in waits):
            return max(1, math.ceil(max(waits)))
        for history, _, _ in windows:
            history.append(now)
        return None


def _wait(history: deque[float], span: float, limit: int, now: float) -> float:
    while history and history[0] <= now - span:
        history.popleft()
    return history[0] + span - now if len(history) >= limit else 0.0


class FailurePlan:
    """Decides, before a method runs, whether Telegram refuses it for reasons outside the bot."""

    def __init__(self) -> None:
        self._injected: list[_Injected] = []
        self._blocked: set[int | str] = set()
        self._rate_limiter: RateLimiter | None = None

    def fail_next(
        self,
        method: str,
        chat_id: int | str | None = None,
        *,
        error_code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        if error_code == 429:
            error = ApiError.too_many_requests(retry_after)
        else:
            text = description or _DESCRIPTIONS.get(error_code, f"Error {error_code}")
            error = ApiError(error_code, text)
        self._injected.append(_Injected(method, chat_id, error, times))

    def block_user(self, chat_id: int | str) -> None:
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int | str) -> None:
        self._blocked.discard(chat_id)

    def rate_limit(
        self,
        per_second_global: int = 30,
        per_chat_per_second: int = 1,
        per_group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate_limiter = RateLimiter(
            per_second_global, per_chat_per_second, per_group_per_minute, clock
        )

    def refusal(self, method: str, chat_id: int | str | None) -> ApiError | None:
        """The error to answer instead of running `method`, if any; consumes injections."""
        if chat_id is not None and chat_id in self._blocked:
            return ApiError(403, _DESCRIPTIONS[403])
        for rule in self._injected:
            if rule.method == method and rule.chat_id in (None, chat_id):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._injected.remove(rule)
                return rule.error
        if self._rate_limiter is not None and sends_a_message(method):
            retry_after = self._rate_limiter.admit(chat_id)
            if retry_after is not None:
                return ApiError.too_many_requests(retry_after)
        return None
