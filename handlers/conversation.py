"""The channel-neutral language of the bot: what came in, what goes out."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from handlers.styled import Styled, plain

MAX_TYPED_NUMBER = 999  # the router reads at most three typed digits as a choice


class Kind(enum.StrEnum):
    TEXT = "text"
    COMMAND = "command"  # /start CODE → command="start", text="CODE"
    BUTTON = "button"  # a tap on a choice; `data` is its payload
    CONTACT = "contact"  # a shared phone number
    EDITED_TEXT = "edited_text"  # the member edited a message sent earlier
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, …; `media` says which
    SHARED = "shared"  # a link shared without typed text; `text` is what it carries (title, URL)


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
    # A reply (swipe to reply) to one of the bot's messages, and the part of it quoted.
    reply_to_message_id: str = ""
    quote: str = ""


class Packable(Protocol):
    """An action (handlers/actions.py) seen from here: channels only ever see its payload."""

    def pack(self) -> str: ...


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # a packed action (handlers/actions.py), ≤ 64 bytes: Telegram's callback_data

    @classmethod
    def to(cls, label: str, action: Packable) -> Button:
        """The button that asks for `action`."""
        return cls(label, action.pack())


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class ExportRequest:
    """A comments file to build after the event is saved, from a read-only snapshot:
    a large export must not hold the database's write lock while members comment."""

    consultation_id: int
    filename: str
    scope: str  # whose comments, for the caption: a cell's name or the whole bloc
    xlsx: bool = False
    cell_code: str | None = None


@dataclass(frozen=True)
class PageShown:
    """The section page a reply shows: its sender records the platform's message id for it,
    so a member's reply to that message is read as a comment on that page."""

    section_id: int
    page: int


@dataclass(frozen=True)
class Reply:
    """What to show; a channel decides how (buttons, numbered lines, a prompt).

    `text` is always the plain rendering; `styled`, when set, is the same text with its
    document shape (bold, italics, quotes) for channels that show styles."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ask_contact: bool = False  # offer "share my phone number" where the channel can
    clear_keyboard: bool = False  # remove a contact keyboard shown earlier
    document: Document | None = None
    export: ExportRequest | None = None  # delivery builds it into a document, then sends it
    shows: PageShown | None = None
    styled: Styled = ()

    def __post_init__(self) -> None:
        if self.styled and plain(self.styled) != self.text:
            raise ValueError("a reply's styled form must read exactly as its text")

    @classmethod
    def of(cls, spans: Styled, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        """A reply from styled text: its plain rendering is the text every channel can show."""
        return cls(plain(spans), buttons=buttons, styled=tuple(spans))

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


def numbered(buttons: Sequence[Button]) -> list[tuple[int, Button]]:
    """The number to type for each button where a channel has none: a button labelled
    with a bare number (a section in the table of contents) is that number, the others
    count on from the largest such number, so "16" always means section 16."""
    taken: dict[int, Button] = {}
    for button in buttons:
        label = button.label.strip()
        if label.isdigit() and 0 < int(label) <= MAX_TYPED_NUMBER and int(label) not in taken:
            taken[int(label)] = button
    out: list[tuple[int, Button]] = []
    following = max(taken, default=0)
    for button in buttons:
        label = button.label.strip()
        if label.isdigit() and taken.get(int(label)) is button:
            out.append((int(label), button))
        else:
            following += 1
            out.append((following, button))
    return out


def menu_payloads(buttons: Sequence[Button]) -> list[str | None]:
    """Button payloads by typed number (index = number - 1; None where nothing is offered)."""
    pairs = numbered(buttons)
    menu: list[str | None] = [None] * max((n for n, _ in pairs), default=0)
    for number, button in pairs:
        menu[number - 1] = button.data
    return menu


def typed(text: str) -> tuple[Kind, str, str]:
    """What a typed message is: '/start 12345678' → (COMMAND, 'start', '12345678');
    '/tiendo@GopYBot' → (COMMAND, 'tiendo', ''); anything else → (TEXT, '', text)."""
    if not text.startswith("/"):
        return Kind.TEXT, "", text
    head, _, rest = text[1:].partition(" ")
    return Kind.COMMAND, head.split("@")[0], rest.strip()
