"""The Office overview's counters (kept by triggers) always equal a recount from the roster."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import progress, submissions
from storage.models import (
    Cell,
    CellSubmission,
    Comment,
    ConsultationProgress,
    Member,
    Organization,
    Progress,
    Role,
)
from storage.progress import Totals
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.clock import FakeClock

STEPS = 300


async def _check(sessions: async_sessionmaker[AsyncSession], consultation_id: int) -> None:
    async with UnitOfWork(sessions, write=False) as uow:
        counted = await progress.overview(uow.session, consultation_id)
        slow = await progress.recount(uow.session, consultation_id)
        totals = await progress.totals(uow.session, consultation_id)
        cells = list(await uow.session.scalars(select(CellSubmission)))
    assert counted == slow
    in_force = sum(1 for c in cells if c.consultation_id == consultation_id and not c.reopened_at)
    assert totals == Totals(
        cells=len(slow),
        cells_submitted=in_force,
        members=sum(row.total for row in slow),
        finished=sum(row.finished for row in slow),
        started=sum(row.started for row in slow),
    )


async def test_counters_equal_the_recount_after_a_random_mix_of_actions(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """Comments written, emptied and deleted, progress started, finished and undone, members
    added, moved between cells and removed, cells added and renamed, organizations renamed,
    cells submitted and reopened: after each unit of work the counters match."""
    rng = random.Random(14)
    cid, sections = bloc.consultation.id, bloc.section_ids[:6]
    async with UnitOfWork(sessions) as uow:
        extra = Cell(code="X1", name="Chi bộ thêm", organization_id=(
            await uow.session.scalar(select(Organization.id).limit(1))))
        uow.session.add(extra)
        await uow.commit()
    await _check(sessions, cid)
    serial = 0
    for step in range(STEPS):
        clock.advance(timedelta(minutes=1))
        now = clock.now()
        async with UnitOfWork(sessions) as uow:
            s = uow.session
            members = list(await s.scalars(select(Member).order_by(Member.id)))
            cells = list(await s.scalars(select(Cell).order_by(Cell.id)))
            member = rng.choice(members)
            action = rng.randrange(12)
            if action in (0, 1, 2):  # a comment on a section: new, or changed
                section_id = rng.choice(sections)
                comment = await s.scalar(select(Comment).where(
                    Comment.member_id == member.id, Comment.section_id == section_id))
                if comment is None:
                    s.add(Comment(consultation_id=cid, section_id=section_id,
                                  member_id=member.id, cell_id=member.cell_id,
                                  choice=rng.choice([None, "Nhất trí"]), text="",
                                  created_at=now, updated_at=now))
                else:
                    comment.choice, comment.updated_at = None, now  # emptied: still a row
            elif action == 3:  # a comment deleted
                await s.execute(delete(Comment).where(Comment.id.in_(
                    select(Comment.id).where(Comment.member_id == member.id).limit(1))))
            elif action in (4, 5):  # opened the draft, or finished
                row = await s.scalar(select(Progress).where(
                    Progress.member_id == member.id, Progress.consultation_id == cid))
                if row is None:
                    s.add(Progress(member_id=member.id, consultation_id=cid, section_position=1,
                                   page=1, started_at=now,
                                   finished_at=now if action == 5 else None))
                elif action == 5:
                    row.finished_at = None if row.finished_at else now
                else:
                    row.section_position += 1  # a move only: no figure changes
            elif action == 6:  # progress undone
                await s.execute(delete(Progress).where(Progress.member_id == member.id))
            elif action == 7:  # moved to another cell
                member.cell_id = rng.choice(cells).id
            elif action == 8:  # a new member; or one with nothing in the round removed
                serial += 1
                if rng.random() < 0.7:
                    s.add(Member(full_name=f"Mới {serial}", phone=f"07{serial:08d}",
                                 cell_id=rng.choice(cells).id, role=Role.MEMBER,
                                 access_code=f"{90000000 + serial}"))
                else:
                    idle = await s.scalar(select(Member.id).where(
                        ~Member.id.in_(select(Comment.member_id)),
                        ~Member.id.in_(select(Progress.member_id)),
                        ~Member.id.in_(select(CellSubmission.submitted_by))).limit(1))
                    if idle is not None:
                        await s.execute(delete(Member).where(Member.id == idle))
            elif action == 9:  # submitted, or reopened
                cell = rng.choice(cells)
                held = await submissions.submission_of(s, cid, cell.id)
                if held is not None and submissions.is_in_force(held):
                    await submissions.reopen(s, held, now)
                else:
                    await submissions.submit(s, cid, cell.id, member.id, now)
            elif action == 10:  # a cell renamed or moved to another organization; an org renamed
                cell = rng.choice(cells)
                cell.code = f"{cell.code.split('~')[0]}~{step}"
                await s.execute(update(Organization).where(
                    Organization.id == cell.organization_id).values(name=f"Tổ chức {step}"))
            else:  # a new cell
                serial += 1
                s.add(Cell(code=f"N{serial}", name=f"Chi bộ {serial}",
                           organization_id=cells[0].organization_id))
            await uow.commit()
        if step % 25 == 0 or step == STEPS - 1:
            await _check(sessions, cid)


async def test_rebuild_recounts_what_was_lost(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    cid = bloc.consultation.id
    async with UnitOfWork(sessions) as uow:
        member = bloc.members["an"]
        uow.session.add(Progress(member_id=member.id, consultation_id=cid, section_position=1,
                                 page=1, started_at=clock.now(), finished_at=clock.now()))
        await uow.commit()
    async with UnitOfWork(sessions) as uow:  # as if a bulk load had run with triggers off
        await uow.session.execute(update(ConsultationProgress).values(finished=0, members=0))
        await uow.commit()
    async with UnitOfWork(sessions) as uow:
        await progress.rebuild_counters(uow.session, cid)
        await uow.commit()
    await _check(sessions, cid)
    async with UnitOfWork(sessions, write=False) as uow:
        assert (await progress.totals(uow.session, cid)).finished == 1


async def test_one_organization_in_the_overview(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc
) -> None:
    cid = bloc.consultation.id
    async with UnitOfWork(sessions, write=False) as uow:
        every = await progress.overview(uow.session, cid)
        theirs = await progress.overview(uow.session, cid, organization="Đảng bộ Sở Giáo dục")
    assert theirs == [row for row in every if row.organization == "Đảng bộ Sở Giáo dục"]
    assert {row.cell_code for row in theirs} == {"GD1", "GD2"}
