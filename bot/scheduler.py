"""APScheduler in the bot's event loop, deciding nothing itself: each run asks the database.

There is no job store. The schedule is derived from the current consultation every
time — its deadline, its reminder policy, and ReminderSent for what already went —
so a restart, a changed deadline or a new draft needs nothing rebuilt: the interval
job (every minute, and once at start for catch-up) runs what is due, and a one-off
job is re-armed at the next slot or deadline so those start on the minute.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.leader import Leadership
from bot.reminders import Outcome, Reminders

log = logging.getLogger(__name__)

TICK = "reminders-tick"
NEXT = "reminders-next"


class ReminderScheduler:
    """Runs `Reminders.run_due` every minute and at the next moment something is due."""

    def __init__(
        self,
        reminders: Reminders,
        tz: ZoneInfo,
        *,
        every: timedelta = timedelta(minutes=1),
        leader: Leadership | None = None,
    ) -> None:
        self._reminders = reminders
        self._leader = leader
        self._every = every
        self._scheduler = AsyncIOScheduler(timezone=tz)
        self._current: asyncio.Future[list[Outcome]] | None = None

    def start(self) -> None:
        """Inside the running loop; the first run is now, to catch up on a missed slot."""
        self._scheduler.start()
        self._scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=self._every.total_seconds()),
            id=TICK,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

    async def tick(self) -> list[Outcome]:
        """One run: send what is due, then arm the one-off job for what comes next."""
        if self._leader is not None and not await self._leader.acquire():
            return []  # another worker holds the scheduler; ask again next tick
        try:
            outcomes = await self._reminders.run_due()
        except Exception:
            log.exception("reminder run failed; the next tick tries again")
            outcomes = []
        await self._arm_next()
        return outcomes

    async def shutdown(self, timeout: float = 30) -> None:
        """Stop starting sends, let those in flight be recorded, then stop the scheduler."""
        self._reminders.stop()
        current = self._current
        if current is not None and not current.done():
            done, _ = await asyncio.wait({current}, timeout=timeout)
            if not done:
                current.cancel()  # claimed rows go back to pending on the way out
                await asyncio.gather(current, return_exceptions=True)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._leader is not None:
            await self._leader.release()

    async def _job(self) -> None:
        if self._current is not None and not self._current.done():
            return  # a long fan-out is still running; it covers this tick
        self._current = asyncio.ensure_future(self.tick())
        # Shielded: APScheduler cancels job tasks on shutdown; we drain ours instead.
        await asyncio.shield(self._current)

    async def _arm_next(self) -> None:
        try:
            when = await self._reminders.next_at()
        except Exception:
            log.exception("could not work out the next reminder time")
            return
        if when is None:
            if self._scheduler.get_job(NEXT) is not None:
                self._scheduler.remove_job(NEXT)
            return
        self._scheduler.add_job(
            self._job,
            DateTrigger(run_date=when),
            id=NEXT,
            replace_existing=True,
            misfire_grace_time=None,
        )
