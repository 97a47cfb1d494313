"""Signing in by the bot's one-time link, and out again; the cookie never holds anything but a
random value whose hash the server keeps."""

from __future__ import annotations

from aiohttp import web

from content import strings
from storage import web_access
from storage.models import WebSession
from web.access import COOKIE, Viewer, Who, page
from web.render import Console, error_page, render


async def sign_in(request: web.Request) -> web.StreamResponse:
    """GET /dang-nhap?t=…: a valid link opens a session and leads to the console's home."""
    console = Console.of(request)
    now = console.app.clock.now()
    async with console.app.uow() as uow:
        member = await web_access.redeem_link(uow.session, request.query.get("t", ""), now)
        if member is None:
            await uow.commit()  # nothing to keep, but the failed lookup changed nothing either
            return error_page(request, 401, strings.WEB_LINK_INVALID)
        opened = web_access.open_session(uow.session, member, now)
        await uow.commit()
    response = see_other("/")
    response.set_cookie(
        COOKIE, opened.cookie, httponly=True, samesite="Lax", secure=console.secure_cookies,
        path="/", max_age=None,
    )
    return response


async def signed_out(request: web.Request) -> web.StreamResponse:
    return render(request, "signed_out.html")


@page(Who.CONSOLE)
async def sign_out(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /dang-xuat: the session ends on the server, so the old cookie opens nothing."""
    console = Console.of(request)
    async with console.app.uow() as uow:
        found = await uow.session.get(WebSession, viewer.session_id)
        if found is not None:
            web_access.end_session(found, console.app.clock.now())
        await uow.commit()
    response = see_other("/da-dang-xuat")
    response.del_cookie(COOKIE, path="/")
    return response


def see_other(location: str) -> web.Response:
    """After a POST (or a link), the browser loads this page with a GET."""
    return web.Response(status=303, headers={"Location": location})
