"""Zalo through its Bot API: events in, replies out as numbered text, nothing else."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from bot.channels.base import (
    ChatUnreachable,
    Received,
    Receiver,
    RetryLater,
    StorageUnavailable,
    Undeliverable,
    backoff,
    save_in_order,
    sleep_or_stop,
)
from bot.channels.caps import ZALO_CAPS
from bot.channels.render import render_pieces
from bot.channels.zalo.client import JsonObject, ZaloApiError, ZaloClient, ZaloNetworkError
from bot.channels.zalo.inbox_worker import drain_inbox
from bot.channels.zalo.webhook import DEFAULT_PATH, zalo_webhook
from bot.inbox import Inbox
from bot.outbox import Target
from bot.webhook import WebhookServer
from content import strings
from content.text import utf16_len
from handlers.conversation import Inbound, Kind, Reply, typed

log = logging.getLogger(__name__)

TEXT_EVENT = "message.text.received"
# Not in the platform's documentation; open-source clients of it report this name for a
# shared link. Read like a text event without text.
LINK_EVENT = "message.link.received"
MEDIA_EVENTS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "other",
}
SEND_ATTEMPTS = 5
# "1 to 2000 ký tự", and the platform counts in UTF-16 units (an emoji outside the BMP is
# two): measured that way, with a margin for whatever else it counts differently.
TEXT_UNITS = 1950
DEFAULT_RETRY_AFTER = 5.0  # seconds, when a 429 does not say how long
# Zalo publishes no error codes for "this person cannot be messaged". 403 is what the
# Telegram-shaped Bot API (and the python-zalo-bot client, a python-telegram-bot fork)
# uses for Forbidden; the words catch descriptions that say so with another code.
UNREACHABLE_CODES = frozenset({403})
UNREACHABLE_WORDS = ("block", "chặn", "not follow", "unfollow", "not reachable", "inactive user")
SERVER_BACKOFF_CAP = 60.0  # seconds: the longest wait after Zalo failed on its side
FATAL_POLL_CODES = frozenset({401, 403, 404})  # a wrong token or URL: retrying cannot help

class MalformedEvent(ValueError):
    """An event we cannot read: parked as a dead letter, the others go on."""


class ZaloChannel:
    """Zalo events in as Inbound, replies out as numbered text; holds our client, no rules."""

    name = "zalo"
    caps = ZALO_CAPS
    # Zalo documents no error code for "blocked": one 403 may be something else, so a member
    # is marked unreachable only after this many refusals in a row (counted in storage).
    unreachable_after = 3

    def __init__(
        self,
        client: ZaloClient,
        *,
        poll_timeout: int = 25,
        retry_delay: float = 1.0,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.client = client
        self._poll_timeout = poll_timeout
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self._retry_delay = retry_delay  # first backoff step; tests make it tiny
        self._server_failures = 0  # 5xx or network failures in a row, on any chat
        self._quiet_until = 0.0  # monotonic time before which nothing is sent
        self._inbox: Inbox | None = None

    def use_inbox(self, inbox: Inbox) -> None:
        """Webhook events are kept there before the 200, and handled from there."""
        self._inbox = inbox

    # ---- inbound ----------------------------------------------------------

    @staticmethod
    def to_inbound(event: Any) -> Inbound | None:
        """Our own event for a Zalo one; None for what the bot ignores (groups, bots, new kinds)."""
        if not isinstance(event, dict):
            raise MalformedEvent("event is not an object")
        name = event.get("event_name")
        if name is not None and not isinstance(name, str):
            raise MalformedEvent("event_name is not a string")
        if name is not None and name not in (TEXT_EVENT, LINK_EVENT) and name not in MEDIA_EVENTS:
            return None  # an event kind added after this code: not an error
        message = event.get("message")
        if not isinstance(message, dict):
            raise MalformedEvent("no message object")
        sender, chat = _object(message, "from"), _object(message, "chat")
        if sender.get("is_bot") is True or str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
            return None
        common = {
            "channel": "zalo",
            "user_id": _id(sender, "from.id"),
            "chat_id": _id(chat, "chat.id"),
            "message_id": _optional_id(message, "message_id"),
        }
        common["update_key"] = f"zalo:{common['message_id']}" if common["message_id"] else ""
        kind = name or _guess_kind(message)
        if kind not in (TEXT_EVENT, LINK_EVENT):
            return Inbound(kind=Kind.UNSUPPORTED, media=MEDIA_EVENTS.get(kind, "other"), **common)
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            kind, command, text = typed(text)
            return Inbound(kind=kind, command=command, text=text, **common)
        # A link preview carries its content in `links`/`attachments`, not in `text`: it is
        # read as what it is, never refused over the one missing field.
        shared = shared_content(message)
        if shared:
            return Inbound(kind=Kind.SHARED, text=shared, **common)
        return Inbound(kind=Kind.UNSUPPORTED, media="other", **common)

    # ---- outbound ---------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Numbered choices instead of buttons, cut to 2,000 characters; files only announced.
        Pacing is the channel's sender's job (bot/sender.py): a 429 before anything was shown
        is raised as RetryLater for it; after the first piece, it is waited out here so a
        retry never repeats the pieces already shown."""
        text = reply.text
        if reply.document is not None:
            note = strings.DOCUMENT_NOT_ON_TEXT_CHANNEL.format(filename=reply.document.filename)
            text = "\n\n".join(p for p in (reply.document.caption, note, reply.text) if p)
        pieces = render_pieces(text, reply.all_buttons(), TEXT_UNITS, utf16_len)
        for index, piece in enumerate(pieces):
            await self._send_text(chat_id, piece, first=index == 0)

    async def _send_text(self, chat_id: str, text: str, *, first: bool) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            await self._quiet()
            try:
                await self.client.send_message(chat_id, text)
                self._server_failures = 0
                return
            except ZaloApiError as error:
                if _unreachable(error):
                    raise ChatUnreachable(f"zalo {error.error_code} {error.description}") from None
                if error.error_code == 429 or error.status == 429:
                    if first:
                        raise RetryLater(error.retry_after or DEFAULT_RETRY_AFTER) from None
                    seconds = error.retry_after or backoff(attempt, self._retry_delay)
                    log.warning("zalo sendMessage: 429; waiting %ss mid-reply", seconds)
                    await asyncio.sleep(seconds)
                    continue
                if not error.retryable:
                    raise Undeliverable(f"zalo {error.error_code}") from error
                self._server_failed(error.retry_after)
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("zalo sendMessage: %s; retrying", error.error_code)
            except ZaloNetworkError:
                self._server_failed(None)
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("zalo sendMessage: network error; retrying")

    def _server_failed(self, retry_after: float | None) -> None:
        """Zalo failed on its side (5xx, no answer): every send on this channel waits, longer
        with each failure in a row, so a struggling platform is not hammered by every chat."""
        self._server_failures += 1
        wait = max(backoff(self._server_failures, self._retry_delay, SERVER_BACKOFF_CAP),
                   retry_after or 0)
        self._quiet_until = max(self._quiet_until, time.monotonic() + wait)

    async def _quiet(self) -> None:
        while (left := self._quiet_until - time.monotonic()) > 0:
            await asyncio.sleep(left)

    # ---- receiving ---------------------------------------------------------

    async def serve(self, receiver: Receiver, stop: asyncio.Event, web: WebhookServer) -> None:
        """Webhook when an address is configured (registered with Zalo at start), else polling;
        beside either, the worker that handles what the inbox kept (also what an earlier run
        left there)."""
        me = await self.client.get_me()
        name = me.get("account_name") or me.get("id") or "?"
        async with asyncio.TaskGroup() as group:
            if self._inbox is not None:
                group.create_task(drain_inbox(self, self._inbox, receiver, stop,
                                              retry_delay=self._retry_delay))
            if not self._webhook_url:
                log.info("Zalo bot %s: long polling", name)
                await self.poll(receiver, stop)
                return
            web.add_route(urlsplit(self._webhook_url).path or DEFAULT_PATH,
                          zalo_webhook(self, receiver, self._webhook_secret or "", self._inbox))
            await web.start()
            await self.client.set_webhook(self._webhook_url, self._webhook_secret or "")
            log.info("Zalo bot %s: webhook on port %d", name, web.port)
            await stop.wait()

    async def poll(self, receiver: Receiver, stop: asyncio.Event) -> None:
        """Long polling, one batch at a time, each event saved before the next batch is asked
        for: getUpdates has no offset, so an event it returned exists only here until saved.
        For the same reason a long poll under way is not cut short when stopping."""
        await self._remove_webhook()  # getUpdates does not work while a webhook is set
        failures = 0
        while not stop.is_set():
            try:
                events = await self.client.get_updates(self._poll_timeout)
            except (ZaloApiError, ZaloNetworkError) as error:
                if isinstance(error, ZaloApiError) and error.error_code in FATAL_POLL_CODES:
                    raise
                failures += 1
                log.warning("zalo getUpdates failed (%s); retrying", _short(error))
                asked = error.retry_after if isinstance(error, ZaloApiError) else None
                await sleep_or_stop(stop, max(backoff(failures, self._retry_delay), asked or 0))
                continue
            failures = 0
            while True:  # parking an unreadable event needs the database too
                try:
                    pending = await self.read_all(events, receiver)
                    break
                except StorageUnavailable:
                    await sleep_or_stop(stop, self._retry_delay * 5)
            while pending := await save_in_order(receiver, pending):
                if stop.is_set():  # pragma: no cover - the database is down at shutdown
                    log.error("zalo: %d events lost: database unavailable at shutdown",
                              len(pending))
                    return
                await sleep_or_stop(stop, self._retry_delay * 5)

    async def _remove_webhook(self) -> None:
        """Polling and a webhook exclude each other: a webhook still set (another deployment,
        or this one before ZALO_WEBHOOK_URL was emptied) is removed, and the log says where
        it pointed (the host only: a path may hold a secret)."""
        info = await self.client.get_webhook_info()
        url = info.get("url")
        if not isinstance(url, str) or not url:
            return
        log.warning("zalo: removing the webhook to %s to poll instead (ZALO_WEBHOOK_URL is "
                    "empty)", urlsplit(url).hostname or "?")
        await self.client.delete_webhook()

    async def read_all(self, events: Sequence[Any], receiver: Receiver) -> list[Received]:
        """Our events for Zalo's; one that cannot be read is parked (its sender, when known,
        told it is not supported) and never refuses the others."""
        received: list[Received] = []
        for position, event in enumerate(events):
            try:
                inbound = self.to_inbound(event)
            except MalformedEvent as error:
                await self._park(event, error, receiver)
                continue
            if inbound is not None:
                received.append(Received(inbound, _dump(event), position))
        return received

    @staticmethod
    def key_of(event: Any) -> str:
        """'zalo:<message_id>' when the event has a readable one; "" (no repeats to drop) if not."""
        message_id = _message_id(event)
        return f"zalo:{message_id}"[:120] if message_id else ""

    @staticmethod
    def chat_of(event: Any) -> str:
        """The chat an event came from, "" when it cannot be read: the inbox keeps a chat's
        events in order by it."""
        return _sender_chat(event)[:64]

    async def _park(self, event: Any, error: MalformedEvent, receiver: Receiver) -> None:
        chat = _sender_chat(event)
        key = self.key_of(event)
        answer_to = Target(self.name, chat) if chat else None
        # StorageUnavailable goes up: the webhook answers 503, polling waits and reads again.
        await receiver.park(self.name, key, _dump(event), error, answer_to=answer_to,
                            answer=f"{strings.UNSUPPORTED_OTHER} {strings.UNSUPPORTED_HINT_TYPED}")

    async def close(self) -> None:
        await self.client.close()


