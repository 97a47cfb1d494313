"""The console's routes, added to the bot's own aiohttp server (bot/webhook.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.bootstrap import App
from content import strings
from web import sign_in
from web.pages import (
    audit_log,
    cells,
    comments,
    compiling,
    downloads,
    draft,
    overview,
    roster,
    running,
)
from web.render import CONSOLE, HERE, Console, error_page, make_templates


def add_console(server: web.Application, app: App) -> None:
    """Every console page on `server`; call before the webhooks' catch-all route."""
    server[CONSOLE] = Console(app, make_templates())
    routes = server.router
    routes.add_get("/", overview.home)
    routes.add_get("/dang-nhap", sign_in.sign_in)
    routes.add_post("/dang-xuat", sign_in.sign_out)
    routes.add_get("/da-dang-xuat", sign_in.signed_out)
    routes.add_get("/to-chuc", cells.organizations)
    routes.add_get("/chi-bo/{code}", cells.cell)
    routes.add_post("/chi-bo/{code}/viec", cells.cell_step)
    routes.add_get("/y-kien", comments.comments)
    routes.add_get("/tai-ve", downloads.downloads)
    routes.add_get("/tai-ve/tep", downloads.download)
    routes.add_get("/nhat-ky", audit_log.audit_log)
    routes.add_get("/dang-vien", roster.roster_page)
    routes.add_post("/dang-vien/xem-truoc", roster.preview)
    routes.add_post("/dang-vien/nhap", roster.confirm)
    routes.add_get("/ma-truy-cap", roster.codes)
    routes.add_get("/ma-truy-cap/tep", roster.codes_file)
    routes.add_get("/du-thao", draft.draft_page)
    routes.add_post("/du-thao/xem-truoc", draft.preview)
    routes.add_post("/du-thao/mo-dot", draft.open_round)
    routes.add_post("/du-thao/them-van-ban", draft.add_document)
    routes.add_post("/du-thao/phien-ban-moi", draft.next_version)
    routes.add_get("/du-thao/phien-ban", draft.version_changes)
    routes.add_get("/dot-lay-y-kien", running.running)
    routes.add_get("/tong-hop", compiling.compile_home)
    routes.add_post("/tong-hop/nhom-lai", compiling.regroup)
    routes.add_get("/tong-hop/bao-cao", compiling.report)
    routes.add_get("/tong-hop/muc/{section}", compiling.section)
    routes.add_post("/tong-hop/muc/{section}/{change}", compiling.change)
    routes.add_post("/dot-lay-y-kien/han-chot", running.change_deadline)
    routes.add_post("/dot-lay-y-kien/nhac", running.change_reminders)
    routes.add_static("/static", HERE / "static", append_version=True)
    server.middlewares.append(_not_found)


@web.middleware
async def _not_found(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Unknown console addresses get the console's 404 page, not aiohttp's."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if request.method == "GET" and CONSOLE in request.config_dict:
            return error_page(request, 404, strings.WEB_NOT_FOUND)
        raise
    except web.HTTPMethodNotAllowed:
        return error_page(request, 405, strings.WEB_NOT_FOUND)
