"""What every messenger adapter offers the rest of the bot."""

from __future__ import annotations

from typing import Protocol

from bot.conversation import ChannelCaps, Reply


class Channel(Protocol):
    """Translates between a platform and our Inbound/Reply; holds no rules of its own."""

    name: str
    caps: ChannelCaps

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Show one reply in a chat (raises ChatUnreachable if the person blocked the bot)."""
        ...


class ChatUnreachable(Exception):
    """The person blocked the bot or deleted their account: stop trying."""
