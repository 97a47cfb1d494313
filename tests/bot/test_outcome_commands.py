"""Telling members what became of their comments: each comment once, across restarts."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import bootstrap, outcome_commands
from bot.config import Settings
from bot.outbox import reply_from_json
from content import strings
from storage import grouping
from storage.consultations import list_sections
from storage.decisions import Outcome, decide
from storage.models import (
    Cell,
    Comment,
    CommentGroup,
    Identity,
    LinkedBy,
    OutboxMessage,
    OutcomeNotice,
)
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.clock import FakeClock
from tests.support.compile_bloc import add_comments

LINKED = 3  # commenting members with a Telegram chat; the others have none


async def decided_bloc(sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
                       clock: FakeClock) -> list[int]:
    """Comments grouped and every group decided; returns the linked members' ids."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        cells = list((await s.execute(select(Cell).order_by(Cell.id))).scalars())
        sections = await list_sections(s, bloc.consultation.id)
        truth = await add_comments(s, bloc.consultation.id, sections, cells, clock.now())
        await grouping.regroup(s, bloc.consultation.id, clock.now())
        for group in (await s.execute(select(CommentGroup))).scalars().all():
            await decide(s, group.id, Outcome.EXPLAINED, "Đã có trong mục tiêu chung.",
                         clock.now())
        members = sorted({m for m in (await s.execute(
            select(Comment.member_id).where(Comment.id.in_(list(truth))))).scalars()})[:LINKED]
        for n, member_id in enumerate(members):
            s.add(Identity(channel="telegram", user_id=str(9100 + n), chat_id=str(9100 + n),
                           member_id=member_id, linked_by=LinkedBy.CODE,
                           linked_at=clock.now(), last_seen_at=clock.now()))
        await uow.commit()
    return members


async def test_each_comment_is_told_once_even_after_a_restart(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, database_url: str,
) -> None:
    linked = await decided_bloc(sessions, bloc, clock)
    settings = Settings(database_url=database_url, log_level="WARNING", _env_file=None)

    app = await bootstrap.build(settings, clock=clock)
    try:
        preview = await outcome_commands.tell_members(app, dry_run=True)
        first = await outcome_commands.tell_members(app)
    finally:
        await app.close()
    app = await bootstrap.build(settings, clock=clock)  # a restart: nothing is told twice
    try:
        again = await outcome_commands.tell_members(app)
    finally:
        await app.close()

    async with sessions() as s:
        notices = (await s.execute(select(func.count()).select_from(OutcomeNotice))).scalar_one()
        rows = (await s.execute(select(OutboxMessage))).scalars().all()
    assert "3 người nhận" in preview[0]
    assert first == again
    assert {row.chat_id for row in rows} == {str(9100 + n) for n in range(LINKED)}
    assert {row.member_id for row in rows} == set(linked)
    texts = [reply_from_json(row.reply).text for row in rows]
    titles = (strings.OUTCOME_TITLE[:20], strings.OUTCOME_TITLE_MORE[:20])
    assert all(t.startswith(titles) for t in texts)
    assert all("Giải trình. Đã có trong mục tiêu chung." in t for t in texts)
    assert all(len(t) <= outcome_commands.MESSAGE_CHARS for t in texts)
    told, away = (int(x) for x in re.findall(r"\d+", first[0])[:2])
    assert told + away == notices and away > 0 and told > 0
