"""One small aiohttp server for every messenger's webhook; channels add their routes."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secret_matches(request: web.Request, header: str, secret: str) -> bool:
    """Constant-time comparison, so the secret cannot be guessed byte by byte."""
    given = request.headers.get(header, "")
    return hmac.compare_digest(given.encode(), secret.encode())


class WebhookServer:
    """Serves POST routes and keeps track of work started after answering."""

    def __init__(
        self, host: str, port: int, *, pages: Callable[[web.Application], None] | None = None
    ) -> None:
        self._host, self._port = host, port
        self._app = web.Application(client_max_size=1024 * 1024)
        self._app.router.add_get("/health", self._health)
        if pages is not None:  # the web console: its routes come before the catch-all below
            pages(self._app)
        # One catch-all route and a table, so each messenger can add its own path at any
        # time, even after another one has started the shared server.
        self._routes: dict[str, Route] = {}
        self._app.router.add_post("/{path:.*}", self._dispatch)
        self._runner: web.AppRunner | None = None
        self._background: set[asyncio.Task[None]] = set()

    def add_route(self, path: str, handler: Route) -> None:
        if path in self._routes:
            raise ValueError(f"two webhooks on the same path {path!r}")
        self._routes[path] = handler

    def after_response(self, work: Awaitable[None]) -> None:
        """Run `work` once the platform has its 2xx; awaited on shutdown, never dropped."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        """Listen; a second call (another messenger sharing the server) changes nothing."""
        if self._runner is not None:
            return
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        if self._port == 0:  # tests ask for any free port
            server = site._server
            assert server is not None
            self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr,attr-defined]
        log.info("webhook server on %s:%d", self._host, self._port)

    async def stop(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = self._routes.get(request.path)
        if handler is None:
            return web.Response(status=404)
        return await handler(request)

    async def _health(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")
