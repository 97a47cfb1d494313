"""Tải về: the export as CSV or XLSX, for the bloc, one organization's cell or one cell,
every document of the round or one, streamed to the browser as storage/exports.py writes it."""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

from aiohttp import web

from content import strings
from storage import progress
from storage.consultations import current_consultation, current_round
from storage.exports import export_csv, export_xlsx
from web.access import Viewer, Who, page
from web.render import Console, error_page, render

CHUNK = 64 * 1024


@page(Who.CONSOLE)
async def downloads(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        cells = await progress.overview(uow.session, consultation.id) if consultation else []
        documents = await current_round(uow.session)
    if not viewer.is_office:
        cells = [c for c in cells if c.cell_id == viewer.cell_id]
    cells.sort(key=lambda c: (c.organization, c.cell_code))
    return render(request, "downloads.html", viewer=viewer, active="downloads",
                  consultation=consultation, cells=cells,
                  documents=documents if len(documents) > 1 else [])


class _Pipe:
    """A write-only file for export_csv; the response drains it while the export awaits rows."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.ready = asyncio.Event()

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        self.ready.set()
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        self.ready.clear()
        return data


@page(Who.CONSOLE)
async def download(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /tai-ve/tep?format=csv|xlsx&cell=CODE&anonymous=1&document=ID; a secretary gets
    their own cell; a document of another round is not found."""
    console = Console.of(request)
    xlsx = request.query.get("format") == "xlsx"
    cell = request.query.get("cell", "") or None
    if not viewer.is_office:
        if cell not in (None, viewer.cell_code):
            return error_page(request, 403, strings.WEB_FORBIDDEN)
        cell = viewer.cell_code
    anonymous = request.query.get("anonymous") == "1"
    now = console.app.clock.now().astimezone(console.app.settings.tz)
    name = f"gop-y-{(cell or 'toan-khoi').lower()}-{now:%Y%m%d-%H%M}.{'xlsx' if xlsx else 'csv'}"
    asked = request.query.get("document", "")
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        documents = {str(d.id): d.id for d in await current_round(uow.session)}
        if consultation is None or (cell and await progress.cell_by_code(uow.session, cell) is None):
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        if asked and asked not in documents:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        document_id = documents.get(asked)
        response = web.StreamResponse(headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if xlsx else "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        })
        await response.prepare(request)
        tz = console.app.settings.tz
        if xlsx:
            # The workbook is a zip finished only at its end: built in a temporary file on
            # disk (constant memory), then sent in chunks.
            with tempfile.TemporaryFile() as spool:
                await export_xlsx(uow.session, spool, consultation.id, cell, anonymous, tz=tz,
                                  document_id=document_id)
                spool.seek(0)
                while chunk := spool.read(CHUNK):
                    await response.write(chunk)
        else:
            pipe = _Pipe()
            job = asyncio.ensure_future(
                export_csv(uow.session, pipe, consultation.id, cell, anonymous, tz=tz,  # type: ignore[arg-type]
                           document_id=document_id))
            while not job.done() or pipe.chunks:
                waiter = asyncio.ensure_future(pipe.ready.wait())
                await asyncio.wait({job, waiter}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if data := pipe.take():
                    await response.write(data)
            job.result()
    await response.write_eof()
    return response
