"""Tổng hợp ý kiến: each section's groups (members' comments and cells' opinions apart), the
Office's corrections (regroup, move, split, merge), decisions, and the report to download.
Every change goes through issue 12's services in storage/, as `gopy compile` does."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.compile_commands import header
from content import strings
from storage import decisions, grouping
from storage.compilation import section_groups
from storage.consultations import current_round, section_by_id
from storage.decisions import DecisionError, Outcome
from storage.grouping import GroupingError
from storage.models import Member
from storage.report_docx import write_docx
from storage.report_xlsx import write_xlsx
from web.access import Viewer, Who, page
from web.render import Console, error_page, render
from web.sign_in import see_other

Change = Callable[[AsyncSession, Member, dict[str, Any], datetime], Awaitable[None]]


@page(Who.OFFICE)
async def compile_home(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        documents = await current_round(uow.session)
        # One table per document of the round (one, untitled, for the usual round).
        parts = [(d, await decisions.progress(uow.session, d.id)) for d in documents]
    rows = [r for _, part in parts for r in part]
    return render(request, "compile.html", viewer=viewer, active="compile",
                  consultation=documents[0] if documents else None, parts=parts,
                  several=len(parts) > 1, rows=rows, done=request.query.get("xong", ""),
                  undecided=sum(r.undecided for r in rows), groups=sum(r.groups for r in rows))


@page(Who.OFFICE)
async def regroup(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /tong-hop/nhom-lai: group every section again; corrections and decisions are kept."""
    console = Console.of(request)
    async with console.app.uow() as uow:
        documents = await current_round(uow.session)
        if not documents:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        by = await uow.session.get(Member, viewer.member_id)
        for document in documents:  # as `gopy compile group` does
            await grouping.regroup(uow.session, document.id, console.app.clock.now(), by=by)
        await uow.commit()
    return see_other("/tong-hop?xong=1")


async def _section_page(request: web.Request, viewer: Viewer, *, status: int = 200,
                        error: str = "") -> web.Response:
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        section = None
        if request.match_info["section"].isdigit():  # of any document of the round
            for document in await current_round(uow.session):
                section = section or await section_by_id(uow.session, document.id,
                                                         int(request.match_info["section"]))
        if section is None:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        groups = await section_groups(uow.session, section.id, named=True)
    return render(request, "compile_section.html", status=status, viewer=viewer,
                  active="compile", section=section, error=error,
                  members=[g for g in groups if g.kind == "member"],
                  cells=[g for g in groups if g.kind != "member"],
                  outcomes=strings.OUTCOMES, kinds=strings.CLI_COMPILE_KIND)


@page(Who.OFFICE)
async def section(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    return await _section_page(request, viewer)


def _number(form: dict[str, Any], name: str) -> int:
    value = str(form.get(name, "")).strip().lstrip("[#").rstrip("]")
    if not value.isdigit():
        raise GroupingError("WEB_COMPILE_NUMBER_NEEDED")
    return int(value)


async def _decide(session: AsyncSession, by: Member, form: dict[str, Any], now: datetime) -> None:
    try:
        outcome = Outcome(str(form.get("outcome", "")))
    except ValueError:
        raise DecisionError("WEB_COMPILE_OUTCOME_NEEDED") from None
    await decisions.decide(session, _number(form, "group"), outcome,
                           str(form.get("explanation", "")), now, by=by)


async def _move(session: AsyncSession, by: Member, form: dict[str, Any], now: datetime) -> None:
    await grouping.move(session, _number(form, "item"), _number(form, "to"), now, by=by)


async def _split(session: AsyncSession, by: Member, form: dict[str, Any], now: datetime) -> None:
    items = [int(v) for v in form.get("items", []) if str(v).isdigit()]
    if not items:
        raise GroupingError("WEB_COMPILE_PICK_ITEMS")
    await grouping.split(session, _number(form, "group"), items, now, by=by)


async def _merge(session: AsyncSession, by: Member, form: dict[str, Any], now: datetime) -> None:
    await grouping.merge(session, _number(form, "into"), _number(form, "other"), now, by=by)


CHANGES: dict[str, Change] = {"quyet-dinh": _decide, "chuyen": _move, "tach": _split, "gop": _merge}


@page(Who.OFFICE)
async def change(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /tong-hop/muc/{section}/{quyet-dinh|chuyen|tach|gop}: one correction or decision,
    by the signed-in Office member; back to the section, or its page with what went wrong."""
    console = Console.of(request)
    job = CHANGES.get(request.match_info["change"])
    if job is None:
        return error_page(request, 404, strings.WEB_NOT_FOUND)
    posted = await request.post()
    form: dict[str, Any] = {key: posted.get(key) for key in posted}
    form["items"] = posted.getall("items", [])
    try:
        async with console.app.uow() as uow:
            by = await uow.session.get(Member, viewer.member_id)
            assert by is not None
            await job(uow.session, by, form, console.app.clock.now())
            await uow.commit()
    except (GroupingError, DecisionError) as refused:
        key, *args = refused.args
        return await _section_page(request, viewer, status=422,
                                   error=getattr(strings, key).format(*args))
    return see_other(f"/tong-hop/muc/{request.match_info['section']}")


@page(Who.OFFICE)
async def report(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /tong-hop/bao-cao?format=docx|xlsx&named=1: the report, as `gopy report` writes it."""
    console = Console.of(request)
    xlsx = request.query.get("format") == "xlsx"
    named = request.query.get("named") == "1"
    data = io.BytesIO()
    async with console.app.uow(write=False) as uow:
        documents = await current_round(uow.session)
        if not documents:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        # A part per document of the round, as `gopy report` writes it.
        parts = [(d.id, d.name) for d in documents]
        if xlsx:
            await write_xlsx(uow.session, data, documents[0].id, named=named,
                             tz=console.app.settings.tz, documents=parts)
        else:
            await write_docx(uow.session, data, documents[0].id, header(console.app),
                             named=named, documents=parts)
    now = console.app.clock.now().astimezone(console.app.settings.tz)
    name = f"bao-cao-tong-hop-{now:%Y%m%d-%H%M}.{'xlsx' if xlsx else 'docx'}"
    kind = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if xlsx else
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return web.Response(body=data.getvalue(), headers={
        "Content-Type": kind, "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})
