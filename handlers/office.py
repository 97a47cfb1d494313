"""What the Office does in the chat: watch every cell, download every comment."""

from __future__ import annotations

from content import strings
from content.text import shorten
from handlers import cell_views as views
from handlers.actions import ExportCsv, ExportMenu, ExportXlsx, Overview
from handlers.context import Context
from handlers.conversation import Button, ExportRequest, Outgoing, Reply
from handlers.dispatch import handles
from storage import progress, stances
from storage.documents import round_figures
from storage.models import Consultation
from storage.progress import CellRow

LINE_CHARS = 170  # the longest overview line: names are shortened to keep under this


def _consultation(ctx: Context) -> Consultation:
    if ctx.consultation is None:
        raise RuntimeError("office handler reached without a consultation")
    return ctx.consultation


def page_size(ctx: Context) -> int:
    """Cells per overview message, so a page always fits the channel."""
    return max(5, (ctx.caps.max_text - 700) // LINE_CHARS)


@handles(Overview)
async def overview(ctx: Context, action: Overview) -> list[Outgoing]:
    """Every cell, those needing attention first, with the bloc's totals on every page."""
    consultation = _consultation(ctx)
    totals = await progress.totals(ctx.session, consultation.id)
    size = page_size(ctx)
    pages = max(1, -(-totals.cells // size))
    page = min(max(action.page, 1), pages)
    rows = await progress.overview(
        ctx.session, consultation.id, offset=(page - 1) * size, limit=size
    )
    percent = round(100 * totals.finished / totals.members) if totals.members else 0
    of_round = views.round_lines(await round_figures(ctx.session, consultation.round_id))
    lines = [
        strings.OVERVIEW_TITLE.format(title=shorten(consultation.title, 120)),
        views.deadline_line(ctx, consultation),
        *of_round,
        *([strings.FIGURES_OF_DOCUMENT.format(name=consultation.name)] if of_round else []),
        strings.OVERVIEW_TOTALS.format(
            finished=totals.finished,
            members=totals.members,
            percent=percent,
            started=totals.started,
            submitted=totals.cells_submitted,
            cells=totals.cells,
        ),
        *views.stance_lines(
            await stances.round_tallies(ctx.session, consultation, totals.members)),
        "",
        strings.OVERVIEW_PAGE.format(page=strings.PAGE_MARK.format(page=page, pages=pages)),
        *(_line(ctx, row) for row in rows),
    ]
    buttons: list[tuple[Button, ...]] = []
    if more := views.pager(Overview, page, pages):
        buttons.append(more)
    buttons.append(_downloads())
    text = "\n".join(lines)
    return [
        Reply(
            text if len(text) <= ctx.caps.max_text else shorten(text, ctx.caps.max_text),
            tuple(buttons),
        )
    ]


def _line(ctx: Context, row: CellRow) -> str:
    line = strings.OVERVIEW_LINE.format(
        mark=strings.OVERVIEW_MARK_SUBMITTED if row.submitted_at else strings.OVERVIEW_MARK_OPEN,
        code=shorten(row.cell_code, 20),
        cell=shorten(row.cell_name, 45),
        organization=shorten(row.organization, 45),
        finished=row.finished,
        total=row.total,
        started=row.started,
    )
    if row.submitted_at is not None:
        line += strings.OVERVIEW_SUBMITTED.format(when=ctx.local(row.submitted_at))
    return line


def _downloads() -> tuple[Button, ...]:
    return (
        Button.to(strings.BTN_DOWNLOAD_CSV, ExportCsv()),
        Button.to(strings.BTN_DOWNLOAD_XLSX, ExportXlsx()),
    )


@handles(ExportMenu)
async def export_menu(ctx: Context, _: ExportMenu) -> list[Outgoing]:
    return [Reply(strings.EXPORT_ASK, buttons=(_downloads(),))]


@handles(ExportCsv, ExportXlsx)
async def download(ctx: Context, action: ExportCsv | ExportXlsx) -> list[Outgoing]:
    """All comments of the bloc as a document in the chat, built after this event is saved."""
    consultation, xlsx = _consultation(ctx), isinstance(action, ExportXlsx)
    stamp = ctx.now.astimezone(ctx.tz).strftime("%Y%m%d-%H%M")
    filename = f"gop-y-toan-khoi-{stamp}.{'xlsx' if xlsx else 'csv'}"
    request = ExportRequest(consultation.id, filename, strings.EXPORT_SCOPE_ALL, xlsx=xlsx)
    return [Reply(strings.EXPORT_PREPARING, export=request)]
