"""What the fake Telegram remembers about users, chats and messages, in Bot API JSON shapes."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from itertools import count
from typing import Any

JsonObject = dict[str, Any]


class ChatBook:
    """Users, chats and every message in them, shared by the bot and the people it talks to.

    Message ids count per chat, for messages in both directions, as in a private chat.
    """

    def __init__(self, bot_user: JsonObject, clock: Callable[[], float] = time.time) -> None:
        self.bot_user = bot_user
        self._clock = clock
        self._users: dict[int, JsonObject] = {}
        self._messages: dict[int, dict[int, JsonObject]] = {}
        self._next_id: dict[int, count[int]] = {}
        self._file_ids = count(1)

    def now(self) -> int:
        return int(self._clock())

    def user(self, user_id: int, first_name: str | None = None) -> JsonObject:
        """The User object for a person, created on first sight, renamed if asked."""
        user = self._users.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": f"Người dùng {user_id}",
             "language_code": "vi"},
        )
        if first_name is not None:
            user["first_name"] = first_name
        return dict(user)

    def chat(self, chat_id: int) -> JsonObject:
        """The Chat object: private for a user id, group or supergroup for negative ids."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private",
                    "first_name": self.user(chat_id)["first_name"]}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Nhóm {chat_id}"}

    def add_user_message(
        self, user_id: int, first_name: str | None = None, **content: Any
    ) -> JsonObject:
        """A message a person sends to the bot in their private chat."""
        sender = self.user(user_id, first_name)
        return self._store(user_id, {"from": sender, **content})

    def add_bot_message(self, chat_id: int, **content: Any) -> JsonObject:
        """A message the bot sent; `content` holds text, document, reply_markup…"""
        return self._store(chat_id, {"from": dict(self.bot_user), **content})

    def message(self, chat_id: int, message_id: int) -> JsonObject | None:
        found = self._messages.get(chat_id, {}).get(message_id)
        return copy.deepcopy(found) if found is not None else None

    def messages(self, chat_id: int) -> list[JsonObject]:
        """The chat as it looks now: edits applied, deletions gone, oldest first."""
        return [copy.deepcopy(m) for m in self._messages.get(chat_id, {}).values()]

    def last_bot_message(self, chat_id: int) -> JsonObject | None:
        bot_id = self.bot_user["id"]
        for message in reversed(self._messages.get(chat_id, {}).values()):
            if message["from"]["id"] == bot_id:
                return copy.deepcopy(message)
        return None

    def replace(self, chat_id: int, message_id: int, **changes: Any) -> JsonObject:
        """Apply an edit; a change to None removes that field (e.g. an inline keyboard)."""
        message = self._messages[chat_id][message_id]
        for name, value in changes.items():
            if value is None:
                message.pop(name, None)
            else:
                message[name] = value
        message["edit_date"] = self.now()
        return copy.deepcopy(message)

    def delete(self, chat_id: int, message_id: int) -> bool:
        return self._messages.get(chat_id, {}).pop(message_id, None) is not None

    def new_file(self, kind: str) -> JsonObject:
        """Fresh file_id / file_unique_id pair, like Telegram assigns to every upload."""
        number = next(self._file_ids)
        return {"file_id": f"fake-{kind}-{number}", "file_unique_id": f"u{kind[:3]}{number}"}

    def _store(self, chat_id: int, content: JsonObject) -> JsonObject:
        content = copy.deepcopy(content)
        message_id = next(self._next_id.setdefault(chat_id, count(1)))
        message = {"message_id": message_id, "from": content.pop("from"),
                   "chat": self.chat(chat_id), "date": self.now(), **content}
        self._messages.setdefault(chat_id, {})[message_id] = message
        return copy.deepcopy(message)
