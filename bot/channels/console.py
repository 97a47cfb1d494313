"""A chat in the terminal, for trying the bot locally with no messenger at all."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

from bot.channels.render import render
from content import strings
from handlers.conversation import ChannelCaps, Inbound, Kind, Reply, typed
from storage.phones import normalize_phone

CONSOLE_USER = "local"
MEDIA_WORDS = {"[sticker]": "sticker", "[ảnh]": "photo", "[photo]": "photo", "[voice]": "voice"}


class ConsoleChannel:
    name = "console"
    caps = ChannelCaps(max_text=4096, buttons=False, contact=True)

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self._write = write
        self._awaiting_contact = False
        self._ids = itertools.count(1)

    async def send(self, chat_id: str, reply: Reply) -> None:
        self._awaiting_contact = reply.ask_contact
        self._write(render(reply))
        if reply.ask_contact:
            self._write(strings.TRIAL_CONTACT_HINT)
        self._write("")

    def to_inbound(self, line: str) -> Inbound | None:
        """A typed line as the event a messenger would have sent."""
        line = line.strip()
        if not line:
            return None
        common = {"channel": self.name, "user_id": CONSOLE_USER, "chat_id": CONSOLE_USER,
                  "message_id": str(next(self._ids))}
        if line.lower() in MEDIA_WORDS:
            return Inbound(kind=Kind.UNSUPPORTED, media=MEDIA_WORDS[line.lower()], **common)
        if self._awaiting_contact and normalize_phone(line):
            return Inbound(kind=Kind.CONTACT, contact_phone=line, contact_user_id=CONSOLE_USER,
                           **common)
        kind, command, text = typed(line)
        return Inbound(kind=kind, command=command, text=text, **common)

    async def read_line(self) -> str | None:
        try:
            return await asyncio.to_thread(input, strings.TRIAL_PROMPT)
        except EOFError:
            return None
