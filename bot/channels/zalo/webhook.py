"""The route Zalo posts events to: the secret checked first, 200 once every event is saved."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.base import ChatLocks, Receiver, StorageUnavailable, save_in_order
from bot.channels.zalo.client import JsonObject, events_in
from bot.inbox import Inbox
from bot.webhook import Route, secret_matches

if TYPE_CHECKING:
    from bot.channels.zalo.channel import ZaloChannel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
DEFAULT_PATH = "/zalo/webhook"
MAX_BODY = 256 * 1024  # one event is a few hundred bytes


def zalo_webhook(
    channel: ZaloChannel, receiver: Receiver, secret: str, inbox: Inbox | None = None
) -> Route:
    """The POST handler: 403 without the secret, 400 for a body that holds no event at all.
    With an inbox (as `gopy run` wires it): 200 once the raw events are kept there, handled
    after by the inbox worker; 503 only when even that write fails. Without one: 200 once
    each event is saved or parked, 503 when the database could not save one. One event that
    cannot be read is parked; it never refuses the others in the body."""

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
        if inbox is not None:
            return await keep(inbox, [(channel.key_of(e), channel.chat_of(e), e) for e in events])
        try:
            received = await channel.read_all(events, receiver)
        except StorageUnavailable:
            return web.Response(status=503)
        if await save_in_order(receiver, received, locks):
            return web.Response(status=503)  # not saved: let Zalo try again later
        return web.json_response({"ok": True})

    return receive


async def keep(inbox: Inbox, events: list[tuple[str, str, JsonObject]]) -> web.Response:
    """The first and smallest write: each raw event as it came. Zalo documents no
    redelivery, so this is what stands between a member's message and losing it."""
    try:
        await inbox.keep([(key, chat, json.dumps(event, default=str))
                          for key, chat, event in events])
    except Exception as error:  # noqa: BLE001 - whatever the database said, it is not kept
        log.error("zalo webhook: %d events not kept (%s); answered 503", len(events),
                  type(error).__name__)
        return web.Response(status=503)
    return web.json_response({"ok": True})

