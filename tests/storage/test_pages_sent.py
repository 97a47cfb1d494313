"""The pages the bot sent, by message id: a chat keeps only its latest ones."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import pages_sent
from storage.models import SentPage
from storage.pages_sent import Shown
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.clock import FakeClock


async def test_a_chat_keeps_its_latest_pages_and_no_other_chat_loses_any(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    cid, first, second = bloc.consultation.id, bloc.section_ids[0], bloc.section_ids[1]
    async with UnitOfWork(sessions) as uow:
        await pages_sent.record_all(uow.session, [Shown("zalo", "other", "1", first, 1)],
                                    clock.now())
        # As the outbox sender marks them: bursts of several pages, one sent in two parts.
        burst: list[Shown] = []
        for n in range(1, pages_sent.KEEP + 6):
            ids = [str(n)] if n < pages_sent.KEEP + 5 else [str(n), f"{n}b"]
            burst += [Shown("telegram", "42", i, second, n) for i in ids]
            if len(burst) >= 7 or n == pages_sent.KEEP + 5:
                await pages_sent.record_all(uow.session, burst, clock.now())
                burst = []
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        kept = await s.scalar(select(func.count()).select_from(SentPage)
                              .where(SentPage.chat_id == "42"))
        oldest = await pages_sent.page_of(s, cid, "telegram", "42", "1")
        newest = await pages_sent.page_of(s, cid, "telegram", "42", f"{pages_sent.KEEP + 5}b")
        boundary = await pages_sent.page_of(s, cid, "telegram", "42", "7")
        gone = await pages_sent.page_of(s, cid, "telegram", "42", "6")
        other = await pages_sent.page_of(s, cid, "zalo", "other", "1")
    assert kept == pages_sent.KEEP
    assert oldest is None and gone is None
    assert newest is not None and newest[1] == pages_sent.KEEP + 5
    assert boundary is not None and boundary[1] == 7
    assert other is not None and other[0].id == first
