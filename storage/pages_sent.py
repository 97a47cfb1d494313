"""Which section page each message the bot sent shows: a reply to it is about that page.

Only a chat's latest KEEP pages are kept. Members swipe-reply to what is on their screen,
not to a page sent hundreds of messages ago, and a reply to a forgotten page is still saved
(on the open section, saying so). Kept per chat rather than cleared when a round ends, the
table stays bounded by the number of chats whatever becomes of rounds and documents, with
no job to run: every write trims its own chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for
from storage.models import Consultation, Section, SentPage

KEEP = 200  # a round read through is about a hundred pages (23 sections on Zalo's short pages)


@dataclass(frozen=True)
class Shown:
    """One sent message and the page it shows."""

    channel: str
    chat_id: str
    message_id: str
    section_id: int
    page: int


async def record_all(session: AsyncSession, shown: Sequence[Shown], now: datetime) -> None:
    """Remember the page each sent message shows, in one statement (the sender marks a
    burst at once); an id seen again (a resend) keeps its first page. Each chat keeps its
    latest KEEP pages: the table is bounded by the chats, with no job to prune it."""
    if not shown:
        return
    await session.execute(
        insert_for(session, SentPage)
        .values([{"channel": s.channel, "chat_id": s.chat_id, "message_id": s.message_id,
                  "section_id": s.section_id, "page": s.page, "sent_at": now}
                 for s in shown])
        .on_conflict_do_nothing(index_elements=["channel", "chat_id", "message_id"]))
    for channel, chat_id in dict.fromkeys((s.channel, s.chat_id) for s in shown):
        chat = (SentPage.channel == channel, SentPage.chat_id == chat_id)
        oldest_kept = (select(SentPage.id).where(*chat).order_by(SentPage.id.desc())
                       .offset(KEEP - 1).limit(1).scalar_subquery())
        await session.execute(delete(SentPage).where(*chat, SentPage.id < oldest_kept))


async def page_of(
    session: AsyncSession, round_id: int, channel: str, chat_id: str, message_id: str
) -> tuple[Section, int] | None:
    """The section (of a document of this round) and page a message of ours in this chat
    showed."""
    documents = select(Consultation.id).where(Consultation.round_id == round_id)
    row = (await session.execute(
        select(Section, SentPage.page)
        .join(SentPage, SentPage.section_id == Section.id)
        .where(SentPage.channel == channel, SentPage.chat_id == chat_id,
               SentPage.message_id == message_id, Section.consultation_id.in_(documents))
    )).first()
    return (row[0], int(row[1])) if row is not None else None
