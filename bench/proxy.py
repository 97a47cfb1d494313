"""A small round-robin HTTP proxy: the one address in front of several `gopy run` workers.

It stands for the production reverse proxy (nginx `upstream` with round robin): a worker
that refuses the connection is skipped for DOWN_FOR seconds and the request goes to the
next one (it never reached the dead worker, so this is safe for a POST); a worker that
dies with the request under way costs a 502, and Telegram delivers that update again.
"""

from __future__ import annotations

import time
from collections import Counter
from itertools import count
from typing import Self

from aiohttp import ClientConnectorError, ClientError, ClientSession, ClientTimeout, web

DOWN_FOR = 5.0  # seconds a worker that refused a connection is left out (nginx fail_timeout)
FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobinProxy:
    """Forwards every POST to the next live backend in turn; counts answers per backend."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.answered: list[Counter[int]] = [Counter() for _ in backends]  # status → count
        self.refused = Counter[int]()  # connections refused, per backend
        self.broken = Counter[int]()  # requests lost with the worker (answered 502)
        self._turn = count()
        self._down_until = [0.0] * len(backends)
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        self._http = ClientSession(timeout=ClientTimeout(total=120))
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def ok(self, backend: int) -> int:
        return sum(n for status, n in self.answered[backend].items() if 200 <= status < 300)

    def _next(self) -> int:
        now = time.monotonic()
        for _ in self.backends:
            i = next(self._turn) % len(self.backends)
            if self._down_until[i] <= now:
                return i
        return next(self._turn) % len(self.backends)  # all down: try anyway

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k in FORWARDED}
        for _ in self.backends:
            i = self._next()
            try:
                async with self._http.post(self.backends[i] + request.path, data=body,
                                           headers=headers) as answer:
                    payload = await answer.read()
                    status = answer.status
            except ClientConnectorError:
                self.refused[i] += 1
                self._down_until[i] = time.monotonic() + DOWN_FOR
                continue
            except (ClientError, TimeoutError):
                self.broken[i] += 1
                self._down_until[i] = time.monotonic() + DOWN_FOR
                return web.Response(status=502)
            self.answered[i][status] += 1
            return web.Response(status=status, body=payload)
        return web.Response(status=502)