def _object(message: JsonObject, field: str) -> JsonObject:
    value = message.get(field)
    if not isinstance(value, dict):
        raise MalformedEvent(f"message.{field} is not an object")
    return value


def _id(holder: JsonObject, where: str) -> str:
    value = holder.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise MalformedEvent(f"{where} is missing or not an id")
    return str(value)


def _optional_id(message: JsonObject, field: str) -> str:
    value = message.get(field)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedEvent(f"message.{field} is not an id")
    return str(value)


def _guess_kind(message: JsonObject) -> str:
    """Events posted without an event_name: tell the kind by the fields present. Clients of
    the platform report photos under `photo_url`, `photo`, `url` or `attachments`."""
    if isinstance(message.get("text"), str):
        return TEXT_EVENT
    if "sticker" in message:
        return "message.sticker.received"
    if "voice_url" in message:
        return "message.voice.received"
    if "link" in message or "links" in message or _attachment_types(message) & {"link"}:
        return LINK_EVENT
    if any(field in message for field in PHOTO_FIELDS) or _attachment_types(message) & {
            "image", "photo"}:
        return "message.image.received"
    if "text" in message:  # a text field that is not text: read for what else it carries
        return TEXT_EVENT
    return "message.unsupported.received"


PHOTO_FIELDS = ("photo_url", "photo", "url")
SHARED_PART = 1000  # characters kept of one title, description or address


