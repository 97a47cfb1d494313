"""Danh sách đảng viên: upload a roster, see its errors or what it would change, then import;
and the personal codes to hand out, printed per cell or as a spreadsheet."""

from __future__ import annotations

import io

import openpyxl
from aiohttp import web

from content import strings
from storage import roster
from storage.models import Member, Role
from web.access import Viewer, Who, page
from web.render import Console, error_page, render
from web.uploads import discard, receive, waiting

PURPOSE = "roster"
SHOWN_ERRORS = 200
ROLE_NAMES = {Role.MEMBER: strings.WEB_ROLE_MEMBER, Role.SECRETARY: strings.WEB_ROLE_SECRETARY,
              Role.OFFICE: strings.WEB_ROLE_OFFICE}


def _form(request: web.Request, viewer: Viewer, *, status: int = 200, **context: object) -> web.Response:
    context.setdefault("errors", None)
    context.setdefault("error", "")
    context.setdefault("report", None)
    context.setdefault("name", "")
    context.setdefault("imported", False)
    console = Console.of(request)
    return render(request, "roster.html", status=status, viewer=viewer, active="roster",
                  limit=f"{console.app.settings.web_upload_max_mb:g}", **context)


@page(Who.OFFICE)
async def roster_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    return _form(request, viewer)


@page(Who.OFFICE, upload=True)
async def preview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /dang-vien/xem-truoc: check the file; its errors, or what importing it would change."""
    console = Console.of(request)

    async def show(status: int, message: str) -> web.Response:
        return _form(request, viewer, status=status, error=message)

    path = await receive(request, viewer, PURPOSE, fallback="danh-sach.csv", show=show)
    if isinstance(path, web.Response):
        return path
    try:
        async with console.app.uow() as uow:
            report = await roster.preview_roster(uow.session, path)
    except roster.RosterErrors as found:
        discard(viewer, PURPOSE)
        return _form(request, viewer, status=422, errors=found.errors[:SHOWN_ERRORS],
                     error_count=len(found.errors), name=path.name)
    return _form(request, viewer, report=report, name=path.name)


@page(Who.OFFICE)
async def confirm(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /dang-vien/nhap: import the file this session previewed, recorded as by the viewer."""
    console = Console.of(request)
    path = waiting(viewer, PURPOSE)
    if path is None:
        return _form(request, viewer, status=409, error=strings.WEB_UPLOAD_GONE)
    try:
        async with console.app.uow() as uow:
            by = await uow.session.get(Member, viewer.member_id)
            report = await roster.import_roster(uow.session, path, now=console.app.clock.now(), by=by)
            await uow.commit()
    except roster.RosterErrors as found:  # the file cannot change, but the rules might have
        discard(viewer, PURPOSE)
        return _form(request, viewer, status=422, errors=found.errors[:SHOWN_ERRORS],
                     error_count=len(found.errors), name=path.name)
    discard(viewer, PURPOSE)
    return _form(request, viewer, report=report, name=path.name, imported=True)


@page(Who.OFFICE)
async def codes(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /ma-truy-cap[?cell=CODE]: every member's personal code, one printed page per cell."""
    cell = request.query.get("cell", "") or None
    rows = await _codes(request, cell)
    if rows is None:
        return error_page(request, 404, strings.WEB_NOT_FOUND)
    every_cell = await _codes(request, None) if cell else rows
    cells: dict[str, list[roster.CodeRow]] = {}
    for row in rows:
        cells.setdefault(row.cell_code, []).append(row)
    choices = sorted({(r.cell_code, r.cell_name) for r in every_cell or []})
    return render(request, "codes.html", viewer=viewer, active="roster", cells=cells,
                  cell=cell or "", choices=choices, roles=ROLE_NAMES)


@page(Who.OFFICE)
async def codes_file(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /ma-truy-cap/tep[?cell=CODE]: the same codes as an XLSX sheet."""
    console = Console.of(request)
    cell = request.query.get("cell", "") or None
    rows = await _codes(request, cell)
    if rows is None:
        return error_page(request, 404, strings.WEB_NOT_FOUND)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = strings.WEB_CODES_SHEET
    sheet.append(list(strings.WEB_CODES_COLUMNS))
    for r in rows:
        sheet.append([r.organization, r.cell_code, r.cell_name, r.full_name, r.phone,
                      ROLE_NAMES[Role(r.role)], r.access_code])
    for column, width in zip("ABCDEFG", (34, 10, 34, 28, 14, 14, 12)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    data = io.BytesIO()
    book.save(data)
    now = console.app.clock.now().astimezone(console.app.settings.tz)
    name = f"ma-truy-cap-{(cell or 'toan-khoi').lower()}-{now:%Y%m%d-%H%M}.xlsx"
    return web.Response(body=data.getvalue(), headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })


async def _codes(request: web.Request, cell: str | None) -> list[roster.CodeRow] | None:
    """Everyone's codes, or one cell's; None for an unknown cell code."""
    async with Console.of(request).app.uow(write=False) as uow:
        try:
            return await roster.access_codes(uow.session, cell)
        except LookupError:
            return None
