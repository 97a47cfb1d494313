"""The route Zalo posts events to: the secret checked first, 200 once every event is saved."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.base import ChatLocks, Receiver, StorageUnavailable, save_in_order
from bot.channels.zalo.client import events_in
from bot.webhook import Route, secret_matches

if TYPE_CHECKING:
    from bot.channels.zalo.channel import ZaloChannel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
DEFAULT_PATH = "/zalo/webhook"
MAX_BODY = 256 * 1024  # one event is a few hundred bytes


def zalo_webhook(channel: ZaloChannel, receiver: Receiver, secret: str) -> Route:
    """The POST handler: 403 without the secret, 400 for a body that holds no event at all,
    503 when the database could not save an event, 200 once each is saved or parked. One
    event that cannot be read is parked; it never refuses the others in the body."""

    locks = ChatLocks()

    async def receive(request: web.Request) -> web.Response:
        if not secret or not secret_matches(request, SECRET_HEADER, secret):
            log.warning("zalo webhook: request without the right secret refused")
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413)
        try:
            events = events_in(json.loads(await request.read()))
        except ValueError:
            events = []
        if not events:
            log.warning("zalo webhook: a body with no event refused")
            return web.Response(status=400, text="not a Zalo event")
        try:
            received = await channel.read_all(events, receiver)
        except StorageUnavailable:
            return web.Response(status=503)
        if await save_in_order(receiver, received, locks):
            return web.Response(status=503)  # not saved: let Zalo try again later
        return web.json_response({"ok": True})

    return receive