def shared_content(message: JsonObject) -> str:
    """The title and address of every link a message carries (`link`, `links`,
    `attachments`, each possibly under `payload`), one per line, repeats dropped."""
    items: list[Any] = []
    for field in ("link", "links", "attachments"):
        value = message.get(field)
        items += value if isinstance(value, list) else [value]
    lines: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        payload = item.get("payload")
        merged = (payload if isinstance(payload, dict) else {}) | item
        for key in ("title", "description", "url"):
            value = merged.get(key)
            if isinstance(value, str) and value.strip():
                line = " ".join(value.split())[:SHARED_PART]
                if line not in lines:
                    lines.append(line)
    return "\n".join(lines)


def _attachment_types(message: JsonObject) -> set[str]:
    attachments = message.get("attachments")
    if not isinstance(attachments, list):
        return set()
    return {str(a.get("type", "")).lower() for a in attachments if isinstance(a, dict)}


def _unreachable(error: ZaloApiError) -> bool:
    description = error.description.lower()
    return error.error_code in UNREACHABLE_CODES or any(w in description for w in UNREACHABLE_WORDS)


def _short(error: Exception) -> str:
    return str(error)[:200]


def _sender_chat(event: Any) -> str:
    """The chat an unreadable event came from, when that much can be read."""
    message = event.get("message") if isinstance(event, dict) else None
    chat = message.get("chat") if isinstance(message, dict) else None
    value = chat.get("id") if isinstance(chat, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _message_id(event: Any) -> str:
    message = event.get("message") if isinstance(event, dict) else None
    value = message.get("message_id") if isinstance(message, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _dump(event: Any) -> str:
    return json.dumps(event, default=str)
