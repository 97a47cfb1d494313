"""`gopy progress` and `gopy export`: the Office's overview and comment file, on the terminal."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import App
from content import strings
from handlers import cell_views
from storage import progress, stances
from storage.consultations import current_consultation, current_round, document_of
from storage.documents import round_figures
from storage.exports import export_csv, export_xlsx
from storage.models import Consultation
from storage.progress import Status


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class CommandError(Exception):
    """A problem the person at the terminal can fix; the message says how."""


async def progress_lines(instance: App, cell: str | None) -> list[str]:
    """The overview as a text table, attention first, with the bloc's totals."""
    async with instance.uow(write=False) as uow:
        session = uow.session
        consultation = _consultation(await current_consultation(session))
        if cell is not None and await progress.cell_by_code(session, cell) is None:
            raise CommandError(strings.CLI_UNKNOWN_CELL.format(code=cell))
        rows = await progress.overview(session, consultation.id, cell_code=cell)
        totals = await progress.totals(session, consultation.id)
        members = (
            await progress.cell_members(session, consultation.id, rows[0].cell_id) if cell else []
        )
        figures = await round_figures(session, consultation.round_id,
                                      rows[0].cell_id if cell else None)
        tallies = await stances.round_tallies(
            session, consultation, len(members) if cell else totals.members,
            rows[0].cell_id if cell else None)
    tz = instance.settings.tz
    table = [
        [
            r.organization,
            r.cell_code,
            r.cell_name,
            f"{r.finished}/{r.total}",
            str(r.started),
            f"{r.submitted_at.astimezone(tz):%H:%M %d/%m/%Y}"
            if r.submitted_at
            else strings.EXPORT_NO,
        ]
        for r in rows
    ]
    several = len(figures.documents) > 1
    lines = ([strings.FIGURES_OF_DOCUMENT.format(name=consultation.name)] if several else [])
    lines += _table(strings.CLI_PROGRESS_HEAD, table)
    if cell is None:
        percent = round(100 * totals.finished / totals.members) if totals.members else 0
        lines += [
            "",
            strings.CLI_PROGRESS_TOTALS.format(
                finished=totals.finished,
                members=totals.members,
                percent=percent,
                started=totals.started,
                submitted=totals.cells_submitted,
                cells=totals.cells,
            ),
        ]
    if documents := cell_views.round_lines(figures):
        lines += ["", *documents]
    if stance := cell_views.stance_lines(tallies):
        lines += ["", *stance]
    groups = (
        (strings.GROUP_FINISHED, Status.FINISHED),
        (strings.GROUP_STARTED, Status.STARTED),
        (strings.GROUP_IDLE, Status.NOT_STARTED),
    )
    if members:  # one cell asked for: who is where
        lines.append("")
        for (mark, label), status in groups:
            names = ", ".join(m.full_name for m in members if m.status is status)
            count = sum(1 for m in members if m.status is status)
            lines.append(
                strings.PROGRESS_GROUP.format(
                    mark=mark, label=label, count=count, names=names or strings.NAMES_NONE
                )
            )
    return lines


async def chosen_documents(session: AsyncSession, number: int | None) -> list[Consultation]:
    """The current round's documents, or the one numbered `number` (1 = the first loaded);
    CommandError naming the documents when there is no such one."""
    documents = await current_round(session)
    if number is None:
        return documents
    found = document_of(documents, number)
    if found is None:
        names = "; ".join(f"{n}. {d.name}" for n, d in enumerate(documents, start=1))
        raise CommandError(strings.CLI_UNKNOWN_DOCUMENT.format(number=number, documents=names))
    return [found]


async def export(
    instance: App, fmt: ExportFormat, out: Path, cell: str | None, anonymous: bool,
    document: int | None = None,
) -> int:
    """Stream the comments into `out`; the file appears only when complete."""
    partial = out.with_name(out.name + ".part")
    write = export_xlsx if fmt is ExportFormat.XLSX else export_csv
    try:
        async with instance.uow(write=False) as uow:
            consultation = _consultation(await current_consultation(uow.session))
            document_id = ((await chosen_documents(uow.session, document))[0].id
                           if document is not None else None)
            with partial.open("wb") as handle:
                rows = await write(
                    uow.session, handle, consultation.id, cell, anonymous, tz=instance.settings.tz,
                    document_id=document_id,
                )
        partial.replace(out)
    except LookupError:
        raise CommandError(strings.CLI_UNKNOWN_CELL.format(code=cell)) from None
    except OSError as error:
        raise CommandError(
            strings.CLI_CANNOT_WRITE.format(path=out, error=error.strerror)
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return rows


def _consultation(consultation: Consultation | None) -> Consultation:
    if consultation is None:
        raise CommandError(strings.CLI_NO_CONSULTATION)
    return consultation


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(head), "  ".join("─" * w for w in widths), *(line(r) for r in rows)]
