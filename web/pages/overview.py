"""Tổng quan: the running round, the bloc's figures, three charts, cells needing attention."""

from __future__ import annotations

from aiohttp import web

from content import strings
from handlers.cell_views import stance_lines, time_left
from storage import figures, progress, stances
from storage.consultations import current_consultation
from storage.documents import round_figures
from web import charts
from web.access import Viewer, Who, page
from web.render import Console, render
from web.sign_in import see_other

ATTENTION = 10  # cells shown under «cần quan tâm»


@page(Who.CONSOLE)
async def home(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    if not viewer.is_office:
        return see_other(f"/chi-bo/{viewer.cell_code}")
    console = Console.of(request)
    now = console.app.clock.now()
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            return render(request, "overview.html", viewer=viewer, active="overview",
                          consultation=None)
        totals = await progress.totals(uow.session, consultation.id)
        figures_of_round = await round_figures(uow.session, consultation.round_id)
        cells = await progress.overview(uow.session, consultation.id)
        spreads = await figures.section_spreads(uow.session, consultation.id)
        days = await figures.comments_per_day(uow.session, consultation.id, console.app.settings.tz)
        tallies = await stances.round_tallies(uow.session, consultation, totals.members)
    choices = [c["label"] for c in consultation.choices]
    percent = round(100 * totals.finished / totals.members) if totals.members else 0
    return render(
        request, "overview.html", viewer=viewer, active="overview", consultation=consultation,
        left=time_left(now, consultation.deadline), totals=totals, percent=percent,
        not_started=totals.members - totals.finished - totals.started,
        stances=stance_lines(tallies),
        attention=[c for c in cells if c.submitted_at is None][:ATTENTION],
        submitted=sorted((c for c in cells if c.submitted_at is not None),
                         key=lambda c: c.submitted_at or now),
        charts=[charts.organizations(cells), charts.sections(spreads, choices), charts.per_day(days)],
        strings=strings, of_round=figures_of_round,
    )
