"""Shared fixtures: a real, migrated database per test, a fake clock, a ready engine."""


from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.engine import ConversationEngine
from content.draft_parser import parse_draft
from handlers.context import Limits
from storage.consultations import create_consultation, list_sections
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Cell, Consultation, Member, Organization, Role
from storage.uow import UnitOfWork
from tests.support.clock import FakeClock

pytest_plugins = ["tests.fakes.fixtures", "tests.fakes.zalo_fixtures"]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent
SEED_DRAFT = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
ZALO_CAPS = ZaloChannel.caps
START = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
DEADLINE = datetime(2026, 12, 15, 17, 0, tzinfo=TZ)


POSTGRES_URL = os.environ.get("GOPY_TEST_DATABASE_URL", "")


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """An empty database for this test: a SQLite file in its temp dir, or, when
    GOPY_TEST_DATABASE_URL names a PostgreSQL, that database with its schema wiped."""
    if not POSTGRES_URL:
        return f"sqlite+aiosqlite:///{tmp_path / 'gopy.db'}"
    engine = create_engine(POSTGRES_URL)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        await conn.exec_driver_sql("CREATE SCHEMA public")
    await engine.dispose()
    return POSTGRES_URL


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(db)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def engine(sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> ConversationEngine:
    return ConversationEngine(
        sessions,
        clock=clock,
        tz=TZ,
        limits=Limits(max_message_chars=4000, max_comment_chars=12000),
        caps={"telegram": TelegramChannel.caps, "console": ConsoleChannel.caps, "zalo": ZALO_CAPS},
    )


@dataclass
class Bloc:
    """A small known roster: two organizations, three cells, a few members."""

    consultation: Consultation
    members: dict[str, Member]  # by short name: "an", "binh", "chi", "dung", "office"
    section_ids: list[int]  # in reading order


@pytest.fixture
async def bloc(sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> Bloc:
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        org1, org2 = Organization(name="Đảng bộ Sở Giáo dục"), Organization(name="Cơ quan Đảng ủy Khối")
        s.add_all([org1, org2])
        await s.flush()
        cells = {
            "GD1": Cell(code="GD1", name="Chi bộ Văn phòng Sở", organization_id=org1.id),
            "GD2": Cell(code="GD2", name="Chi bộ Phòng Tổ chức", organization_id=org1.id),
            "VP": Cell(code="VP", name="Văn phòng Đảng ủy Khối", organization_id=org2.id),
        }
        s.add_all(cells.values())
        await s.flush()
        people = {
            "an": ("Nguyễn Văn An", "0912345678", "GD1", Role.MEMBER, "11112222"),
            "binh": ("Trần Thị Bình", "0912345679", "GD1", Role.SECRETARY, "22223333"),
            "chi": ("Lê Minh Chí", "0987654321", "GD2", Role.MEMBER, "33334444"),
            "dung": ("Phạm Văn Dũng", "0987654322", "GD2", Role.SECRETARY, "44445555"),
            "office": ("Võ Thị Hoa", "0909000111", "VP", Role.OFFICE, "55556666"),
        }
        members = {}
        for key, (name, phone, cell, role, code) in people.items():
            members[key] = Member(
                full_name=name, phone=phone, cell_id=cells[cell].id, role=role, access_code=code
            )
        s.add_all(members.values())
        parsed = parse_draft(SEED_DRAFT.read_text(encoding="utf-8"))
        consultation = await create_consultation(
            s, parsed, title="Dự thảo Báo cáo chính trị (lần 4)", deadline=DEADLINE, now=clock.now()
        )
        section_ids = [s.id for s in await list_sections(uow.session, consultation.id)]
        await uow.commit()
    return Bloc(consultation=consultation, members=members, section_ids=section_ids)


@pytest.fixture
def later(clock: FakeClock):  # type: ignore[no-untyped-def]
    """Move the fake clock: later(hours=2)."""

    def advance(**delta: float) -> None:
        clock.advance(timedelta(**delta))

    return advance
