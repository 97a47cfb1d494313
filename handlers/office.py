"""What the Office does in the chat: watch every cell, download every comment."""

from __future__ import annotations

from content import strings
from content.text import shorten
from handlers import cell_views as views
from handlers import fallback
from handlers.context import Context
from handlers.conversation import Button, ExportRequest, Outgoing, Reply
from handlers.roles import has_role
from handlers.views import cb
from storage import progress
from storage.models import Consultation, Role
from storage.progress import CellRow

LINE_CHARS = 170  # the longest overview line: names are shortened to keep under this


async def button(ctx: Context, parts: list[str]) -> list[Outgoing]:
    """Payloads "o:..."; refused as stale for anyone not on the Office's roster."""
    if not has_role(ctx, Role.OFFICE) or ctx.consultation is None:
        return fallback.stale_button()
    action, args = parts[0], [int(p) for p in parts[1:]]
    if action == "v" and len(args) == 1:
        return await overview(ctx, ctx.consultation, args[0])
    if action == "e" and not args:
        return [_export_menu()]
    if action in ("ec", "ex") and not args:
        return await download(ctx, ctx.consultation, xlsx=action == "ex")
    return fallback.stale_button()


def page_size(ctx: Context) -> int:
    """Cells per overview message, so a page always fits the channel."""
    return max(5, (ctx.caps.max_text - 700) // LINE_CHARS)


async def overview(ctx: Context, consultation: Consultation, page: int) -> list[Outgoing]:
    """Every cell, those needing attention first, with the bloc's totals on every page."""
    totals = await progress.totals(ctx.session, consultation.id)
    size = page_size(ctx)
    pages = max(1, -(-totals.cells // size))
    page = min(max(page, 1), pages)
    rows = await progress.overview(
        ctx.session, consultation.id, offset=(page - 1) * size, limit=size
    )
    percent = round(100 * totals.finished / totals.members) if totals.members else 0
    lines = [
        strings.OVERVIEW_TITLE.format(title=shorten(consultation.title, 120)),
        views.deadline_line(ctx, consultation),
        strings.OVERVIEW_TOTALS.format(
            finished=totals.finished,
            members=totals.members,
            percent=percent,
            started=totals.started,
            submitted=totals.cells_submitted,
            cells=totals.cells,
        ),
        "",
        strings.OVERVIEW_PAGE.format(page=strings.PAGE_MARK.format(page=page, pages=pages)),
        *(_line(ctx, row) for row in rows),
    ]
    buttons: list[tuple[Button, ...]] = []
    if more := views.pager("o:v", page, pages):
        buttons.append(more)
    buttons.append(
        (
            Button(strings.BTN_DOWNLOAD_CSV, cb("o", "ec")),
            Button(strings.BTN_DOWNLOAD_XLSX, cb("o", "ex")),
        )
    )
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


def _export_menu() -> Reply:
    rows = (
        (
            Button(strings.BTN_DOWNLOAD_CSV, cb("o", "ec")),
            Button(strings.BTN_DOWNLOAD_XLSX, cb("o", "ex")),
        ),
    )
    return Reply(strings.EXPORT_ASK, buttons=rows)


async def download(ctx: Context, consultation: Consultation, *, xlsx: bool) -> list[Outgoing]:
    """All comments of the bloc as a document in the chat, built after this event is saved."""
    stamp = ctx.now.astimezone(ctx.tz).strftime("%Y%m%d-%H%M")
    filename = f"gop-y-toan-khoi-{stamp}.{'xlsx' if xlsx else 'csv'}"
    request = ExportRequest(consultation.id, filename, strings.EXPORT_SCOPE_ALL, xlsx=xlsx)
    return [Reply(strings.EXPORT_PREPARING, export=request)]
