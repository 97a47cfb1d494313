"""Nhật ký: every change to a round, its roster, its deadline or a cell's submission."""

from __future__ import annotations

from aiohttp import web

from content import strings
from storage import audit
from web.access import Viewer, Who, page
from web.render import Console, render

PAGE_SIZE = 100


@page(Who.OFFICE)
async def audit_log(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    console = Console.of(request)
    try:
        wanted = max(1, int(request.query.get("page", "1")))
    except ValueError:
        wanted = 1
    async with console.app.uow(write=False) as uow:
        entries = await audit.recent(uow.session, limit=PAGE_SIZE + 1,
                                     offset=(wanted - 1) * PAGE_SIZE)
    return render(request, "audit.html", viewer=viewer, active="audit",
                  entries=entries[:PAGE_SIZE], more=len(entries) > PAGE_SIZE, page=wanted,
                  names=strings.WEB_AUDIT_ACTIONS)
