"""Tổ chức và chi bộ: every organization and cell with figures; a cell's own page."""

from __future__ import annotations

from itertools import groupby

from aiohttp import web
from sqlalchemy import select

from content import strings
from handlers.actions import AskNudge, AskSubmit, Reopen
from handlers.cell_views import stance_line, time_left
from handlers.conversation import Button
from storage import progress, stances, submissions
from storage.consultations import current_consultation, current_round, lineage, list_sections
from storage.models import Organization, Role
from storage.progress import Status
from web import secretary
from web.access import Viewer, Who, page
from web.render import Console, error_page, render


@page(Who.OFFICE)
async def organizations(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            return render(request, "organizations.html", viewer=viewer, active="cells", groups=[])
        cells = await progress.overview(uow.session, consultation.id)
    ordered = sorted(cells, key=lambda c: (c.organization, c.cell_code))
    groups = [(org, list(rows)) for org, rows in groupby(ordered, key=lambda c: c.organization)]
    return render(request, "organizations.html", viewer=viewer, active="cells", groups=groups)


@page(Who.CONSOLE)
async def cell(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """A secretary may open only their own cell: any other address is 403, known or not, so
    the answer never tells which codes exist."""
    return await _cell(request, viewer, [])


async def _cell(
    request: web.Request, viewer: Viewer, answers: list[tuple[str, list[Button]]]
) -> web.StreamResponse:
    console = Console.of(request)
    code = request.match_info["code"]
    if not viewer.is_office and code != viewer.cell_code:
        return error_page(request, 403, strings.WEB_FORBIDDEN)
    now = console.app.clock.now()
    async with console.app.uow(write=False) as uow:
        found = await progress.cell_by_code(uow.session, code)
        documents = await current_round(uow.session)
        if found is None or not documents:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        # One document of the round at a time (?document=ID); the cell's «chốt» is the round's.
        asked = request.query.get("document", "")
        consultation = next((d for d in documents if str(d.id) == asked), documents[0])
        round_id = consultation.round_id
        members = await progress.cell_members(uow.session, consultation.id, found.id)
        tallies = await progress.cell_tallies(uow.session, consultation.id, found.id)
        opinions = await submissions.opinions(uow.session, consultation.id, found.id)
        submission = await submissions.submission_of(uow.session, round_id, found.id)
        sections = await list_sections(uow.session, consultation.id)
        comments = {
            s.id: await progress.section_comments(
                uow.session, found.id, [x.id for x in await lineage(uow.session, consultation.id, s)])
            for s in sections if s.id in tallies
        }
        stance = await stances.tally(uow.session, consultation, len(members), found.id)
        organization = await uow.session.scalar(
            select(Organization.name).where(Organization.id == found.organization_id))
    counts = {status: sum(1 for m in members if m.status is status) for status in Status}
    return render(
        request, "cell.html", viewer=viewer, active="cells" if viewer.is_office else "cell",
        cell=found, organization=organization, consultation=consultation, members=members,
        counts=counts, Status=Status, tallies=tallies, opinions=opinions, sections=sections,
        comments=comments, submitted=submissions.is_in_force(submission), submission=submission,
        left=time_left(now, consultation.deadline), answers=answers,
        steps=_steps(viewer, found.id), csrf=viewer.csrf,
        stances=stance_line(stance) if stance else "",
        documents=documents if len(documents) > 1 else [],
    )


def _steps(viewer: Viewer, cell_id: int) -> list[Button]:
    """The secretary's own steps for their cell, always offered: whether one may be taken now
    (deadline, submitted, an hour between nudges) is the handler's answer, never decided here."""
    if viewer.role is not Role.SECRETARY or viewer.cell_id != cell_id:
        return []
    return [Button.to(strings.BTN_NUDGE, AskNudge()), Button.to(strings.BTN_SUBMIT, AskSubmit()),
            Button.to(strings.BTN_REOPEN, Reopen())]


@page(Who.CONSOLE)
async def cell_step(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /chi-bo/{code}/viec: a secretary's step on their own cell (web/secretary.py); the
    chat's answer is shown above the cell's page, with its next buttons."""
    console = Console.of(request)
    if viewer.role is not Role.SECRETARY or request.match_info["code"] != viewer.cell_code:
        return error_page(request, 403, strings.WEB_FORBIDDEN)
    form = await request.post()
    replies = await secretary.act(console, viewer, str(form.get("action", "")))
    if replies is None:
        return error_page(request, 400, strings.WEB_STEP_UNKNOWN)
    answers = [(r.text, [b for row in r.buttons for b in row if secretary.allowed(b.data)])
               for r in replies]
    return await _cell(request, viewer, answers)
