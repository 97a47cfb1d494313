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

from bot.channels.base import ChatUnreachable
from bot.conversation import ChannelCaps, Inbound, Kind, Outgoing, Reply
from content import strings

log = logging.getLogger(__name__)

MEDIA = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
         "location", "poll", "dice")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
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
        """Send one reply, waiting out Telegram's 'retry after' instead of dropping it."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self._send_once(int(chat_id), reply)
                return
            except TelegramRetryAfter as error:
                log.warning("telegram asks to wait %ss", error.retry_after)
                await asyncio.sleep(error.retry_after)
            except TelegramForbiddenError as error:
                raise ChatUnreachable(str(error)) from error
            except (TelegramNetworkError, TelegramServerError):
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(min(2**attempt, 30))
        raise TelegramAPIError(method=None, message="gave up after repeated 'retry after'")  # type: ignore[arg-type]

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
            await self.process(updates, handle, deliver)
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

    async def process(self, updates: Sequence[Update], handle: Handle, deliver: Deliver) -> None:
        """One chat's updates in order; different chats side by side."""
        by_chat: dict[str, list[Inbound]] = defaultdict(list)
        for update in updates:
            inbound = self.to_inbound(update)
            if inbound is not None:
                by_chat[inbound.chat_id].append(inbound)
            if update.callback_query is not None:
                await self._answer_callback(update.callback_query.id)

        async def run_chat(chat_id: str, items: list[Inbound]) -> None:
            for inbound in items:
                out = await handle(inbound)
                try:
                    await deliver(self, chat_id, out)
                except TelegramAPIError:
                    log.exception("reply to update %s not delivered", inbound.update_key)

        await asyncio.gather(*(run_chat(chat, items) for chat, items in by_chat.items()))

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
