"""What the bot says unprompted: reminders before the deadline and the notices at it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from content import strings
from handlers.actions import ProgressPage, Resume
from handlers.cell_views import round_lines
from handlers.conversation import Button, Document, Reply
from storage.documents import RoundFigures
from storage.models import Consultation
from storage.progress import Totals
from storage.reminders import CellCount, Due


def local(moment: datetime, tz: ZoneInfo) -> str:
    t = moment.astimezone(tz)
    return strings.DATE_FORMAT.format(
        hour=t.hour, minute=t.minute, day=t.day, month=t.month, year=t.year
    )


def reminder(
    due: Due,
    consultation: Consultation,
    tz: ZoneInfo,
    *,
    sections: int,
    answered: int,
    cell: CellCount | None,
    documents: Sequence[str] = (),
) -> Reply:
    """One message per person per slot: their own sections left (or, in a round of several
    documents, the documents they have not finished) and, for a secretary, the cell."""
    lines = [strings.REMIND_GREETING.format(name=due.full_name)]
    buttons: list[tuple[Button, ...]] = []
    if due.own and documents:
        names = "\n".join(strings.REMIND_DOCUMENT.format(name=name) for name in documents)
        lines.append(strings.REMIND_DOCUMENTS.format(count=len(documents), names=names))
        buttons.append((Button.to(strings.BTN_REMIND_CONTINUE, Resume()),))
    elif due.own:
        remaining = max(sections - answered, 0)
        own = strings.REMIND_OWN if remaining else strings.REMIND_OWN_CONFIRM
        lines.append(
            own.format(
                title=consultation.title,
                remaining=remaining,
                count=sections,
                confirm=strings.BTN_CONFIRM,
            )
        )
        buttons.append((Button.to(strings.BTN_REMIND_CONTINUE, Resume()),))
    if due.duty and cell is not None:
        blocked = (
            strings.REMIND_CELL_UNREACHABLE.format(count=cell.unreachable)
            if cell.unreachable
            else ""
        )
        lines.append(
            strings.REMIND_CELL.format(
                cell=due.cell_name,
                finished=cell.finished,
                total=cell.total,
                not_started=cell.not_started,
                unreachable=blocked,
            )
        )
        buttons.append((Button.to(strings.BTN_REMIND_MISSING, ProgressPage(1)),))
    lines.append(strings.REMIND_DEADLINE.format(deadline=local(consultation.deadline, tz)))
    return Reply("\n\n".join(lines), buttons=tuple(buttons))


def deadline_notice(
    due: Due,
    consultation: Consultation,
    tz: ZoneInfo,
    *,
    summary: str,
    csv: Document | None,
) -> Reply:
    """Mid-way members hear that commenting closed; the Office gets the summary and the CSV."""
    parts = []
    if due.own:
        parts.append(
            strings.CLOSED_NOTICE.format(
                title=consultation.title, deadline=local(consultation.deadline, tz)
            )
        )
    if due.duty:
        parts.append(summary)
    return Reply("\n\n".join(parts), document=csv if due.duty else None)


def summary_text(
    consultation: Consultation, tz: ZoneInfo, totals: Totals, comments: int, with_text: int,
    documents: RoundFigures | None = None,
) -> str:
    """The Office's closing summary; a round of several documents adds a line for each (the
    cells' «chốt» and the comment count are the round's)."""
    per_document = round_lines(documents) if documents is not None else []
    return strings.DEADLINE_SUMMARY.format(
        documents="".join(f"{line}\n" for line in per_document),
        title=consultation.title,
        deadline=local(consultation.deadline, tz),
        submitted=totals.cells_submitted,
        cells=totals.cells,
        not_submitted=totals.cells - totals.cells_submitted,
        finished=totals.finished,
        members=totals.members,
        started=totals.started,
        comments=comments,
        with_text=with_text,
    )
