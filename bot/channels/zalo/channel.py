"""Zalo through its Bot API: events in, replies out as numbered text, nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.channels.base import ChatUnreachable, RetryLater, StorageUnavailable
from bot.channels.render import render_pieces
from bot.channels.zalo.client import JsonObject, ZaloApiError, ZaloClient, ZaloNetworkError
from content import strings
from handlers.conversation import ChannelCaps, Inbound, Kind, Outgoing, Reply

log = logging.getLogger(__name__)

TEXT_EVENT = "message.text.received"
MEDIA_EVENTS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "other",
}
SEND_ATTEMPTS = 5
DEFAULT_RETRY_AFTER = 5.0  # seconds, when a 429 does not say how long
# Zalo publishes no error codes for "this person cannot be messaged". 403 is what the
# Telegram-shaped Bot API (and the python-zalo-bot client, a python-telegram-bot fork)
# uses for Forbidden; the words catch descriptions that say so with another code.
UNREACHABLE_CODES = frozenset({403})
UNREACHABLE_WORDS = ("block", "chặn", "not follow", "unfollow", "not reachable", "inactive user")
FATAL_POLL_CODES = frozenset({401, 403, 404})  # a wrong token or URL: retrying cannot help

Handle = Callable[[Inbound], Awaitable[list[Outgoing]]]
Deliver = Callable[["ZaloChannel", str, Sequence[Outgoing]], Awaitable[None]]


class MalformedEvent(ValueError):
    """A body Zalo would never send: refused, nothing saved."""


class ZaloChannel:
    """Zalo events in as Inbound, replies out as numbered text; holds our client, no rules."""

    name = "zalo"
    caps = ChannelCaps(max_text=2000, buttons=False)

    def __init__(
        self,
        client: ZaloClient,
        *,
        poll_timeout: int = 25,
        retry_delay: float = 1.0,
    ) -> None:
        self.client = client
        self._poll_timeout = poll_timeout
        self._retry_delay = retry_delay  # first backoff step; tests make it tiny

    # ---- inbound ----------------------------------------------------------

    @staticmethod
    def to_inbound(event: Any) -> Inbound | None:
        """Our own event for a Zalo one; None for what the bot ignores (groups, bots, new kinds)."""
        if not isinstance(event, dict):
            raise MalformedEvent("event is not an object")
        name = event.get("event_name")
        if name is not None and not isinstance(name, str):
            raise MalformedEvent("event_name is not a string")
        if name is not None and name != TEXT_EVENT and name not in MEDIA_EVENTS:
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
        if kind != TEXT_EVENT:
            return Inbound(kind=Kind.UNSUPPORTED, media=MEDIA_EVENTS.get(kind, "other"), **common)
        text = message.get("text")
        if not isinstance(text, str):
            raise MalformedEvent("text is not a string")
        if text.startswith("/"):
            head, _, rest = text[1:].partition(" ")
            return Inbound(kind=Kind.COMMAND, command=head, text=rest.strip(), **common)
        return Inbound(kind=Kind.TEXT, text=text, **common)

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
        pieces = render_pieces(text, reply.all_buttons(), self.caps.max_text)
        for index, piece in enumerate(pieces):
            await self._send_text(chat_id, piece, first=index == 0)

    async def _send_text(self, chat_id: str, text: str, *, first: bool) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.client.send_message(chat_id, text)
                return
            except ZaloApiError as error:
                if _unreachable(error):
                    raise ChatUnreachable(f"zalo {error.error_code} {error.description}") from None
                if error.error_code == 429 and first:
                    raise RetryLater(error.retry_after or DEFAULT_RETRY_AFTER) from None
                if not error.retryable or attempt == SEND_ATTEMPTS:
                    raise
                log.warning("zalo sendMessage: %s; retrying", error.error_code)
                if error.retry_after:
                    await asyncio.sleep(error.retry_after)
                    continue
            except ZaloNetworkError:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("zalo sendMessage: network error; retrying")
            await asyncio.sleep(min(self._retry_delay * 2 ** (attempt - 1), 30))

    # ---- long polling -----------------------------------------------------

    async def poll(self, handle: Handle, deliver: Deliver, stop: asyncio.Event) -> None:
        """Long polling, one event at a time, each saved and answered before the next is asked
        for: getUpdates has no offset, so an event it returned exists only here until saved.
        For the same reason a long poll under way is not cut short when stopping."""
        await self.client.delete_webhook()  # getUpdates does not work while a webhook is set
        failures = 0
        while not stop.is_set():
            try:
                events = await self.client.get_updates(self._poll_timeout)
            except (ZaloApiError, ZaloNetworkError) as error:
                if isinstance(error, ZaloApiError) and error.error_code in FATAL_POLL_CODES:
                    raise
                failures += 1
                log.warning("zalo getUpdates failed (%s); retrying", _short(error))
                await sleep_or_stop(stop, min(self._retry_delay * 2**failures, 30))
                continue
            failures = 0
            for event in events:
                await self.process(event, handle, deliver, stop)

    async def process(self, event: JsonObject, handle: Handle, deliver: Deliver,
                      stop: asyncio.Event) -> None:
        """Save, then answer; a database that is down is waited for, as the event is not resent."""
        try:
            inbound = self.to_inbound(event)
        except MalformedEvent as error:
            log.warning("zalo event ignored: %s", error)
            return
        if inbound is None:
            return
        while True:
            try:
                out = await handle(inbound)
                break
            except StorageUnavailable:
                if stop.is_set():
                    log.error("zalo update %s lost: database unavailable at shutdown",
                              inbound.update_key)
                    return
                await sleep_or_stop(stop, self._retry_delay * 5)
        await self.deliver_logged(deliver, inbound, out)

    async def deliver_logged(self, deliver: Deliver, inbound: Inbound,
                             out: Sequence[Outgoing]) -> None:
        try:
            await deliver(self, inbound.chat_id, out)
        except (ZaloApiError, ZaloNetworkError) as error:
            log.error("reply to update %s not delivered: %s", inbound.update_key, _short(error))

    # ---- webhook ----------------------------------------------------------

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.client.set_webhook(url, secret)

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
    """Events posted without an event_name: tell the kind by the fields present."""
    if "text" in message:
        return TEXT_EVENT
    for field, kind in (("sticker", "message.sticker.received"),
                        ("photo", "message.image.received"),
                        ("voice_url", "message.voice.received")):
        if field in message:
            return kind
    return "message.unsupported.received"


def _unreachable(error: ZaloApiError) -> bool:
    description = error.description.lower()
    return error.error_code in UNREACHABLE_CODES or any(w in description for w in UNREACHABLE_WORDS)


def _short(error: Exception) -> str:
    return str(error)[:200]


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Wait, but wake at once when the bot is stopping."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
