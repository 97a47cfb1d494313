"""The route Zalo posts events to: the secret checked first, 200 only once the event is saved."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.base import StorageUnavailable
from bot.channels.zalo.channel import Deliver, Handle, MalformedEvent, ZaloChannel
from bot.channels.zalo.client import events_in
from bot.webhook import Route, WebhookServer, secret_matches
from handlers.conversation import Inbound

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
DEFAULT_PATH = "/zalo/webhook"
MAX_BODY = 256 * 1024  # one event is a few hundred bytes


class ChatOrder:
    """Events of one chat are handled and answered in the order they came; chats side by side."""

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[None]] = {}

    def then(self, chat_id: str, job: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        previous = self._tails.get(chat_id)

        async def after_previous() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            await job()

        task = asyncio.ensure_future(after_previous())
        self._tails[chat_id] = task
        task.add_done_callback(lambda done: self._forget(chat_id, done))
        return task

    def _forget(self, chat_id: str, done: asyncio.Task[None]) -> None:
        if self._tails.get(chat_id) is done:
            del self._tails[chat_id]


def zalo_webhook(
    channel: ZaloChannel, handle: Handle, deliver: Deliver, server: WebhookServer, secret: str
) -> Route:
    """The POST handler: 403 without the secret, 400 for what is not a Zalo event, 503 when
    the database could not save it, 200 once saved; replies go out after answering."""
    order = ChatOrder()

    async def receive(request: web.Request) -> web.Response:
        if not secret or not secret_matches(request, SECRET_HEADER, secret):
            log.warning("zalo webhook: request without the right secret refused")
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413)
        try:
            inbounds = _parse(await request.read())
        except MalformedEvent as error:
            log.warning("zalo webhook: malformed body refused (%s)", error)
            return web.Response(status=400, text="not a Zalo event")
        for inbound in inbounds:
            if not await _saved(inbound, order, handle, deliver, channel, server):
                return web.Response(status=503)  # not saved: let Zalo try again later
        return web.json_response({"ok": True})

    return receive


def _parse(body: bytes) -> list[Inbound]:
    try:
        payload = json.loads(body)
    except ValueError:
        raise MalformedEvent("body is not JSON") from None
    events = events_in(payload)
    if not events:
        raise MalformedEvent("no event in the body")
    found = [ZaloChannel.to_inbound(event) for event in events]  # raises before anything is saved
    return [inbound for inbound in found if inbound is not None]


async def _saved(
    inbound: Inbound,
    order: ChatOrder,
    handle: Handle,
    deliver: Deliver,
    channel: ZaloChannel,
    server: WebhookServer,
) -> bool:
    """Queue the event behind its chat's earlier ones; True once it is committed."""
    loop = asyncio.get_running_loop()
    committed: asyncio.Future[bool] = loop.create_future()

    async def job() -> None:
        try:
            out = await handle(inbound)
        except StorageUnavailable:
            committed.set_result(False)
            return
        except BaseException:
            committed.set_result(False)
            raise
        committed.set_result(True)
        await channel.deliver_logged(deliver, inbound, out)

    server.after_response(order.then(inbound.chat_id, job))
    return await committed
