"""Who is looking: the session cookie, the roles a page allows, CSRF on every change."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from aiohttp import web
from sqlalchemy import select

from content import strings
from storage import web_access
from storage.models import Cell, Member, Role
from web.render import Console, error_page

COOKIE = "gopy_session"
Handler = Callable[[web.Request, "Viewer"], Awaitable[web.StreamResponse]]


class Who(Enum):
    OFFICE = "office"  # the Office only
    CONSOLE = "console"  # the Office, or a secretary (pages narrow to their own cell)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as the pages need them."""

    member_id: int
    name: str
    role: Role
    cell_id: int
    cell_code: str
    cell_name: str
    csrf: str
    session_id: int

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    def may_see_cell(self, cell_id: int) -> bool:
        return self.is_office or cell_id == self.cell_id


async def viewer_of(request: web.Request) -> Viewer | None:
    """The live session behind the request's cookie, touched so it stays alive; else None."""
    console = Console.of(request)
    cookie = request.cookies.get(COOKIE, "")
    if not cookie:
        return None
    idle = timedelta(minutes=console.app.settings.web_idle_minutes)
    async with console.app.uow() as uow:
        found = await web_access.find_session(uow.session, cookie, console.app.clock.now(), idle)
        await uow.commit()
        if found is None:
            return None
        member, cell = (await uow.session.execute(
            select(Member, Cell).join(Cell, Cell.id == Member.cell_id)
            .where(Member.id == found.member_id)
        )).one()
        return Viewer(member.id, member.full_name, Role(member.role), cell.id, cell.code,
                      cell.name, found.csrf_token, found.id)


def page(who: Who, *, upload: bool = False) -> Callable[[Handler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """A console route: 401 without a session, 403 for a role the page is not for, 403 for a
    POST without the session's CSRF token. Uploads check their token in read_upload."""

    def wrap(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            viewer = await viewer_of(request)
            if viewer is None:
                return error_page(request, 401, strings.WEB_SIGN_IN_NEEDED)
            if who is Who.OFFICE and not viewer.is_office:
                return error_page(request, 403, strings.WEB_FORBIDDEN)
            if request.method == "POST" and not upload:
                form = await request.post()
                given = form.get("csrf")
                if not isinstance(given, str) or not csrf_ok(viewer, given):
                    return error_page(request, 403, strings.WEB_CSRF_FAILED)
            return await handler(request, viewer)

        return guarded

    return wrap


def csrf_ok(viewer: Viewer, given: str) -> bool:
    return hmac.compare_digest(viewer.csrf.encode(), given.encode())
