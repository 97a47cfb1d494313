"""What every messenger adapter offers the rest of the bot."""

from __future__ import annotations

from typing import Protocol

from handlers.conversation import ChannelCaps, Reply


class Channel(Protocol):
    """Translates between a platform and our Inbound/Reply; holds no rules of its own."""

    name: str
    caps: ChannelCaps

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Show one reply in a chat.

        Raises ChatUnreachable if the person blocked the bot, and RetryLater when the
        platform asks to slow down: the channel's sender (bot/sender.py) waits it out.
        """
        ...


class ChatUnreachable(Exception):
    """The person blocked the bot or deleted their account: stop trying."""


class RetryLater(Exception):
    """The platform refused for flooding and says when to try again; nothing was shown."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class StorageUnavailable(Exception):
    """The database could not save the event: do not acknowledge it; the platform will resend."""
