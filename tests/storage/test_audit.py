"""The audit log: who opened the round, imported the roster, submitted or reopened a cell."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from storage import audit, roster
from storage.audit import AuditAction
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ROSTER = Path(__file__).resolve().parents[2] / "content" / "sample_roster.csv"


async def entries(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    async with UnitOfWork(sessions, write=False) as uow:
        return [(e.action, e.actor) for e in reversed(await audit.recent(uow.session))]


async def test_round_roster_submission_and_reopening_are_recorded_with_who(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    async with UnitOfWork(sessions) as uow:
        await roster.import_roster(uow.session, ROSTER, now=clock.now())
        await uow.commit()
    secretary = Chat(engine, user_id="2002")
    await secretary.say("22223333")
    await secretary.command("tiendo")
    await secretary.tap("Chốt")
    await secretary.tap("Chốt và gửi Văn phòng")
    await secretary.command("tiendo")
    await secretary.tap("Mở lại")

    assert await entries(sessions) == [
        (AuditAction.ROUND_OPENED, audit.SHELL),
        (AuditAction.ROSTER_IMPORTED, audit.SHELL),
        (AuditAction.CELL_SUBMITTED, "Trần Thị Bình"),
        (AuditAction.CELL_REOPENED, "Trần Thị Bình"),
    ]


async def test_a_refused_submission_records_nothing(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
) -> None:
    member = Chat(engine, user_id="2001")
    await member.say("11112222")
    await member.press("s:fy")  # a member forging the secretary's submit button

    assert await entries(sessions) == [(AuditAction.ROUND_OPENED, audit.SHELL)]
