"""Telegram through aiogram: updates in, replies out, nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiohttp import web
from pydantic import ValidationError

from bot.channels.base import ChatUnreachable, RetryLater, StorageUnavailable
from bot.webhook import Route, WebhookServer, secret_matches
from content import strings
from handlers.conversation import ChannelCaps, Inbound, Kind, Outgoing, Reply

log = logging.getLogger(__name__)

MEDIA = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
         "location", "poll", "dice")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_ATTEMPTS = 5

Handle = Callable[[Inbound], Awaitable[list[Outgoing]]]
Deliver = Callable[["TelegramChannel", str, Sequence[Outgoing]], Awaitable[None]]


def make_bot(token: str, api_url: str) -> Bot:
    """An aiogram Bot talking to `api_url` (the real API, or a local fake in tests)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    return Bot(token=token, session=session)


class TelegramChannel:
    name = "telegram"
    caps = ChannelCaps(max_text=4096, buttons=True, contact=True)

    def __init__(self, bot: Bot, *, poll_timeout: int = 25) -> None:
        self.bot = bot
        self._poll_timeout = poll_timeout

    # ---- inbound ----------------------------------------------------------

    @staticmethod
    def to_inbound(update: Update) -> Inbound | None:
        """Our own event for a Telegram update; None for what the bot ignores."""
        key = f"telegram:{update.update_id}"
        if update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat.id if query.message is not None else query.from_user.id
            message_id = str(query.message.message_id) if query.message is not None else ""
            return Inbound(
                channel="telegram",
                user_id=str(query.from_user.id),
                chat_id=str(chat),
                kind=Kind.BUTTON,
                data=query.data or "",
                message_id=message_id,
                update_key=key,
            )
        if update.edited_message is not None:
            edited = update.edited_message
            if edited.text is None or not _private(edited):
                return None
            return _from_message(edited, Kind.EDITED_TEXT, key, text=edited.text)
        message = update.message
        if message is None or message.from_user is None or not _private(message):
            return None
        if message.contact is not None:
            contact = message.contact
            return _from_message(
                message,
                Kind.CONTACT,
                key,
                contact_phone=contact.phone_number,
                contact_user_id=str(contact.user_id) if contact.user_id else "",
            )
        if message.text is not None:
            text = message.text
            if text.startswith("/"):
                head, _, rest = text[1:].partition(" ")
                return _from_message(
                    message, Kind.COMMAND, key, command=head.split("@")[0], text=rest.strip()
                )
            return _from_message(message, Kind.TEXT, key, text=text)
        media = next((m for m in MEDIA if getattr(message, m, None) is not None), "other")
        return _from_message(message, Kind.UNSUPPORTED, key, media=media)

    # ---- outbound ---------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply; a 429 becomes RetryLater so the channel's sender slows everything down."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self._send_once(int(chat_id), reply)
                return
            except TelegramRetryAfter as error:
                raise RetryLater(error.retry_after) from error
            except TelegramForbiddenError as error:
                raise ChatUnreachable(str(error)) from error
            except (TelegramNetworkError, TelegramServerError):
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(min(2**attempt, 30))

    async def _send_once(self, chat_id: int, reply: Reply) -> None:
        if reply.document is not None:
            document = reply.document
            await self.bot.send_document(
                chat_id,
                BufferedInputFile(document.content, filename=document.filename),
                caption=document.caption or None,
            )
            if not reply.text:
                return
            # The file is out: wait here for the text, or a retry would send the file twice.
            while True:
                try:
                    await self._send_text(chat_id, reply)
                    return
                except TelegramRetryAfter as error:
                    await asyncio.sleep(error.retry_after)
        await self._send_text(chat_id, reply)

    async def _send_text(self, chat_id: int, reply: Reply) -> None:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
        if reply.buttons:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
                    for row in reply.buttons
                ]
            )
        elif reply.ask_contact:
            markup = ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text=strings.BTN_SHARE_PHONE, request_contact=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
        elif reply.clear_keyboard:
            markup = ReplyKeyboardRemove()
        await self.bot.send_message(chat_id, reply.text, reply_markup=markup)

    # ---- long polling -----------------------------------------------------

    async def poll(self, handle: Handle, deliver: Deliver, stop: asyncio.Event) -> None:
        """Long polling that confirms an update (next offset) only after it was handled."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                updates = await self._get_updates(offset, stop)
            except (TelegramNetworkError, TelegramServerError) as error:
                failures += 1
                log.warning("getUpdates failed (%s); retrying", type(error).__name__)
                await _sleep_or_stop(stop, min(2**failures, 30))
                continue
            failures = 0
            if not updates:
                continue
            unsaved = await self.process(updates, handle, deliver)
            if unsaved is not None:  # leave it unconfirmed; Telegram sends it again
                offset = unsaved
                await _sleep_or_stop(stop, 5)
                continue
            offset = updates[-1].update_id + 1
        if offset is not None:  # confirm the last batch so it is not delivered again
            await self.bot.get_updates(offset=offset, timeout=0, limit=1)

    async def _get_updates(self, offset: int | None, stop: asyncio.Event) -> list[Update]:
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=offset, timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            return []
        return fetch.result()

    async def process(
        self, updates: Sequence[Update], handle: Handle, deliver: Deliver
    ) -> int | None:
        """One chat's updates in order, different chats side by side. Returns the first
        update id that could not be saved (to poll again from there), or None."""
        by_chat: dict[str, list[tuple[int, Inbound]]] = defaultdict(list)
        for update in updates:
            inbound = self.to_inbound(update)
            if inbound is not None:
                by_chat[inbound.chat_id].append((update.update_id, inbound))
            if update.callback_query is not None:
                await self._answer_callback(update.callback_query.id)
        unsaved: list[int] = []

        async def run_chat(chat_id: str, items: list[tuple[int, Inbound]]) -> None:
            for update_id, inbound in items:
                try:
                    out = await handle(inbound)
                except StorageUnavailable:
                    unsaved.append(update_id)
                    return  # the rest of this chat waits, to keep its order
                try:
                    await deliver(self, chat_id, out)
                except Exception:  # the update is saved; a failed reply must not stop polling
                    log.exception("reply to update %s not delivered", inbound.update_key)

        await asyncio.gather(*(run_chat(chat, items) for chat, items in by_chat.items()))
        return min(unsaved) if unsaved else None

    def webhook(self, handle: Handle, deliver: Deliver, server: WebhookServer, secret: str) -> Route:
        """The POST handler: 2xx only after the update is saved; replies go out after."""

        async def receive(request: web.Request) -> web.Response:
            if not secret_matches(request, SECRET_HEADER, secret):
                log.warning("telegram webhook: request without the right secret refused")
                return web.Response(status=403)
            try:
                update = Update.model_validate(await request.json(), context={"bot": self.bot})
            except (ValueError, ValidationError):
                return web.Response(status=400, text="not a Telegram update")
            if update.callback_query is not None:
                server.after_response(self._answer_callback(update.callback_query.id))
            inbound = self.to_inbound(update)
            if inbound is None:
                return web.Response()
            try:
                out = await handle(inbound)
            except StorageUnavailable:
                return web.Response(status=503)  # Telegram retries later
            server.after_response(self._deliver_logged(deliver, inbound, out))
            return web.Response()

        return receive

    async def _deliver_logged(self, deliver: Deliver, inbound: Inbound, out: Sequence[Outgoing]) -> None:
        try:
            await deliver(self, inbound.chat_id, out)
        except Exception:  # the update is saved; the member may have to ask again
            log.exception("reply to update %s not delivered", inbound.update_key)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                                   drop_pending_updates=False)

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramAPIError:
            log.debug("callback %s could not be answered (too old)", query_id)

    async def close(self) -> None:
        await self.bot.session.close()


def _private(message: Message) -> bool:
    return message.chat.type == "private"


def _from_message(message: Message, kind: Kind, key: str, **fields: str) -> Inbound:
    assert message.from_user is not None
    return Inbound(
        channel="telegram",
        user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        kind=kind,
        message_id=str(message.message_id),
        update_key=key,
        **fields,
    )


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
