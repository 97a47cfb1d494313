"""What the fake Telegram does for each Bot API method once a request has passed the spec."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tests.fakes.telegram_chats import ChatBook, JsonObject
from tests.fakes.telegram_limits import ApiError
from tests.fakes.telegram_spec import parsed
from tests.fakes.telegram_updates import UpdateQueue

Files = Mapping[str, tuple[str, bytes]]
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_STALE_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ChangeSignal:
    """Wakes every waiter whenever something happens; sync to notify, async to wait."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """True as soon as `predicate()` holds, False once `timeout` seconds have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._event  # taken before checking, so no notification slips between
            if predicate():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass


class BotApi:
    """Realistic results for the methods a bot like ours calls; `True` for the rest."""

    def __init__(self, chats: ChatBook, queue: UpdateQueue, changed: ChangeSignal) -> None:
        self.chats = chats
        self.queue = queue
        self.changed = changed
        self.webhook: JsonObject = {"url": ""}
        self.commands: list[JsonObject] = []
        self.callback_query_ids: set[str] = set()
        self.closing = False
        self.waiting_polls = 0
        self._poll_generation = 0
        self._methods: dict[str, Callable[[JsonObject, Files], Awaitable[Any] | Any]] = {
            "getMe": lambda p, f: dict(self.chats.bot_user),
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": lambda p, f: list(self.commands),
        }

    async def call(self, method: str, params: JsonObject, files: Files) -> Any:
        implementation = self._methods.get(method)
        if implementation is None:
            return True
        result = implementation(params, files)
        return await result if isinstance(result, Awaitable) else result

    async def get_updates(self, params: JsonObject, files: Files) -> list[JsonObject]:
        if self.webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        limit = min(max(params.get("limit", 100), 1), 100)
        if "allowed_updates" in params:
            self.queue.allow(params["allowed_updates"])
        self.queue.confirm(params.get("offset", 0))
        self._poll_generation += 1  # an older long poll still waiting must now give way
        generation = self._poll_generation
        batch: list[JsonObject] = []

        def answered() -> bool:
            nonlocal batch
            if generation != self._poll_generation or self.closing:
                return True
            batch = self.queue.take(limit)
            return bool(batch)

        self.waiting_polls += 1
        self.changed.notify()
        try:
            await self.changed.wait_until(answered, max(params.get("timeout", 0), 0))
        finally:
            self.waiting_polls -= 1
        if generation != self._poll_generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                "make sure that only one bot instance is running")
        return batch

    def set_webhook(self, params: JsonObject, files: Files) -> bool:
        if params.get("drop_pending_updates"):
            self.queue.clear()
        self.webhook = {"url": params["url"], **{
            key: params[key] for key in ("secret_token", "max_connections", "allowed_updates")
            if key in params
        }}
        return True

    def delete_webhook(self, params: JsonObject, files: Files) -> bool:
        if params.get("drop_pending_updates"):
            self.queue.clear()
        self.webhook = {"url": ""}
        return True

    def get_webhook_info(self, params: JsonObject, files: Files) -> JsonObject:
        info = {"url": self.webhook["url"], "has_custom_certificate": False,
                "pending_update_count": len(self.queue)}
        for key in ("max_connections", "allowed_updates"):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    def send_message(self, params: JsonObject, files: Files) -> JsonObject:
        chat_id = _private_or_group(params["chat_id"])
        return self.chats.add_bot_message(
            chat_id, **_text("text", params), **_inline_markup(params))

    def send_document(self, params: JsonObject, files: Files) -> JsonObject:
        chat_id = _private_or_group(params["chat_id"])
        document = self.chats.new_file("document")
        if "document" in files:
            filename, content = files["document"]
            document |= {"file_name": filename, "file_size": len(content)}
        caption = _text("caption", params) if "caption" in params else {}
        return self.chats.add_bot_message(
            chat_id, document=document, **caption, **_inline_markup(params)
        )

    def edit_message_text(self, params: JsonObject, files: Files) -> JsonObject | bool:
        if "inline_message_id" in params:
            return True
        chat_id, message = self._editable(params, "edit")
        shown = _text("text", {"text": params.get("text", ""), **params})
        markup = _inline_markup(params).get("reply_markup")
        if (message.get("text") == shown["text"] and message.get("entities") == shown.get("entities")
                and message.get("reply_markup") == markup):
            raise ApiError(400, _NOT_MODIFIED)
        # Telegram drops the inline keyboard (and old entities) when an edit does not repeat them.
        return self.chats.replace(chat_id, message["message_id"], text=shown["text"],
                                  entities=shown.get("entities"), reply_markup=markup)

    def edit_message_reply_markup(self, params: JsonObject, files: Files) -> JsonObject | bool:
        if "inline_message_id" in params:
            return True
        chat_id, message = self._editable(params, "edit")
        markup = _inline_markup(params).get("reply_markup")
        if message.get("reply_markup") == markup:
            raise ApiError(400, _NOT_MODIFIED)
        return self.chats.replace(chat_id, message["message_id"], reply_markup=markup)

    def delete_message(self, params: JsonObject, files: Files) -> bool:
        chat_id, message = self._editable(params, "delete")
        return self.chats.delete(chat_id, message["message_id"])

    def answer_callback_query(self, params: JsonObject, files: Files) -> bool:
        if params["callback_query_id"] not in self.callback_query_ids:
            raise ApiError(400, _STALE_QUERY)
        return True

    def set_my_commands(self, params: JsonObject, files: Files) -> bool:
        self.commands = list(params["commands"])
        return True

    def _editable(self, params: JsonObject, verb: str) -> tuple[int, JsonObject]:
        if "chat_id" not in params or "message_id" not in params:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        chat_id = _private_or_group(params["chat_id"])
        message = self.chats.message(chat_id, params["message_id"])
        if message is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        if verb == "edit" and message["from"]["id"] != self.chats.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat_id, message


def _private_or_group(chat_id: int | str) -> int:
    """The fake knows chats by number only; @usernames are channels it has never seen."""
    if isinstance(chat_id, int):
        return chat_id
    raise ApiError(400, "Bad Request: chat not found")


def _text(name: str, params: JsonObject) -> JsonObject:
    """A message's text (or caption) as Telegram keeps it: the markup parsed into entities."""
    shown = parsed(params[name], params.get("parse_mode"))
    entities_name = "entities" if name == "text" else "caption_entities"
    return {name: shown.text, **({entities_name: shown.entities} if shown.entities else {})}


def _inline_markup(params: JsonObject) -> JsonObject:
    """Telegram echoes only inline keyboards back in the sent Message."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return {"reply_markup": markup}
    return {}
