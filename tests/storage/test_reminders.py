"""Who a reminder slot is for, and the claim rows that make each one go out once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reminders as store
from storage.identities import mark_unreachable
from storage.models import ReminderStatus
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support import fill
from tests.support.clock import FakeClock
from tests.support.reminding import CHATS, finish, link_all, statuses, submit

SLOT = "2026-12-12T08:00"
ALL = ["an", "binh", "chi", "dung", "office"]


async def audience(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, slot: str = SLOT
) -> dict[str, tuple[bool, bool]]:
    """{short name: (own, duty)} of who the slot is for now."""
    names = {m.id: key for key, m in bloc.members.items()}
    async with sessions() as session:
        due = await store.audience(session, bloc.consultation.id, slot, ["telegram"])
    return {names[d.member_id]: (d.own, d.duty) for d in due}


async def test_everyone_unfinished_and_the_secretaries_with_their_cells(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    assert await audience(sessions, bloc) == {
        "an": (True, False),
        "binh": (True, True),
        "chi": (True, False),
        "dung": (True, True),
        "office": (True, False),
    }


async def test_finished_members_and_submitted_cells_get_nothing(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    await finish(sessions, bloc, "an", clock.now())
    await finish(sessions, bloc, "binh", clock.now())
    await submit(sessions, bloc, "dung", clock.now())
    # Bình finished but her cell has not submitted: she still hears about the cell.
    assert await audience(sessions, bloc) == {"binh": (False, True), "office": (True, False)}


async def test_unlinked_and_unreachable_members_are_left_out(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now(), skip=("an",))
    async with UnitOfWork(sessions) as uow:
        assert await mark_unreachable(uow.session, "telegram", CHATS["chi"], clock.now()) == 1
        await uow.commit()
    assert set(await audience(sessions, bloc)) == {"binh", "dung", "office"}


async def test_at_the_deadline_the_midway_members_and_the_office(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    await finish(sessions, bloc, "an", clock.now(), finished=False)  # started, not finished
    await finish(sessions, bloc, "chi", clock.now())
    assert await audience(sessions, bloc, store.DEADLINE_SLOT) == {
        "an": (True, False),
        "office": (False, True),
    }


async def test_a_plan_fixes_the_recipients_once(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now(), skip=("an",))
    async with UnitOfWork(sessions) as uow:
        assert (
            await store.plan(uow.session, bloc.consultation.id, SLOT, ["telegram"], clock.now())
            == 4
        )
        await uow.commit()
    await link_all(sessions, bloc, clock.now(), channel="zalo")  # An links later: not added
    async with UnitOfWork(sessions) as uow:
        assert await store.plan(uow.session, bloc.consultation.id, SLOT, None, clock.now()) == 0
        await uow.commit()
    assert set((await statuses(sessions, SLOT)).values()) == {ReminderStatus.PENDING}
    assert bloc.members["an"].id not in await statuses(sessions, SLOT)


async def test_pending_rows_carry_chats_and_drop_who_no_longer_needs_it(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    async with UnitOfWork(sessions) as uow:
        await store.plan(uow.session, bloc.consultation.id, SLOT, ["telegram"], clock.now())
        await uow.commit()
    await finish(sessions, bloc, "an", clock.now())  # finished after the plan, before the send
    async with sessions() as session:
        due, stale = await store.pending(session, bloc.consultation.id, SLOT, ["telegram"])
    by_id = {d.member_id: d for d in due}
    assert bloc.members["an"].id not in by_id and len(stale) == 1
    assert by_id[bloc.members["chi"].id].chats == (("telegram", CHATS["chi"]),)


async def test_a_row_is_claimed_once_and_a_dead_claim_is_never_resent(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    async with UnitOfWork(sessions) as uow:
        await store.plan(uow.session, bloc.consultation.id, SLOT, ["telegram"], clock.now())
        due, _ = await store.pending(uow.session, bloc.consultation.id, SLOT, ["telegram"])
        row = due[0].row_id
        assert await store.claim(uow.session, row, clock.now())
        assert not await store.claim(uow.session, row, clock.now())  # a second run backs off
        await uow.commit()
    async with UnitOfWork(sessions) as uow:
        assert (
            await store.expire_claims(
                uow.session, clock.now() + timedelta(minutes=5), timedelta(minutes=10)
            )
            == 0
        )
        assert (
            await store.expire_claims(
                uow.session, clock.now() + timedelta(minutes=11), timedelta(minutes=10)
            )
            == 1
        )
        remaining, _ = await store.pending(uow.session, bloc.consultation.id, SLOT, ["telegram"])
        await uow.commit()
    assert row not in {d.row_id for d in remaining} and len(remaining) == 4
    assert ReminderStatus.UNCONFIRMED in (await statuses(sessions, SLOT)).values()


async def test_cell_counts_for_the_secretary_line(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await link_all(sessions, bloc, clock.now())
    await finish(sessions, bloc, "an", clock.now())
    async with UnitOfWork(sessions) as uow:
        fill.comment(
            uow.session,
            bloc.members["chi"],
            bloc.section_ids[0],
            bloc.consultation.id,
            clock.now(),
            choice="Nhất trí",
        )
        await mark_unreachable(uow.session, "telegram", CHATS["dung"], clock.now())
        await uow.commit()
    async with sessions() as session:
        counts = await store.cell_counts(session, bloc.consultation.id)
        answered = await store.answered_counts(session, bloc.consultation.id)
    gd1, gd2 = bloc.members["an"].cell_id, bloc.members["chi"].cell_id
    assert counts[gd1] == store.CellCount(finished=1, total=2, not_started=1, unreachable=0)
    assert counts[gd2] == store.CellCount(finished=0, total=2, not_started=1, unreachable=1)
    assert answered == {bloc.members["chi"].id: 1}
