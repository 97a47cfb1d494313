"""The channel-neutral language of the bot: what came in, what goes out."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    TEXT = "text"
    COMMAND = "command"  # /start CODE → command="start", text="CODE"
    BUTTON = "button"  # a tap on a choice; `data` is its payload
    CONTACT = "contact"  # a shared phone number
    EDITED_TEXT = "edited_text"  # the member edited a message sent earlier
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, …; `media` says which


@dataclass(frozen=True)
class Inbound:
    """One event from a person, already translated from the platform's payload."""

    channel: str
    user_id: str
    chat_id: str
    kind: Kind
    text: str = ""
    command: str = ""
    data: str = ""
    message_id: str = ""
    contact_phone: str = ""
    contact_user_id: str = ""
    media: str = ""
    # "<channel>:<update id>": platforms deliver at least once, this drops repeats.
    update_key: str = ""


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # ≤ 64 bytes: Telegram's callback_data limit


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """What to show; a channel decides how (buttons, numbered lines, a prompt)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ask_contact: bool = False  # offer "share my phone number" where the channel can
    clear_keyboard: bool = False  # remove a contact keyboard shown earlier
    document: Document | None = None

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class Notify:
    """A message for someone other than the sender (the Office, a secretary, a member)."""

    member_id: int
    reply: Reply


Outgoing = Reply | Notify


@dataclass(frozen=True)
class ChannelCaps:
    """What a channel can show; the core shapes replies to fit."""

    max_text: int
    buttons: bool
    contact: bool = False
    page_chars: int = field(default=0)  # section text per message; 0 = derive from max_text

    def page_budget(self) -> int:
        return self.page_chars or max(500, self.max_text - 600)
