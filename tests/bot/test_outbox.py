"""The outbox: replies saved with the change that caused them, sent after, never lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.caps import ZALO_CAPS
from bot.clock import SystemClock
from bot.engine import ConversationEngine
from bot.outbox import Target, post
from bot.outbox_sender import Exports, OutboxSender
from content import strings
from handlers.conversation import Button, ChannelCaps, Notify, Reply
from storage.models import OutboxMessage, OutboxStatus
from tests.conftest import TZ, Bloc
from tests.support.chat import Chat
from tests.support.clock import FakeClock


class Recording:
    """A channel that shows what it was asked to send, and when; `slow` chats take a while."""

    def __init__(self, name: str = "zalo", caps: ChannelCaps = ZALO_CAPS,
                 slow: frozenset[str] = frozenset()) -> None:
        self.name, self.caps, self.slow = name, caps, slow
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id in self.slow:
            await asyncio.sleep(0.2)  # the platform's one message per second per chat, shortened
        self.sent.append((chat_id, reply))


def sender(channel: Recording, sessions: async_sessionmaker[AsyncSession],
           clock: FakeClock) -> OutboxSender:
    return OutboxSender(channel, sessions, clock, Exports(sessions, TZ), poll_every=0.05)


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list((await session.execute(
            select(OutboxMessage.status).order_by(OutboxMessage.id))).scalars())


async def test_a_notice_with_choices_is_answered_by_its_numbers(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    member = Chat(engine, user_id="z-an", channel="zalo")
    await member.say("11112222")
    await member.say("muc luc")  # leaves a numbered menu of its own
    zalo = Recording()
    nudge = Reply("Nhắc góp ý", buttons=((Button("Mục 7", "m:p:7"),),))
    async with sessions() as session:
        await post(session, Target("telegram", "someone"), [Notify(bloc.members["an"].id, nudge)],
                   {"zalo": ZALO_CAPS}, clock.now())
        await session.commit()

    await sender(zalo, sessions, clock).flush()
    await member.say("1")

    assert ("z-an", nudge) in zalo.sent
    assert member.text.startswith("Mục 7/23")


async def test_every_reply_the_engine_returns_is_sent_once_in_order(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    member = Chat(engine, user_id="z-an", channel="zalo")
    answers = [*await member.say("11112222"), *await member.say("muc luc")]
    zalo = Recording()
    outbox = sender(zalo, sessions, clock)

    assert await outbox.flush() == len(answers)
    assert await outbox.flush() == 0
    assert [reply.text for _, reply in zalo.sent] == [reply.text for reply in answers]
    assert set(await statuses(sessions)) == {OutboxStatus.SENT}


async def test_a_chat_with_ten_queued_replies_does_not_delay_another_member(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, bloc: Bloc,
) -> None:
    slow = Recording(slow=frozenset({"busy"}))
    async with sessions() as session:
        for n in range(10):
            await post(session, Target("zalo", "busy"), [Reply(f"tin {n}")], {}, clock.now())
        await post(session, Target("zalo", "other"), [Reply("Đã lưu ý kiến")], {}, clock.now())
        await session.commit()
    stop = asyncio.Event()
    outbox = sender(slow, sessions, clock)
    task = asyncio.create_task(outbox.run(stop))
    for _ in range(100):
        if any(chat == "other" for chat, _ in slow.sent):
            break
        await asyncio.sleep(0.02)
    busy_before = sum(1 for chat, _ in slow.sent if chat == "busy")
    stop.set()
    await task

    assert any(chat == "other" for chat, _ in slow.sent)
    assert busy_before <= 1  # the other member was answered while the busy chat still waited
    busy = [reply.text for chat, reply in slow.sent if chat == "busy"]
    assert busy == [f"tin {n}" for n in range(len(busy))]  # in order, whatever was sent


async def test_a_claimed_reply_whose_sender_died_goes_out_once_the_claim_runs_out(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, bloc: Bloc,
) -> None:
    async with sessions() as session:
        await post(session, Target("zalo", "z1"), [Reply("Đã lưu ý kiến")], {}, clock.now())
        await session.commit()
    dead = OutboxSender(Recording(), sessions, clock, Exports(sessions, TZ),
                        lease=timedelta(seconds=30))
    assert await dead._claim(10)  # taken, then the process is killed before sending
    survivor = Recording()

    assert await sender(survivor, sessions, clock).flush() == 0  # still owned by the dead one
    clock.advance(timedelta(seconds=31))
    assert await sender(survivor, sessions, clock).flush() == 1
    assert [reply.text for _, reply in survivor.sent] == ["Đã lưu ý kiến"]


async def test_a_failed_send_is_tried_again_later_keeping_the_chat_order(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, bloc: Bloc,
) -> None:
    class Flaky(Recording):
        failures = 1

        async def send(self, chat_id: str, reply: Reply) -> None:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("network down")
            await super().send(chat_id, reply)

    async with sessions() as session:
        for text in ("một", "hai"):
            await post(session, Target("zalo", "z1"), [Reply(text)], {}, clock.now())
        await session.commit()
    flaky = Flaky()
    outbox = sender(flaky, sessions, clock)
    stop = asyncio.Event()
    task = asyncio.create_task(outbox.run(stop))
    await asyncio.sleep(0.2)
    assert flaky.sent == []  # the first failed: the second waits behind it
    clock.advance(timedelta(minutes=5))
    for _ in range(100):
        if len(flaky.sent) == 2:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await task

    assert [reply.text for _, reply in flaky.sent] == ["một", "hai"]


async def test_slow_sends_longer_than_the_lease_go_out_once_each(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
) -> None:
    """A platform that answers slowly (retries, 429 pauses) must not make the sender take
    back rows it still holds and send them twice: it keeps renewing what it holds."""
    slow = Recording(slow=frozenset({"z1"}))
    async with sessions() as session:
        for n in range(4):
            await post(session, Target("zalo", "z1"), [Reply(f"tin {n}")], {}, SystemClock().now())
        await session.commit()
    outbox = OutboxSender(slow, sessions, SystemClock(), Exports(sessions, TZ),
                          lease=timedelta(seconds=0.3), poll_every=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(outbox.run(stop))
    for _ in range(200):
        if len(slow.sent) >= 4:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # time for a duplicate to show up, if there were one
    stop.set()
    await task

    assert [reply.text for _, reply in slow.sent] == [f"tin {n}" for n in range(4)]


async def test_a_reply_committed_after_a_failure_waits_behind_the_failed_one(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, bloc: Bloc,
) -> None:
    class FailsOnce(Recording):
        failed = False

        async def send(self, chat_id: str, reply: Reply) -> None:
            if reply.text == "một" and not self.failed:
                self.failed = True
                raise ConnectionError("network down")
            await super().send(chat_id, reply)

    channel = FailsOnce()
    outbox = sender(channel, sessions, clock)
    async with sessions() as session:
        for text in ("một", "hai"):
            await post(session, Target("zalo", "z1"), [Reply(text)], {}, clock.now())
        await session.commit()
    assert await outbox.flush() == 0  # "một" failed: both wait for its retry
    async with sessions() as session:
        await post(session, Target("zalo", "z1"), [Reply("ba")], {}, clock.now())
        await session.commit()
    assert await outbox.flush() == 0  # "ba" must not overtake them
    clock.advance(timedelta(minutes=10))

    assert await outbox.flush() == 3
    assert [reply.text for _, reply in channel.sent] == ["một", "hai", "ba"]


async def test_a_reply_with_a_file_is_two_messages_so_a_failed_file_never_repeats_the_text(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    class NoFiles(Recording):
        async def send(self, chat_id: str, reply: Reply) -> None:
            if reply.document is not None:
                raise ConnectionError("upload failed")
            await super().send(chat_id, reply)

    office = Chat(engine, user_id="z-office", channel="zalo")
    await office.say("55556666")
    await office.say("tong hop")
    await office.tap("CSV")
    channel = NoFiles()
    outbox = sender(channel, sessions, clock)
    await outbox.flush()
    clock.advance(timedelta(minutes=10))
    await outbox.flush()

    preparing = [r for _, r in channel.sent if r.text.startswith(strings.EXPORT_PREPARING[:20])]
    assert len(preparing) == 1


async def test_replies_handed_straight_to_a_running_sender_keep_a_failed_chats_order(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    """The engine hands a running sender its replies already taken; a chat whose earlier
    message waits for a retry gets them only after that one, never before."""

    class FailsFirst(Recording):
        failed = False

        async def send(self, chat_id: str, reply: Reply) -> None:
            if not self.failed:
                self.failed = True
                raise ConnectionError("network down")
            await super().send(chat_id, reply)

    channel = FailsFirst()
    outbox = sender(channel, sessions, clock)
    engine.attach(outbox)
    stop = asyncio.Event()
    task = asyncio.create_task(outbox.run(stop))
    await asyncio.sleep(0.05)
    member = Chat(engine, user_id="z-an", channel="zalo")
    first = await member.say("11112222")  # welcome: its first message fails
    await asyncio.sleep(0.2)
    second = await member.say("muc luc")
    await asyncio.sleep(0.2)
    assert channel.sent == []  # everything waits behind the failed welcome
    clock.advance(timedelta(minutes=10))
    expected = [r.text for r in [*first, *second]]
    for _ in range(200):
        if len(channel.sent) >= len(expected):
            break
        await asyncio.sleep(0.02)
    stop.set()
    await task

    assert [reply.text for _, reply in channel.sent] == expected
