"""A scripted person talking to the engine directly, collecting what it answers (no network)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.engine import ConversationEngine
from bot.outbox_sender import Exports
from handlers.conversation import Document, Inbound, Kind, Notify, Outgoing, Reply

_updates = itertools.count(1)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Chat:
    engine: ConversationEngine
    user_id: str = "1001"
    channel: str = "telegram"
    replies: list[Reply] = field(default_factory=list)  # the last answer
    notices: list[Notify] = field(default_factory=list)
    _messages: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def _send(self, kind: Kind, *, update_key: str | None = None, **fields: str) -> list[Reply]:
        inbound = Inbound(
            channel=self.channel,
            user_id=self.user_id,
            chat_id=self.user_id,
            kind=kind,
            update_key=update_key if update_key is not None else f"{self.channel}:{next(_updates)}",
            **fields,
        )
        out: list[Outgoing] = await self.engine.handle(inbound)
        self.replies = [o for o in out if isinstance(o, Reply)]
        self.notices = [o for o in out if isinstance(o, Notify)]
        return self.replies

    async def say(self, text: str, *, update_key: str | None = None) -> list[Reply]:
        return await self._send(
            Kind.TEXT, text=text, message_id=str(next(self._messages)), update_key=update_key
        )

    async def reply(self, text: str, to: str, quote: str = "") -> list[Reply]:
        """Text sent as a reply to message `to` of the chat, quoting part of it if asked."""
        return await self._send(Kind.TEXT, text=text, message_id=str(next(self._messages)),
                                reply_to_message_id=to, quote=quote)

    async def edit(self, message_id: int, text: str) -> list[Reply]:
        return await self._send(Kind.EDITED_TEXT, text=text, message_id=str(message_id))

    async def command(self, name: str, arg: str = "") -> list[Reply]:
        return await self._send(Kind.COMMAND, command=name, text=arg)

    async def contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        owner = self.user_id if own else "999999"
        return await self._send(Kind.CONTACT, contact_phone=phone, contact_user_id=owner)

    async def sticker(self) -> list[Reply]:
        return await self._send(Kind.UNSUPPORTED, media="sticker")

    async def press(self, data: str) -> list[Reply]:
        """Send raw button data, as a forged or stale button would."""
        return await self._send(Kind.BUTTON, data=data)

    async def tap(self, label: str) -> list[Reply]:
        """Tap the button whose label contains `label` in the last answer."""
        for reply in reversed(self.replies):
            for button in reply.all_buttons():
                if label in button.label:
                    return await self.press(button.data)
        shown = [b.label for r in self.replies for b in r.all_buttons()]
        raise AssertionError(f"no button {label!r} among {shown}")

    async def document(self) -> Document:
        """The file the last answer offers, built as delivery would build it."""
        [request] = [r.export for r in self.replies if r.export is not None]
        built = await Exports(self.engine._factory, TZ).build(request)
        assert built.document is not None
        return built.document

    @property
    def text(self) -> str:
        return "\n---\n".join(r.text for r in self.replies)

    def labels(self) -> list[str]:
        return [b.label for r in self.replies for b in r.all_buttons()]
