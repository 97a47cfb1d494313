"""The fake Telegram of the tests, with a clock on every update served and every message received.

Bench-only: the fake itself is unchanged; this subclass only timestamps, so latency is
measured where Telegram would see it (update handed out by getUpdates → message arrives).
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from aiohttp import web

from tests.fakes.telegram_server import Call, FakeTelegramServer

_arrived: ContextVar[float] = ContextVar("arrived", default=0.0)


class TimedTelegramServer(FakeTelegramServer):
    """`served[update_id]` and `received` (chat id, arrival time, text) on perf_counter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.served: dict[int, float] = {}
        self.batches: list[list[int]] = []
        self.received: list[tuple[int, float, str]] = []
        self.callback_answers = 0
        self.keep_history = True
        serve = self._api._methods["getUpdates"]

        async def timed_get_updates(params: Any, files: Any) -> Any:
            batch = await serve(params, files)
            now = time.perf_counter()
            for update in batch:
                self.served.setdefault(update["update_id"], now)
            if batch:
                self.batches.append([u["update_id"] for u in batch])
            return batch

        self._api._methods["getUpdates"] = timed_get_updates

    async def _handle(self, request: web.Request) -> web.Response:
        _arrived.set(time.perf_counter())
        return await super()._handle(request)

    def _record(self, call: Call) -> None:
        if call.ok and call.method == "sendMessage":
            self.received.append((int(call.params["chat_id"]), _arrived.get(), call.params["text"]))
        elif call.ok and call.method == "answerCallbackQuery":
            self.callback_answers += 1
        if self.keep_history:
            super()._record(call)
        else:
            self._changed.notify()

    def reset_clocks(self) -> None:
        self.served.clear()
        self.batches.clear()
        self.received.clear()
        self.callback_answers = 0
