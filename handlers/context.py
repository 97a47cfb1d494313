"""What a handler gets: the event, the session, who sent it, and the current round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from handlers.conversation import ChannelCaps, Inbound
from storage.models import Consultation, Identity, Member


@dataclass(frozen=True)
class Limits:
    max_message_chars: int
    max_comment_chars: int


@dataclass
class Context:
    session: AsyncSession
    inbound: Inbound
    caps: ChannelCaps
    now: datetime
    tz: ZoneInfo
    limits: Limits
    identity: Identity | None = None
    consultation: Consultation | None = None
    web_base_url: str = ""  # the console's address, for sign-in links

    @property
    def member(self) -> Member:
        if self.identity is None:
            raise RuntimeError("handler for linked members reached by an unlinked account")
        return self.identity.member

    def local(self, moment: datetime) -> str:
        """A moment as members read it: '17:00 ngày 15/12/2026', local time."""
        t = moment.astimezone(self.tz)
        return strings.DATE_FORMAT.format(
            hour=t.hour, minute=t.minute, day=t.day, month=t.month, year=t.year
        )
