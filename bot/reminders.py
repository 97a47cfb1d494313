"""Reminding and closing at a moment in time: what the scheduler and `gopy remind` run.

Exactly once, as far as a messenger allows. A slot's recipients are fixed the first
time it runs, as 'pending' rows in ReminderSent (unique per consultation, slot and
member, so two runs or two processes cannot plan anyone twice). Each row is then
claimed — a conditional UPDATE pending → sending, committed — only when the channel's
sender has given the message its time slot, right before the request leaves; it is
marked 'sent' (or 'unreachable') as soon as the platform answers.

- A crash or restart before the claim: the row is still pending and the next run
  sends it. Nobody is skipped.
- A send that fails (network down, repeated 429): the row goes back to pending and
  is tried at the next tick. Nobody is skipped. The same when the run is cancelled;
  if that lands while a request is on the wire, that one may be sent twice, which is
  why `gopy run` stops by letting sends in flight finish (ReminderScheduler.shutdown).
- A row already claimed or settled is never sent again, by this or any process.
- The one window left: the process dies (power cut, kill -9) after the claim commit
  and before the 'sent' commit, i.e. while that one request is on the wire. Telegram
  has no idempotency key, so whether the member got it cannot be known. Such rows
  are marked 'unconfirmed' after LEASE and not resent: a reminder is at most once.
  At most the requests in flight at that instant — about rate × round trip, a
  handful — are affected, and the next slot reminds them anyway.
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChatUnreachable
from bot.clock import Clock
from bot.reminder_policy import Slot, due_slot, is_quiet, next_allowed, next_event, slots
from bot.sender import PacedSender
from content import strings
from handlers import notices
from handlers.conversation import Document, Reply, menu_payloads
from storage import progress
from storage import reminders as store
from storage.consultations import current_consultation, round_documents, section_count
from storage.documents import round_figures, unfinished_documents
from storage.exports import export_csv
from storage.identities import clear_unreachable, remember_menu
from storage.models import Consultation, ReminderStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than any send, 429 waits included
WORKERS = 64  # recipients in progress at once; the sender's pace decides the rate
MAX_FILE = 45 * 1024 * 1024  # Telegram takes up to 50 MB from a bot: zip anything bigger


class _Later(Exception):
    """Not now: quiet hours began, or another run holds the row."""


@dataclass
class Outcome:
    """What one run of one slot did."""

    slot: str
    planned: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # sent, unreachable, skipped, failed…


@dataclass(frozen=True)
class Preview:
    slot: str | None
    people: list[store.Due]
    next_at: datetime | None


class Reminders:
    """Reads what is due from the database each time, so a restart loses nothing."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, PacedSender],
        clock: Clock,
        tz: ZoneInfo,
        *,
        workers: int = WORKERS,
        lease: timedelta = LEASE,
    ) -> None:
        self._sessions = sessions
        self._channels = channels
        self._clock = clock
        self._tz = tz
        self._workers = workers
        self._lease = lease
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Start no new sends; those in flight finish and are recorded."""
        self._stop.set()

    async def run_due(self) -> list[Outcome]:
        """Close commenting at the deadline, then send the slot due now (if any)."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions) as uow:
            expired = await store.expire_claims(uow.session, now, self._lease)
            consultation = await current_consultation(uow.session)
            if (
                consultation is not None
                and now >= consultation.deadline
                and await store.close(uow.session, consultation, now)
            ):
                log.info("consultation %s closed at its deadline", consultation.id)
            await uow.commit()
        if expired:
            log.warning("%d reminders were being sent when a process died: not resent", expired)
        if consultation is None:
            return []
        slot = self.slot_due(consultation, now)
        if slot is None:
            return []
        return [await self._run_slot(consultation, slot, now)]

    def slot_due(self, consultation: Consultation, now: datetime) -> str | None:
        if is_quiet(now, self._tz):
            return None
        if now >= consultation.deadline or consultation.closed_at is not None:
            return store.DEADLINE_SLOT
        found = due_slot(self._slots(consultation), now, consultation.deadline, self._tz)
        return found.key if found else None

    async def next_at(self) -> datetime | None:
        """When something is next due: for the scheduler's one-off job."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions, write=False) as uow:
            consultation = await current_consultation(uow.session)
        if consultation is None:
            return None
        if now >= consultation.deadline:
            return next_allowed(now, self._tz) if is_quiet(now, self._tz) else None
        return next_event(self._slots(consultation), now, consultation.deadline, self._tz)

    async def preview(self) -> Preview:
        """Who would be written to now, without writing anything (`gopy remind --dry-run`)."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions, write=False) as uow:
            consultation = await current_consultation(uow.session)
            if consultation is None:
                return Preview(None, [], None)
            slot = self.slot_due(consultation, now)
            people: list[store.Due] = []
            if slot is not None:
                channels = list(self._channels) or None
                if await store.is_planned(uow.session, consultation.id, slot):
                    people, _ = await store.pending(uow.session, consultation.id, slot, channels)
                else:
                    people = await store.audience(uow.session, consultation.id, slot, channels)
        return Preview(slot, people, await self.next_at())

    def _slots(self, consultation: Consultation) -> list[Slot]:
        return slots(consultation.deadline, consultation.reminders, self._tz)

    # ---- one slot ---------------------------------------------------------

    async def _run_slot(self, consultation: Consultation, slot: str, now: datetime) -> Outcome:
        outcome = Outcome(slot)
        channels = list(self._channels)
        async with UnitOfWork(self._sessions) as uow:
            outcome.planned = await store.plan(uow.session, consultation.id, slot, channels, now)
            await uow.commit()
        async with UnitOfWork(self._sessions, write=False) as uow:
            due, stale = await store.pending(uow.session, consultation.id, slot, channels)
            replies = await self._compose(uow.session, consultation, slot, due) if due else []
        if stale:
            await self._settle(stale, ReminderStatus.SKIPPED)
            outcome.counts[ReminderStatus.SKIPPED] += len(stale)
        work = iter(zip(due, replies, strict=True))

        async def worker() -> None:
            for person, reply in work:  # one shared iterator: each person taken once
                if self._stop.is_set() or is_quiet(self._clock.now(), self._tz):
                    return
                outcome.counts[await self._deliver(person, reply)] += 1

        # A TaskGroup, not gather: when the run is stopped, it waits for every worker to
        # record what happened to its message before the run ends.
        async with asyncio.TaskGroup() as group:
            for _ in range(min(self._workers, len(due))):
                group.create_task(worker())
        log.info("slot %s: planned %d, %s", slot, outcome.planned, dict(outcome.counts))
        return outcome

    async def _compose(
        self, session: AsyncSession, consultation: Consultation, slot: str, due: list[store.Due]
    ) -> list[Reply]:
        if slot == store.DEADLINE_SLOT:
            totals = await progress.totals(session, consultation.id)
            comments, with_text = await store.comment_totals(session, consultation.id)
            summary = notices.summary_text(consultation, self._tz, totals, comments, with_text,
                                           await round_figures(session, consultation.round_id))
            csv = await self._csv(session, consultation) if any(d.duty for d in due) else None
            return [
                notices.deadline_notice(d, consultation, self._tz, summary=summary, csv=csv)
                for d in due
            ]
        sections = await section_count(session, consultation.id)
        answered = await store.answered_counts(session, consultation.id)
        cells = await store.cell_counts(session, consultation.id)
        several = len(await round_documents(session, consultation.round_id)) > 1
        left = (await unfinished_documents(session, consultation.round_id,
                                           [d.member_id for d in due if d.own])
                if several else {})
        return [
            notices.reminder(
                d,
                consultation,
                self._tz,
                sections=sections,
                answered=answered.get(d.member_id, 0),
                cell=cells.get(d.cell_id),
                documents=[document.name for document in left.get(d.member_id, ())],
            )
            for d in due
        ]

    async def _csv(self, session: AsyncSession, consultation: Consultation) -> Document:
        out = io.BytesIO()
        await export_csv(session, out, consultation.id, tz=self._tz)
        stamp = self._clock.now().astimezone(self._tz).strftime("%Y%m%d-%H%M")
        name = strings.DEADLINE_FILE.format(stamp=stamp)
        data = out.getvalue()
        if len(data) <= MAX_FILE:
            return Document(name, data)
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, data)
        return Document(name.removesuffix(".csv") + ".zip", packed.getvalue())

    async def _deliver(self, person: store.Due, reply: Reply) -> str:
        """Claim, send on the person's most recent chat (then the others), record the result."""
        claimed = False

        async def claim() -> None:
            nonlocal claimed
            if is_quiet(self._clock.now(), self._tz):
                raise _Later("quiet hours")
            attempt = asyncio.ensure_future(self._claim(person.row_id))
            try:
                taken = await asyncio.shield(attempt)
            except asyncio.CancelledError:
                claimed = await attempt  # stopped mid-commit: know the outcome to put it back
                raise
            if not taken:
                raise _Later("claimed by another run")
            claimed = True

        delivered = fell_back = False
        try:
            for channel, chat_id in person.chats:
                sender = self._channels.get(channel)
                if sender is None:
                    continue
                try:
                    await sender.send(chat_id, reply, on_turn=None if claimed else claim)
                except ChatUnreachable:
                    fell_back = True  # blocked there (and marked so): try their other chats
                    continue
                delivered = True
                menu = (channel, chat_id) if reply.buttons and not sender.caps.buttons else None
                await self._settle(
                    [person.row_id],
                    ReminderStatus.SENT,
                    menu=menu,
                    reply=reply,
                    reached=person.member_id if fell_back else None,
                )
                return ReminderStatus.SENT
        except _Later:
            return "later"
        except BaseException as error:
            if claimed:  # sent: record it even while stopping; not sent: back to pending
                status = ReminderStatus.SENT if delivered else ReminderStatus.PENDING
                await asyncio.shield(self._settle([person.row_id], status))
            if not isinstance(error, Exception):
                raise
            log.warning("reminder to member %s not sent: %s", person.member_id, type(error).__name__)
            return "failed"
        if not claimed:
            return "later"  # no configured channel reaches them now
        await self._settle([person.row_id], ReminderStatus.UNREACHABLE)
        return ReminderStatus.UNREACHABLE

    async def _claim(self, row_id: int) -> bool:
        async with UnitOfWork(self._sessions) as uow:
            taken = await store.claim(uow.session, row_id, self._clock.now())
            await uow.commit()
        return taken

    async def _settle(
        self,
        row_ids: list[int],
        status: str,
        *,
        menu: tuple[str, str] | None = None,
        reply: Reply | None = None,
        reached: int | None = None,
    ) -> None:
        async with UnitOfWork(self._sessions) as uow:
            await store.settle(uow.session, row_ids, status, self._clock.now())
            if reached is not None:
                await clear_unreachable(uow.session, reached)
            if menu is not None and reply is not None:
                await remember_menu(uow.session, menu[0], menu[1],
                                    menu_payloads(reply.all_buttons()))
            await uow.commit()
