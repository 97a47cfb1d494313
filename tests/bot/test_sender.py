"""The outbound sender against a fake Telegram over real HTTP: flood limits, 429 and 403."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import bootstrap
from bot.bootstrap import App
from bot.channels.base import RetryLater
from bot.channels.caps import TELEGRAM_CAPS
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.outbox import Target, post
from bot.sender import TELEGRAM_PACE, Pace, PacedSender
from handlers.conversation import ChannelCaps, Inbound, Kind, Notify, Reply
from storage.models import Consultation, ReminderStatus
from tests.conftest import DEADLINE, Bloc
from tests.fakes.fixtures import bot_for
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.clock import FakeClock
from tests.support.reminding import CHATS, link_all, statuses, unreachable_at

SLOT_12 = DEADLINE.replace(day=12, hour=8)


@pytest.fixture
async def app(
    fake_telegram: FakeTelegramServer, database_url: str, bloc: Bloc, clock: FakeClock
) -> AsyncIterator[App]:
    """The bot as `gopy run` wires it, on the bloc's database, sending to the fake Telegram."""
    settings = Settings(
        database_url=database_url,
        telegram_bot_token=fake_telegram.token,
        telegram_api_url=fake_telegram.url,
        _env_file=None,
    )
    instance = await bootstrap.build(settings, clock=clock)
    instance.add_channel(TelegramChannel(bot_for(fake_telegram)))
    yield instance
    await instance.close()


async def test_a_fan_out_stays_inside_telegram_limits(fake_telegram: FakeTelegramServer) -> None:
    fake_telegram.rate_limit(per_second_global=30, per_chat_per_second=1)
    sender = PacedSender(TelegramChannel(bot_for(fake_telegram)), TELEGRAM_PACE)
    try:
        await asyncio.gather(*(sender.send(str(9000 + i), Reply(f"Nhắc {i}")) for i in range(40)))
    finally:
        await sender.close()
    assert len(fake_telegram.sent_messages()) == 40
    assert [c for c in fake_telegram.calls if c.error_code == 429] == []
    assert fake_telegram.violations == []


async def test_a_refused_message_is_sent_again_not_dropped(
    fake_telegram: FakeTelegramServer,
) -> None:
    fake_telegram.fail_next("sendMessage", 9001, retry_after=1)
    sender = PacedSender(TelegramChannel(bot_for(fake_telegram)), TELEGRAM_PACE)
    try:
        for n in range(4):  # a reply of several messages to one chat, in order
            await sender.send("9001", Reply(f"Phần {n}"))
    finally:
        await sender.close()
    assert [m["text"] for m in fake_telegram.sent_messages(9001)] == [f"Phần {n}" for n in range(4)]
    assert [c.error_code for c in fake_telegram.calls] == [429, None, None, None, None]


@dataclass
class Stamping:
    """A channel that notes when each message left, and refuses one with 429 first."""

    name: str = "telegram"
    caps: ChannelCaps = TelegramChannel.caps
    refuse: set[str] = field(default_factory=set)
    left: dict[str, float] = field(default_factory=dict)
    refused_at: float = 0.0

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id in self.refuse:
            self.refuse.discard(chat_id)
            self.refused_at = time.monotonic()
            raise RetryLater(1)
        self.left[chat_id] = time.monotonic()


async def test_a_429_pauses_the_whole_channel_for_retry_after() -> None:
    inner = Stamping(refuse={"a"})
    sender = PacedSender(inner, Pace(per_second=30, per_chat_per_second=1))
    await asyncio.gather(
        sender.send("a", Reply("1")), sender.send("b", Reply("2")), sender.send("c", Reply("3"))
    )
    assert set(inner.left) == {"a", "b", "c"}
    # Lower bounds only: nothing left the channel during the second Telegram asked for.
    assert min(inner.left.values()) >= inner.refused_at + 1


async def test_a_blocked_member_is_marked_unreachable_once(
    app: App,
    fake_telegram: FakeTelegramServer,
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    clock: FakeClock,
) -> None:
    await link_all(sessions, bloc, clock.now())
    chi = bloc.members["chi"]
    fake_telegram.block_user(int(CHATS["chi"]))
    async with app.uow() as uow:
        await post(uow.session, Target("telegram", CHATS["an"]),
                   [Notify(chi.id, Reply("Xin chào"))], {"telegram": TELEGRAM_CAPS}, clock.now())
        await uow.commit()
    assert await app.outboxes["telegram"].flush() == 1  # taken off the outbox, not retried
    assert await app.outboxes["telegram"].flush() == 0
    assert [
        c.error_code for c in fake_telegram.calls if c.params.get("chat_id") == int(CHATS["chi"])
    ] == [403]
    assert await unreachable_at(sessions, chi.id) == clock.now()

    fake_telegram.unblock_user(int(CHATS["chi"]))  # they unblocked the bot and wrote again
    await app.engine.handle(
        Inbound(
            channel="telegram",
            user_id=CHATS["chi"],
            chat_id=CHATS["chi"],
            kind=Kind.COMMAND,
            command="help",
            update_key="telegram:1",
        )
    )
    assert await unreachable_at(sessions, chi.id) is None


async def test_reminders_and_the_deadline_through_telegram_with_429_and_403(
    app: App,
    fake_telegram: FakeTelegramServer,
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    clock: FakeClock,
) -> None:
    await link_all(sessions, bloc, clock.now())
    fake_telegram.rate_limit(per_second_global=30, per_chat_per_second=1)
    fake_telegram.fail_next("sendMessage", error_code=429, retry_after=1, times=2)
    fake_telegram.block_user(int(CHATS["chi"]))
    clock.set(SLOT_12)

    [outcome] = await app.reminders().run_due()
    assert outcome.counts == {"sent": 4, "unreachable": 1}
    for key in ("an", "binh", "dung", "office"):
        [message] = fake_telegram.sent_messages(int(CHATS[key]))  # exactly once each
        assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "m:go"
    assert fake_telegram.sent_messages(int(CHATS["chi"])) == []
    assert await unreachable_at(sessions, bloc.members["chi"].id) is not None
    assert (await statuses(sessions, "2026-12-12T08:00"))[
        bloc.members["chi"].id
    ] == ReminderStatus.UNREACHABLE
    assert sum(c.error_code == 429 for c in fake_telegram.calls) == 2
    progress = await app.engine.handle(
        Inbound(  # the secretary opens "who is missing"
            channel="telegram",
            user_id=CHATS["dung"],
            chat_id=CHATS["dung"],
            kind=Kind.BUTTON,
            data="s:p:1",
            update_key="telegram:1",
        )
    )
    assert "Lê Minh Chí (không liên lạc được)" in "\n".join(
        r.text for r in progress if isinstance(r, Reply)
    )

    clock.set(DEADLINE + timedelta(minutes=1))
    await app.reminders().run_due()
    await app.reminders().run_due()
    [document] = fake_telegram.documents(int(CHATS["office"]))
    filename, content = document.files["document"]
    assert filename.endswith(".csv") and content.startswith(b"\xef\xbb\xbf")
    assert "Tổng hợp khi hết hạn góp ý" in (fake_telegram.last_text(int(CHATS["office"])) or "")
    async with sessions() as session:
        closed = await session.get(Consultation, bloc.consultation.id)
        assert closed is not None and closed.closed_at is not None
    assert fake_telegram.violations == []
