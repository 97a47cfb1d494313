"""Reminders on a controllable clock: right people, right slots, never at night, never twice."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import bootstrap, reminder_commands
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.reminder_policy import PolicyError, due_slot, format_policy, parse_policy, slots
from bot.reminders import Reminders
from bot.scheduler import NEXT, ReminderScheduler
from bot.sender import UNPACED, PacedSender
from content import strings
from handlers.conversation import ChannelCaps
from storage import reminders as store
from storage.identities import find_identity, mark_unreachable
from storage.models import Consultation, ReminderSent, ReminderStatus
from storage.uow import UnitOfWork
from tests.conftest import DEADLINE, TZ, Bloc
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.reminding import (
    CHATS,
    RecordingChannel,
    finish,
    link_all,
    reminders_over,
    statuses,
    submit,
    unreachable_at,
)

SLOT_12 = datetime(2026, 12, 12, 8, 0, tzinfo=TZ)
SLOT_14 = datetime(2026, 12, 14, 8, 0, tzinfo=TZ)
SLOT_15 = datetime(2026, 12, 15, 8, 0, tzinfo=TZ)
EVERYONE = {CHATS[k] for k in ("an", "binh", "chi", "dung", "office")}


async def set_policy(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, text: str) -> None:
    async with UnitOfWork(sessions) as uow:
        await uow.session.execute(
            update(Consultation)
            .where(Consultation.id == bloc.consultation.id)
            .values(reminders=parse_policy(text))
        )
        await uow.commit()


# ---- the policy -------------------------------------------------------------


def test_default_slots_are_three_mornings_before_the_deadline() -> None:
    found = slots(DEADLINE, store_default(), TZ)
    assert [s.at for s in found] == [SLOT_12, SLOT_14, SLOT_15]
    assert [s.key for s in found] == ["2026-12-12T08:00", "2026-12-14T08:00", "2026-12-15T08:00"]


def store_default() -> list[dict[str, object]]:
    from storage.consultations import DEFAULT_REMINDERS

    return DEFAULT_REMINDERS


def test_quiet_hours_move_a_slot_to_seven_in_the_morning() -> None:
    found = slots(DEADLINE, parse_policy("2d@22:00,1d@05:30,0d@06:00,0d@18:00"), TZ)
    assert [s.at for s in found] == [
        datetime(2026, 12, 14, 7, 0, tzinfo=TZ),  # 22:00 on the 13th and 05:30 on the 14th
        datetime(2026, 12, 15, 7, 0, tzinfo=TZ),  # 06:00; 18:00 on the day is past 17:00
    ]


def test_a_late_start_sends_the_latest_missed_slot_only_and_nothing_at_night() -> None:
    found = slots(DEADLINE, store_default(), TZ)
    assert due_slot(found, SLOT_14 + timedelta(hours=2), DEADLINE, TZ) == found[1]
    assert due_slot(found, SLOT_12 - timedelta(minutes=1), DEADLINE, TZ) is None
    assert due_slot(found, datetime(2026, 12, 14, 22, 30, tzinfo=TZ), DEADLINE, TZ) is None
    assert due_slot(found, DEADLINE, DEADLINE, TZ) is None


def test_policy_text_round_trips_and_errors_say_what_to_type() -> None:
    assert format_policy(parse_policy(" 1d@8:00 , 3D@08:00")) == "3d@08:00,1d@08:00"
    assert parse_policy("none") == []
    with pytest.raises(PolicyError, match="3d@08:00"):
        parse_policy("3 ngày trước")
    with pytest.raises(PolicyError, match="giờ"):
        parse_policy("1d@25:00")


# ---- who gets what, when ---------------------------------------------------------


async def test_right_people_at_the_right_slots_and_never_twice(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    channel = RecordingChannel()
    reminders = reminders_over(sessions, clock, channel)
    assert await reminders.run_due() == []  # 1 December: nothing due

    clock.set(SLOT_12)
    [outcome] = await reminders.run_due()
    assert outcome.slot == "2026-12-12T08:00" and outcome.counts["sent"] == 5
    assert set(channel.chats()) == EVERYONE and len(channel.sent) == 5
    [to_an] = channel.to("an")
    assert "còn 23/23 mục" in to_an.text and "17:00 ngày 15/12/2026" in to_an.text
    assert [b.data for b in to_an.all_buttons()] == ["m:go"]
    [to_binh] = channel.to("binh")
    assert "Chi bộ Văn phòng Sở: 0/2 đồng chí đã hoàn thành, 2 chưa bắt đầu" in to_binh.text
    assert [b.label for b in to_binh.all_buttons()] == [
        strings.BTN_REMIND_CONTINUE,
        strings.BTN_REMIND_MISSING,
    ]
    assert [b.data for b in to_binh.all_buttons()] == ["m:go", "s:p:1"]

    clock.advance(timedelta(minutes=30))
    await reminders.run_due()
    assert len(channel.sent) == 5  # the same slot again: nothing more

    await finish(sessions, bloc, "an", clock.now())
    await submit(sessions, bloc, "dung", clock.now())
    clock.set(SLOT_14)
    await reminders.run_due()
    second = channel.chats()[5:]
    assert sorted(second) == sorted([CHATS["binh"], CHATS["office"]])
    assert "1/2 đồng chí đã hoàn thành" in channel.to("binh")[-1].text


async def test_a_late_start_catches_up_with_one_reminder_not_a_burst(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    channel = RecordingChannel()
    clock.set(SLOT_14 + timedelta(hours=3))  # the bot was down on the 12th and the 14th
    await reminders_over(sessions, clock, channel).run_due()
    assert len(channel.sent) == 5
    assert await statuses(sessions, "2026-12-12T08:00") == {}


async def test_a_slot_in_the_night_goes_at_seven(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    await set_policy(sessions, bloc, "1d@22:00")
    channel = RecordingChannel()
    reminders = reminders_over(sessions, clock, channel)
    clock.set(datetime(2026, 12, 14, 22, 0, tzinfo=TZ))
    assert await reminders.run_due() == []
    clock.set(datetime(2026, 12, 15, 6, 59, tzinfo=TZ))
    assert await reminders.run_due() == []
    clock.set(datetime(2026, 12, 15, 7, 0, tzinfo=TZ))
    [outcome] = await reminders.run_due()
    assert outcome.slot == "2026-12-15T07:00" and len(channel.sent) == 5


# ---- restarts ----------------------------------------------------------------------


async def test_restart_between_two_slots(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    channel = RecordingChannel()
    clock.set(SLOT_12)
    await reminders_over(sessions, clock, channel).run_due()
    clock.advance(timedelta(hours=1))
    await reminders_over(sessions, clock, channel).run_due()  # restarted: nothing again
    clock.set(SLOT_14 + timedelta(minutes=1))
    await reminders_over(sessions, clock, channel).run_due()
    assert sorted(channel.chats()) == sorted([*EVERYONE, *EVERYONE])


@pytest.mark.parametrize("crash", ["error", "cancel"])
async def test_restart_in_the_middle_of_a_slot(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, crash: str
) -> None:
    await link_all(sessions, bloc, clock.now())
    clock.set(SLOT_12)
    if crash == "error":  # the network goes after two messages
        failing = RecordingChannel(fail_after=2)
        [outcome] = await reminders_over(sessions, clock, failing).run_due()
        assert outcome.counts["failed"] == 3
    else:  # the process is stopped while the third message hangs
        failing = RecordingChannel(hang_after=2)
        task = asyncio.create_task(reminders_over(sessions, clock, failing).run_due())
        await asyncio.wait_for(failing.hanging.wait(), 5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert len(failing.sent) == 2

    fresh = RecordingChannel()
    clock.advance(timedelta(minutes=1))
    await reminders_over(sessions, clock, fresh).run_due()
    delivered = failing.chats() + fresh.chats()
    assert sorted(delivered) == sorted(EVERYONE)  # none twice, none skipped
    assert set((await statuses(sessions, "2026-12-12T08:00")).values()) == {ReminderStatus.SENT}


async def test_a_process_killed_mid_request_is_not_resent(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """The documented window: claimed, then the process died before recording the answer."""
    await link_all(sessions, bloc, clock.now())
    clock.set(SLOT_12)
    async with UnitOfWork(sessions) as uow:
        await store.plan(
            uow.session, bloc.consultation.id, "2026-12-12T08:00", ["telegram"], clock.now()
        )
        await uow.session.execute(
            update(ReminderSent)
            .where(ReminderSent.member_id == bloc.members["an"].id)
            .values(status=ReminderStatus.SENDING)
        )
        await uow.commit()
    channel = RecordingChannel()
    clock.advance(timedelta(minutes=15))
    await reminders_over(sessions, clock, channel).run_due()
    assert sorted(channel.chats()) == sorted(EVERYONE - {CHATS["an"]})
    assert (await statuses(sessions, "2026-12-12T08:00"))[
        bloc.members["an"].id
    ] == ReminderStatus.UNCONFIRMED


async def test_two_runs_at_once_send_each_reminder_once(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """`gopy remind` by hand while `gopy run` is sending the same slot."""
    await link_all(sessions, bloc, clock.now())
    channel = RecordingChannel()
    clock.set(SLOT_12)
    await asyncio.gather(*(reminders_over(sessions, clock, channel).run_due() for _ in range(3)))
    assert sorted(channel.chats()) == sorted(EVERYONE)


# ---- the deadline ------------------------------------------------------------------


async def test_the_deadline_closes_commenting_and_tells_the_office_once(
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    clock: FakeClock,
    engine: ConversationEngine,
) -> None:
    await link_all(sessions, bloc, clock.now())
    chi = Chat(engine, user_id=CHATS["chi"])
    await chi.press("m:p:1")
    await chi.tap("Nhất trí")  # Chí is mid-way
    await finish(sessions, bloc, "an", clock.now())
    channel = RecordingChannel()
    clock.set(DEADLINE + timedelta(minutes=1))
    [outcome] = await reminders_over(sessions, clock, channel).run_due()
    assert outcome.slot == store.DEADLINE_SLOT
    async with sessions() as session:
        consultation = await session.get(Consultation, bloc.consultation.id)
        assert consultation is not None and consultation.closed_at is not None
    assert sorted(channel.chats()) == sorted([CHATS["chi"], CHATS["office"]])
    [closing] = channel.to("chi")
    assert "Đã hết hạn góp ý" in closing.text and closing.document is None
    [summary] = channel.to("office")
    assert "Chi bộ đã chốt: 0/3" in summary.text and "Lượt góp ý: 1" in summary.text
    assert summary.document is not None and summary.document.filename.endswith(".csv")
    assert "Nhất trí" in summary.document.content.decode("utf-8-sig")

    await chi.press("m:p:2")
    await chi.tap("Nhất trí")
    assert "Đã hết hạn góp ý" in chi.text  # commenting is closed
    clock.advance(timedelta(hours=1))
    await reminders_over(sessions, clock, channel).run_due()
    assert len(channel.sent) == 2


async def test_deadline_notices_wait_for_the_morning(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    async with UnitOfWork(sessions) as uow:
        late = datetime(2026, 12, 15, 23, 0, tzinfo=TZ)
        await uow.session.execute(update(Consultation).values(deadline=late))
        await uow.commit()
    channel = RecordingChannel()
    clock.set(datetime(2026, 12, 15, 23, 5, tzinfo=TZ))
    reminders = reminders_over(sessions, clock, channel)
    assert await reminders.run_due() == [] and channel.sent == []
    assert await reminders.next_at() == datetime(2026, 12, 16, 7, 0, tzinfo=TZ)
    clock.set(datetime(2026, 12, 16, 7, 0, tzinfo=TZ))
    await reminders.run_due()
    assert channel.chats() == [CHATS["office"]]


# ---- the scheduler -----------------------------------------------------------------


def next_run(scheduler: ReminderScheduler) -> datetime | None:
    """When the scheduler's next tick is armed for, read off APScheduler's job."""
    job = scheduler._scheduler.get_job(NEXT)
    return job.trigger.run_date if job is not None else None


async def test_the_scheduler_runs_at_start_and_arms_the_next_slot(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    channel = RecordingChannel()
    clock.set(SLOT_12 + timedelta(hours=1))
    scheduler = ReminderScheduler(reminders_over(sessions, clock, channel), TZ)
    scheduler.start()  # the first tick runs at once: the missed 08:00 slot is caught up
    try:
        for _ in range(100):
            if next_run(scheduler) is not None:
                break
            await asyncio.sleep(0.02)
        assert len(channel.sent) == 5
        assert next_run(scheduler) == SLOT_14
        clock.set(SLOT_14)
        await scheduler.tick()
        assert len(channel.sent) == 10 and next_run(scheduler) == SLOT_15
    finally:
        await scheduler.shutdown()


# ---- the Office's commands -----------------------------------------------------------


async def test_dry_run_lists_who_and_sends_nothing(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, database_url: str
) -> None:
    await link_all(sessions, bloc, clock.now())
    await submit(sessions, bloc, "dung", clock.now())
    clock.set(SLOT_12)
    app = await bootstrap.build(Settings(database_url=database_url, _env_file=None), clock=clock)
    try:
        lines = await reminder_commands.remind(app, dry_run=True)
        shown = await reminder_commands.show(app)
    finally:
        await app.close()
    assert lines[0] == "Lần nhắc 2026-12-12T08:00: 3 người (chạy thử, chưa gửi):"
    assert (
        "  • Chi bộ Văn phòng Sở · Trần Thị Bình (chưa hoàn thành; bí thư: tiến độ chi bộ)" in lines
    )
    assert not any("Lê Minh Chí" in line for line in lines)  # his cell has submitted
    assert await statuses(sessions, "2026-12-12T08:00") == {}
    assert "  • 08:00 ngày 12/12/2026 (3 ngày trước hạn)" in shown


async def test_blocked_on_telegram_reached_on_zalo_with_a_numbered_menu(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now() - timedelta(days=1), channel="zalo")
    await link_all(sessions, bloc, clock.now())  # Telegram used last: tried first
    telegram = RecordingChannel(blocked={CHATS["an"]})
    zalo = RecordingChannel(name="zalo", caps=ChannelCaps(max_text=2000, buttons=False))

    async def mark(channel: str, chat_id: str) -> None:
        async with UnitOfWork(sessions) as uow:
            await mark_unreachable(uow.session, channel, chat_id, clock.now())
            await uow.commit()

    senders = {c.name: PacedSender(c, UNPACED, on_unreachable=mark) for c in (telegram, zalo)}
    clock.set(SLOT_12)
    await Reminders(sessions, senders, clock, TZ).run_due()
    assert [chat for chat, _ in zalo.sent] == [CHATS["an"]] and len(telegram.sent) == 4
    assert await unreachable_at(sessions, bloc.members["an"].id) is None
    async with sessions() as session:
        identity = await find_identity(session, "zalo", CHATS["an"])
        assert identity is not None and identity.last_menu == ["m:go"]
