"""The Zalo inbox worker: a chat's events in order across workers, and an event the database
keeps refusing parked after a limit instead of holding its chat up for ever."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import StorageUnavailable
from bot.channels.zalo import inbox_worker
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.engine import ConversationEngine
from bot.inbox import Inbox
from content import strings
from storage.models import DeadLetter, Identity, OutboxMessage
from tests.conftest import Bloc
from tests.handlers.test_secretary import CODES
from tests.support.clock import FakeClock


def event(chat: str, message_id: str, text: str) -> tuple[str, str, str]:
    """(update key, chat, raw) as the webhook keeps a Zalo text event."""
    raw = {"event_name": "message.text.received",
           "message": {"from": {"id": chat, "display_name": "Đảng viên", "is_bot": False},
                       "chat": {"id": chat, "chat_type": "PRIVATE"},
                       "message_id": message_id, "date": 0, "text": text}}
    return f"zalo:{message_id}", chat, json.dumps(raw)


async def test_a_chats_later_event_waits_while_another_worker_holds_an_earlier_one(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    inbox = Inbox(sessions, clock)
    await inbox.keep([event("A", "1", "một"), event("B", "2", "hai"), event("A", "3", "ba")])
    [first] = await inbox.claim(1)  # worker 1 holds A's first event
    assert [kept.id for kept in await inbox.claim(10)] == [first.id + 1]  # worker 2: B's only
    assert await inbox.claim(10) == []
    await inbox.settle([first.id], [])  # worker 1 saved it: A's next is free
    [later] = await inbox.claim(10)
    assert later.id == first.id + 2 and later.attempts == 1


async def test_a_worker_that_died_holding_a_chat_lets_it_go_when_its_lease_ends(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    inbox = Inbox(sessions, clock)
    await inbox.keep([event("A", "1", "một"), event("A", "2", "hai")])
    [first] = await inbox.claim(1)
    assert await inbox.claim(10) == []
    clock.advance(inbox._lease * 2)
    assert [kept.id for kept in await inbox.claim(10)] == [first.id, first.id + 1]


async def test_an_event_the_database_keeps_refusing_is_parked_and_its_chat_goes_on(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inbox_worker, "MAX_ATTEMPTS", 3)
    handle = engine.handle

    async def refusing(inbound: Any, raw: str = "") -> Any:
        if inbound.update_key == "zalo:bad":
            raise StorageUnavailable(inbound.update_key)
        return await handle(inbound, raw)

    monkeypatch.setattr(engine, "handle", refusing)
    inbox = Inbox(sessions, clock)
    await inbox.keep([event("zA", "bad", "Ý kiến không lưu được"), event("zA", "a2", CODES["an"]),
                      event("zB", "b1", CODES["chi"])])
    channel = ZaloChannel(ZaloClient("1:test"), retry_delay=0.001)
    stop = asyncio.Event()
    worker = asyncio.create_task(inbox_worker.drain_inbox(channel, inbox, engine, stop,
                                                          retry_delay=0.001))
    try:
        for _ in range(400):
            if not await inbox.waiting():
                break
            await asyncio.sleep(0.01)
        assert await inbox.waiting() == 0
    finally:
        stop.set()
        await worker
    async with sessions() as s:
        [letter] = (await s.scalars(select(DeadLetter))).all()
        linked = set((await s.scalars(select(Identity.user_id))).all())
        to_a = [json.loads(r) if isinstance(r, str) else r for r in (await s.scalars(
            select(OutboxMessage.reply).where(OutboxMessage.chat_id == "zA")
            .order_by(OutboxMessage.id))).all()]
    assert (letter.update_key, letter.stage, letter.attempts) == ("zalo:bad", "handle", 3)
    assert "GaveUp" in letter.error
    assert linked == {"zA", "zB"}  # zA's later event was saved once the bad one was parked
    assert to_a[0]["text"] == strings.ERROR and "Đã xác nhận" in to_a[1]["text"]
