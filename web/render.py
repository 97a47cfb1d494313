"""Server-rendered pages: one Jinja2 environment (autoescaped), the strings catalog in every
template as `s`, and the error page that says how to sign in and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.bootstrap import App
from content import strings

HERE = Path(__file__).resolve().parent


@dataclass
class Console:
    """What every console route needs: the composition root's App and the templates."""

    app: App
    templates: jinja2.Environment

    @staticmethod
    def of(request: web.Request) -> Console:
        return request.config_dict[CONSOLE]

    def local(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        t = moment.astimezone(self.app.settings.tz)
        return strings.DATE_FORMAT.format(hour=t.hour, minute=t.minute, day=t.day,
                                          month=t.month, year=t.year)

    @property
    def secure_cookies(self) -> bool:
        return self.app.settings.console_url.startswith("https://")


CONSOLE = web.AppKey("console", Console)


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["s"] = strings
    env.filters["number"] = lambda n: f"{n:,}".replace(",", ".")
    return env


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    console = Console.of(request)
    context.setdefault("viewer", None)
    context.setdefault("active", "")
    context["local"] = console.local
    html = console.templates.get_template(template).render(**context)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """401, 403, 404 and the rest: how to sign in; never a cell name, never a count."""
    return render(request, "error.html", status=status, code=status, message=message)
