"""The Office's reminder chores behind `gopy remind` and `gopy reminders`: lines to print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot import runner
from bot.bootstrap import App
from bot.reminder_policy import format_policy, parse_policy, slots
from content import strings
from handlers.notices import local
from storage import reminders as store
from storage.consultations import current_consultation, set_reminders


class CommandError(Exception):
    """Something the Office must fix before the command can run."""


def slot_lines(app: App, deadline: datetime, rules: Sequence[dict[str, Any]]) -> list[str]:
    """The policy and its slots in local time, as the Office reads them."""
    tz = app.settings.tz
    lines = [
        strings.CLI_REMIND_POLICY.format(
            policy=format_policy(rules), timezone=app.settings.timezone
        )
    ]
    found = slots(deadline, rules, tz)
    lines += [
        strings.CLI_REMIND_SLOT.format(when=local(s.at, tz), days=s.days_before) for s in found
    ]
    if not found:
        lines.append(strings.CLI_REMIND_NO_SLOT)
    lines.append(strings.CLI_REMIND_DEADLINE.format(when=local(deadline, tz)))
    return lines


async def show(app: App) -> list[str]:
    async with app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            raise CommandError(strings.CLI_NO_CONSULTATION)
        counts = await store.slot_counts(uow.session, consultation.id)
    lines = [
        strings.CLI_REMIND_ROUND.format(id=consultation.id, title=consultation.title),
        *slot_lines(app, consultation.deadline, consultation.reminders),
    ]
    done = {slot: c for slot, c in counts.items() if not slot.startswith("nudge:")}
    if done:
        lines.append(strings.CLI_REMIND_DONE_TITLE)
        lines += [
            strings.CLI_REMIND_DONE.format(slot=slot, detail=_detail(by_status))
            for slot, by_status in sorted(done.items())
        ]
    return lines


async def set_policy(app: App, text: str) -> list[str]:
    rules = parse_policy(text)
    async with app.uow() as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            raise CommandError(strings.CLI_NO_CONSULTATION)
        set_reminders(uow.session, consultation, rules, by=None, now=app.clock.now(), policy=text)
        await uow.commit()
    return [strings.CLI_REMIND_UPDATED, *slot_lines(app, consultation.deadline, rules)]


async def remind(app: App, *, dry_run: bool) -> list[str]:
    """Send what is due now through the configured messengers, or list it."""
    for channel in runner.messenger_channels(app.settings):
        app.add_channel(channel)
    if not app.channels and not dry_run:
        raise CommandError(strings.CLI_REMIND_NO_CHANNEL)
    reminders = app.reminders()
    if dry_run:
        preview = await reminders.preview()
        if preview.slot is None:
            after = (
                local(preview.next_at, app.settings.tz)
                if preview.next_at
                else strings.CLI_REMIND_NO_NEXT
            )
            return [strings.CLI_REMIND_NOTHING_DUE.format(next=after)]
        lines = [strings.CLI_REMIND_PREVIEW.format(slot=preview.slot, count=len(preview.people))]
        lines += [
            strings.CLI_REMIND_PREVIEW_LINE.format(
                cell=d.cell_name, name=d.full_name, why=_why(preview.slot, d)
            )
            for d in preview.people
        ]
        return lines
    outcomes = await reminders.run_due()
    if not outcomes:
        return [strings.CLI_REMIND_NOTHING_RUN]
    return [
        strings.CLI_REMIND_RESULT.format(
            slot=o.slot,
            planned=o.planned,
            detail=_detail(o.counts) or strings.CLI_REMIND_RESULT_EMPTY,
        )
        for o in outcomes
    ]


def _detail(by_status: Mapping[str, int]) -> str:
    return ", ".join(
        f"{strings.CLI_REMIND_STATUS.get(k, k)} {v}" for k, v in sorted(by_status.items())
    )


def _why(slot: str, due: store.Due) -> str:
    if slot == store.DEADLINE_SLOT:
        own, duty = strings.CLI_REMIND_WHY_MIDWAY, strings.CLI_REMIND_WHY_OFFICE
    else:
        own, duty = strings.CLI_REMIND_WHY_OWN, strings.CLI_REMIND_WHY_SECRETARY
    return "; ".join([own] * due.own + [duty] * due.duty)
