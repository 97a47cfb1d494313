"""Telegram through aiogram: updates in, replies out, nothing else."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import TelegramMethod
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

from bot.channels.base import (
    ChatLocks,
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
from bot.channels.caps import TELEGRAM_CAPS
from bot.channels.html import to_html
from bot.webhook import Route, WebhookServer, secret_matches
from content import strings
from handlers.conversation import Inbound, Kind, Reply, typed

log = logging.getLogger(__name__)

MEDIA = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
         "location", "poll", "dice")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_ATTEMPTS = 5

def make_bot(token: str, api_url: str) -> Bot:
    """An aiogram Bot talking to `api_url` (the real API, or a local fake in tests)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    return Bot(token=token, session=session)


class TelegramChannel:
    name = "telegram"
    caps = TELEGRAM_CAPS

    def __init__(
        self,
        bot: Bot,
        *,
        poll_timeout: int = 25,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.bot = bot
        self._poll_timeout = poll_timeout
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret

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
            kind, command, text = typed(message.text)
            replied = message.reply_to_message
            return _from_message(
                message, kind, key, command=command, text=text,
                reply_to_message_id=str(replied.message_id) if replied is not None else "",
                quote=message.quote.text if message.quote is not None else "",
            )
        media = next((m for m in MEDIA if getattr(message, m, None) is not None), "other")
        return _from_message(message, Kind.UNSUPPORTED, key, media=media)

    # ---- outbound ---------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> list[str]:
        """Send one reply and return its message ids; a 429 becomes RetryLater so the
        channel's sender slows everything down."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await self._send_once(int(chat_id), reply)
            except TelegramRetryAfter as error:
                raise RetryLater(error.retry_after) from error
            except TelegramForbiddenError as error:
                raise ChatUnreachable(str(error)) from error
            except TelegramBadRequest as error:
                raise Undeliverable(type(error).__name__) from error
            except (TelegramNetworkError, TelegramServerError):
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(min(2**attempt, 30))
        return []  # not reached: the last attempt returns or raises

    async def _send_once(self, chat_id: int, reply: Reply) -> list[str]:
        if reply.document is not None:
            document = reply.document
            await self.bot.send_document(
                chat_id,
                BufferedInputFile(document.content, filename=document.filename),
                caption=document.caption or None,
            )
            if not reply.text:
                return []
            # The file is out: wait here for the text, or a retry would send the file twice.
            while True:
                try:
                    return await self._send_text(chat_id, reply)
                except TelegramRetryAfter as error:
                    await asyncio.sleep(error.retry_after)
        return await self._send_text(chat_id, reply)

    async def _send_text(self, chat_id: int, reply: Reply) -> list[str]:
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
        if reply.styled:
            try:
                sent = await self.bot.send_message(chat_id, to_html(reply.styled),
                                                   parse_mode="HTML", reply_markup=markup)
                return [str(sent.message_id)]
            except TelegramBadRequest as error:
                if "can't parse entities" not in error.message:
                    raise
                # Our markup is escaped in one place and should never be refused; if it is,
                # the member still gets the words, unstyled.
                log.warning("telegram refused the HTML of a reply; sent as plain text")
        sent = await self.bot.send_message(chat_id, reply.text, reply_markup=markup)
        return [str(sent.message_id)]

    # ---- receiving ---------------------------------------------------------

    async def serve(self, receiver: Receiver, stop: asyncio.Event, web: WebhookServer) -> None:
        """Webhook when a webhook address is configured (several workers can share it),
        else long polling."""
        me = await self.bot.get_me()
        if not self._webhook_url:
            log.info("Telegram bot @%s: long polling", me.username)
            await self.poll(receiver, stop)
            return
        web.add_route(urlsplit(self._webhook_url).path or "/", self.webhook(receiver))
        await web.start()
        await self.bot.set_webhook(self._webhook_url, secret_token=self._webhook_secret,
                                   allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
        log.info("Telegram bot @%s: webhook on port %d", me.username, web.port)
        await stop.wait()

    async def poll(self, receiver: Receiver, stop: asyncio.Event) -> None:
        """Long polling that confirms an update (next offset) once it is saved or parked."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                batch = await self._get_updates(offset, stop)
            except (TelegramNetworkError, TelegramServerError) as error:
                failures += 1
                log.warning("getUpdates failed (%s); retrying", type(error).__name__)
                await sleep_or_stop(stop, backoff(failures))
                continue
            failures = 0
            if not batch:
                continue
            unsaved = await self.process(batch, receiver)
            if unsaved is not None:  # leave it unconfirmed; Telegram sends it again
                offset = unsaved
                await sleep_or_stop(stop, 5)
                continue
            offset = _update_id(batch[-1]) + 1
        if offset is not None:  # confirm the last batch so it is not delivered again
            await self.bot(RawGetUpdates(offset=offset, timeout=0, limit=1))

    async def _get_updates(self, offset: int | None, stop: asyncio.Event) -> list[RawUpdate]:
        """The next batch as raw JSON objects: one update aiogram cannot read must not take
        the others down with it (each is read on its own in `process`)."""
        fetch = asyncio.ensure_future(self.bot(RawGetUpdates(
            offset=offset, timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES)))
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            return []
        return [item for item in fetch.result() if isinstance(item.get("update_id"), int)]

    async def process(
        self, batch: Sequence[RawUpdate], receiver: Receiver, locks: ChatLocks | None = None
    ) -> int | None:
        """Read, save or park every update of a batch; the first update id that could not
        be saved (to poll again from there), or None when the whole batch is done."""
        received: list[Received] = []
        unsaved: list[int] = []
        for raw in batch:
            update_id = _update_id(raw)
            try:
                update = self.read(raw)
                inbound = self.to_inbound(update)
            except Exception as error:  # noqa: BLE001 - any update we cannot read is parked
                try:
                    await receiver.park(self.name, f"telegram:{update_id}", _dump(raw), error)
                except StorageUnavailable:
                    unsaved.append(update_id)
                continue
            if update.callback_query is not None:
                await self._answer_callback(update.callback_query.id)
            if inbound is not None:
                received.append(Received(inbound, _dump(raw), update_id))
        unsaved += [event.position for event in await save_in_order(receiver, received, locks)]
        return min(unsaved) if unsaved else None

    @classmethod
    def from_raw(cls, raw: RawUpdate) -> Inbound | None:
        """Our event for a stored raw update (`gopy deadletters replay`)."""
        return cls.to_inbound(Update.model_validate(raw))

    def read(self, raw: RawUpdate) -> Update:
        """aiogram's model of one update; raises when the model and Telegram disagree."""
        return Update.model_validate(raw, context={"bot": self.bot})

    def webhook(self, receiver: Receiver) -> Route:
        """The POST handler: 2xx once the update (and its replies) are saved, or it is parked;
        503 when the database cannot save it, so Telegram delivers it again."""
        locks = ChatLocks()

        async def receive(request: web.Request) -> web.Response:
            if not secret_matches(request, SECRET_HEADER, self._webhook_secret or ""):
                log.warning("telegram webhook: request without the right secret refused")
                return web.Response(status=403)
            try:
                raw = json.loads(await request.read())
            except ValueError:
                return web.Response(status=400, text="not JSON")
            if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
                return web.Response(status=400, text="not a Telegram update")
            unsaved = await self.process([raw], receiver, locks)
            return web.Response(status=503 if unsaved is not None else 200)

        return receive

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramAPIError:
            log.debug("callback %s could not be answered (too old)", query_id)

    async def close(self) -> None:
        await self.bot.session.close()


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as plain JSON objects, read one by one by the channel."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


RawUpdate = dict[str, Any]


def _update_id(raw: RawUpdate) -> int:
    return int(raw["update_id"])


def _dump(raw: RawUpdate) -> str:
    return json.dumps(raw)


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
