"""Progress figures for a cell and for the bloc, against a database filled in a known pattern."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import progress, submissions
from storage.models import Cell, Member, Organization, Role
from storage.progress import Status
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support import fill
from tests.support.clock import FakeClock


async def known_pattern(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """an: finished, 2 answers (+1 emptied); binh: opened only; chi: one text, no progress."""
    m, cid, s = bloc.members, bloc.consultation.id, bloc.section_ids
    now = clock.now()
    async with UnitOfWork(sessions) as uow:
        fill.progress(uow.session, m["an"], cid, now, finished=True)
        fill.comment(uow.session, m["an"], s[0], cid, now, choice="Nhất trí")
        fill.comment(
            uow.session, m["an"], s[1], cid, now, choice="Không nhất trí", text="Sửa số liệu"
        )
        fill.comment(uow.session, m["an"], s[3], cid, now)  # chosen then cleared: not an answer
        fill.progress(uow.session, m["binh"], cid, now)
        fill.comment(uow.session, m["chi"], s[2], cid, now, text="Chỉ có ý kiến")
        await uow.commit()


async def test_cell_members_have_status_by_name(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await known_pattern(sessions, bloc, clock)
    cid = bloc.consultation.id
    async with sessions() as s:
        gd1 = await progress.cell_members(s, cid, bloc.members["an"].cell_id)
        gd2 = await progress.cell_members(s, cid, bloc.members["chi"].cell_id)
    assert [(m.full_name, m.status) for m in gd1] == [
        ("Nguyễn Văn An", Status.FINISHED),
        ("Trần Thị Bình", Status.STARTED),
    ]
    assert [(m.full_name, m.status) for m in gd2] == [
        ("Lê Minh Chí", Status.STARTED),  # a comment without progress still counts as started
        ("Phạm Văn Dũng", Status.NOT_STARTED),
    ]
    assert gd1[1].role is Role.SECRETARY
    assert not any(m.reachable for m in gd1 + gd2)  # nobody has linked a chat yet


async def test_cell_tallies_count_answers_and_spread(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await known_pattern(sessions, bloc, clock)
    s_ids = bloc.section_ids
    async with sessions() as s:
        tallies = await progress.cell_tallies(s, bloc.consultation.id, bloc.members["an"].cell_id)
        gd2 = await progress.cell_tallies(s, bloc.consultation.id, bloc.members["chi"].cell_id)
    assert set(tallies) == {s_ids[0], s_ids[1]}
    assert tallies[s_ids[0]].answered == 1 and tallies[s_ids[0]].choices == {"Nhất trí": 1}
    assert tallies[s_ids[1]].with_text == 1 and tallies[s_ids[1]].choices == {"Không nhất trí": 1}
    assert gd2[s_ids[2]].choices == {None: 1} and gd2[s_ids[2]].answered == 1


async def test_overview_puts_cells_needing_attention_first(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await known_pattern(sessions, bloc, clock)
    cid = bloc.consultation.id
    async with sessions() as s:
        rows = await progress.overview(s, cid)
        totals = await progress.totals(s, cid)
    assert [(r.cell_code, r.finished, r.total, r.started) for r in rows] == [
        ("VP", 0, 1, 0),  # ratio 0, organization "Cơ quan…" sorts before "Đảng bộ…"
        ("GD2", 0, 2, 1),
        ("GD1", 1, 2, 1),
    ]
    assert totals == progress.Totals(cells=3, cells_submitted=0, members=5, finished=1, started=2)

    async with UnitOfWork(sessions) as uow:
        await submissions.submit(
            uow.session, cid, bloc.members["chi"].cell_id, bloc.members["dung"].id, clock.now()
        )
        await uow.commit()
    async with sessions() as s:
        rows = await progress.overview(s, cid)
        totals = await progress.totals(s, cid)
        one = await progress.overview(s, cid, cell_code="GD2")
        paged = await progress.overview(s, cid, offset=1, limit=1)
    assert [r.cell_code for r in rows] == ["VP", "GD1", "GD2"]  # submitted goes last
    assert rows[-1].submitted_at == clock.now()
    assert totals.cells_submitted == 1
    assert [r.cell_code for r in one] == ["GD2"] and [r.cell_code for r in paged] == ["GD1"]


async def test_reopened_cell_is_not_submitted(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    cid, cell = bloc.consultation.id, bloc.members["an"].cell_id
    async with UnitOfWork(sessions) as uow:
        sub = await submissions.submit(uow.session, cid, cell, bloc.members["binh"].id, clock.now())
        await submissions.reopen(uow.session, sub, clock.now() + timedelta(minutes=5))
        await uow.commit()
    async with sessions() as s:
        assert not submissions.is_in_force(await submissions.submission_of(s, cid, cell))
        assert (await progress.totals(s, cid)).cells_submitted == 0
        assert all(r.submitted_at is None for r in await progress.overview(s, cid))


async def test_figures_on_a_larger_generated_bloc(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """3 organizations × 4 cells × 10 members; member i: i%4 = 0 finished, 1 opened,
    2 commented only, 3 nothing. Cell k (0-based) also has k extra finished members."""
    cid, now, s_ids = bloc.consultation.id, clock.now(), bloc.section_ids
    expected: dict[str, tuple[int, int, int]] = {}
    async with UnitOfWork(sessions) as uow:
        session = uow.session
        for o in range(3):
            org = Organization(name=f"Tổ chức {o}")
            session.add(org)
            await session.flush()
            for c in range(4):
                k = o * 4 + c
                cell = Cell(code=f"X{k:02d}", name=f"Chi bộ {k}", organization_id=org.id)
                session.add(cell)
                await session.flush()
                people = [
                    Member(
                        full_name=f"Đảng viên {k}-{i}",
                        phone=f"08{k:02d}{i:06d}",
                        cell_id=cell.id,
                        role=Role.MEMBER,
                        access_code=f"9{k:02d}{i:05d}",
                    )
                    for i in range(10 + k)
                ]
                session.add_all(people)
                await session.flush()
                for i, person in enumerate(people):
                    if i >= 10 or i % 4 == 0:
                        fill.progress(session, person, cid, now, finished=True)
                        fill.comment(session, person, s_ids[i % 23], cid, now, choice="Nhất trí")
                    elif i % 4 == 1:
                        fill.progress(session, person, cid, now)
                    elif i % 4 == 2:
                        fill.comment(session, person, s_ids[0], cid, now, text="ý kiến")
                expected[cell.code] = (10 + k, 3 + k, 5)  # total, finished, started-not-finished
        await uow.commit()
    async with sessions() as s:
        rows = {r.cell_code: r for r in await progress.overview(s, cid)}
        totals = await progress.totals(s, cid)
        order = [r.cell_code for r in await progress.overview(s, cid)]
    for code, (total, finished, started) in expected.items():
        assert (rows[code].total, rows[code].finished, rows[code].started) == (
            total,
            finished,
            started,
        )
    assert totals.members == 5 + sum(t for t, _, _ in expected.values())
    assert totals.finished == sum(f for _, f, _ in expected.values())
    assert totals.started == sum(s for _, _, s in expected.values())
    generated = [code for code in order if code.startswith("X")]
    ratios = [rows[c].finished / rows[c].total for c in generated]
    assert ratios == sorted(ratios)
