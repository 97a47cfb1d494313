"""Dự thảo: upload a .docx or .txt draft, see its sections as members will, then open the round
with its title, deadline and reminder policy, or add it to the running round as one more
document (sharing the round's deadline and reminders)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.reminder_policy import PolicyError, format_policy, parse_policy
from bot.runner import channel_caps
from bot.version_commands import diff_lines
from content import strings
from content.docx_draft import read_draft_file
from content.draft_parser import DraftParseError, ParsedDraft
from handlers.views import section_pages, section_reply
from storage import versions
from storage.consultations import (
    DEFAULT_REMINDERS,
    create_consultation,
    current_consultation,
    current_round,
    is_open,
)
from storage.models import Consultation, Member, Section
from storage.versions import VersionError
from web.access import Viewer, Who, page
from web.render import Console, render
from web.sign_in import see_other
from web.uploads import discard, receive, waiting

PURPOSE = "draft"
PREVIEW_CHANNEL = "telegram"  # the narrowest messages members read


def parse_local(text: str, console: Console) -> datetime | None:
    """A datetime-local field («2026-12-15T17:00») in the bloc's time zone, or None."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=console.app.settings.tz)
    except ValueError:
        return None


def as_field(moment: datetime, console: Console) -> str:
    return moment.astimezone(console.app.settings.tz).strftime("%Y-%m-%dT%H:%M")


def member_view(parsed: ParsedDraft) -> list[tuple[Section, list[str]]]:
    """Each section and the messages a member gets for it, rendered by the bot's own views."""
    caps = channel_caps(PREVIEW_CHANNEL)
    consultation = Consultation(title=parsed.title, choices=list(strings.DEFAULT_CHOICES))
    shown = []
    for position, part in enumerate(parsed.sections, start=1):
        section = Section(id=position, position=position, key=part.key, number=part.number,
                          title=part.title, path=list(part.path), body=part.body,
                          footnotes=[{"mark": f.mark, "text": f.text} for f in part.footnotes])
        pages = len(section_pages(section, caps))
        shown.append((section, [
            section_reply(consultation, section, len(parsed.sections), n, None, caps).text
            for n in range(1, pages + 1)]))
    return shown


async def _form(request: web.Request, viewer: Viewer, *, status: int = 200, **context: Any) -> web.Response:
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        current = await current_consultation(uow.session)
        documents = await current_round(uow.session)
    context.setdefault("changes", None)
    context.setdefault("error", "")
    context.setdefault("parsed", None)
    context.setdefault("name", "")
    context.setdefault("form", {})
    return render(request, "draft.html", status=status, viewer=viewer, active="draft",
                  current=current, documents=documents,
                  can_add=current is not None and is_open(current, console.app.clock.now()),
                  limit=f"{console.app.settings.web_upload_max_mb:g}",
                  timezone=console.app.settings.timezone, **context)


def _defaults(parsed: ParsedDraft, name: str, console: Console) -> dict[str, str]:
    later = console.app.clock.now() + timedelta(days=14)
    deadline = later.astimezone(console.app.settings.tz).replace(hour=17, minute=0)
    return {"title": parsed.title or name, "deadline": as_field(deadline, console),
            "reminders": format_policy(DEFAULT_REMINDERS), "document": ""}


async def _preview(request: web.Request, viewer: Viewer, parsed: ParsedDraft, name: str,
                   form: dict[str, str], *, status: int = 200, error: str = "") -> web.Response:
    return await _form(request, viewer, status=status, parsed=parsed, name=name, form=form,
                       sections=member_view(parsed), error=error)


@page(Who.OFFICE)
async def draft_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    return await _form(request, viewer)


@page(Who.OFFICE, upload=True)
async def preview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /du-thao/xem-truoc: the uploaded draft's sections and the parser's warnings."""
    console = Console.of(request)

    async def show(status: int, message: str) -> web.Response:
        return await _form(request, viewer, status=status, error=message)

    path = await receive(request, viewer, PURPOSE, fallback="du-thao.txt", show=show)
    if isinstance(path, web.Response):
        return path
    try:
        parsed = read_draft_file(path)
    except DraftParseError as failed:
        discard(viewer, PURPOSE)
        return await _form(request, viewer, status=422, error=_why(failed))
    return await _preview(request, viewer, parsed, path.name,
                          _defaults(parsed, path.stem, console))


@page(Who.OFFICE)
async def open_round(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /du-thao/mo-dot: the previewed draft becomes the current round, by the viewer."""
    console = Console.of(request)
    previewed = await _previewed(request, viewer)
    if isinstance(previewed, web.Response):
        return previewed
    path, parsed = previewed
    posted = await request.post()
    form = {key: str(posted.get(key, "")).strip() for key in ("title", "deadline", "reminders")}
    now = console.app.clock.now()
    deadline = parse_local(form["deadline"], console)
    try:
        rules = parse_policy(form["reminders"])
    except PolicyError as bad:
        return await _preview(request, viewer, parsed, path.name, form, status=422, error=str(bad))
    if deadline is None:
        return await _preview(request, viewer, parsed, path.name, form, status=422,
                              error=strings.WEB_DEADLINE_BAD)
    if deadline <= now:
        return await _preview(request, viewer, parsed, path.name, form, status=422,
                              error=strings.DEADLINE_IN_PAST)
    async with console.app.uow() as uow:
        by = await uow.session.get(Member, viewer.member_id)
        await create_consultation(uow.session, parsed, title=form["title"][:200] or parsed.title or path.stem,
                                  deadline=deadline, now=now, source_name=path.name,
                                  reminders=rules, by=by)
        await uow.commit()
    discard(viewer, PURPOSE)
    return see_other("/dot-lay-y-kien?mo=1")


@page(Who.OFFICE)
async def add_document(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /du-thao/them-van-ban: the previewed draft joins the running round as one more
    document, under the short name members pick it by."""
    console = Console.of(request)
    previewed = await _previewed(request, viewer)
    if isinstance(previewed, web.Response):
        return previewed
    path, parsed = previewed
    posted = await request.post()
    form = {key: str(posted.get(key, "")).strip() for key in ("title", "document")}
    form |= _defaults(parsed, path.stem, console) | {k: v for k, v in form.items() if v}
    if not form["document"]:
        return await _preview(request, viewer, parsed, path.name, form, status=422,
                              error=strings.WEB_DRAFT_DOCUMENT_NEEDED)
    async with console.app.uow() as uow:
        by = await uow.session.get(Member, viewer.member_id)
        running = await current_consultation(uow.session)
        if running is None or not is_open(running, console.app.clock.now()):
            return await _preview(request, viewer, parsed, path.name, form, status=409,
                                  error=strings.ROUND_CLOSED_NO_ADD)
        await create_consultation(
            uow.session, parsed, title=form["title"][:200] or parsed.title or path.stem,
            deadline=running.deadline, now=console.app.clock.now(), source_name=path.name,
            by=by, joins=running, document=form["document"][:200])
        await uow.commit()
    discard(viewer, PURPOSE)
    return see_other("/dot-lay-y-kien?them=1")


@page(Who.OFFICE)
async def next_version(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /du-thao/phien-ban-moi: the previewed draft becomes the next version of a
    document of the current round (field `of`: its number, 1 = the first loaded), by the
    viewer (audited); then its changes are shown."""
    console = Console.of(request)
    previewed = await _previewed(request, viewer)
    if isinstance(previewed, web.Response):
        return previewed
    path, parsed = previewed
    posted = await request.post()
    label = str(posted.get("label", "")).strip()[:200]
    number = _number(str(posted.get("of", "")))
    async with console.app.uow() as uow:
        by = await uow.session.get(Member, viewer.member_id)
        document = await versions.document_for(uow.session, number)
        if document is None:
            return await _form(request, viewer, status=409, error=strings.CLI_NO_CONSULTATION)
        try:
            await versions.load_next_version(uow.session, document, parsed, now=console.app.clock.now(),
                                             label=label, source_name=path.name, by=by)
        except VersionError as refused:
            return await _preview(request, viewer, parsed, path.name,
                                  _defaults(parsed, path.stem, console), status=422, error=str(refused))
        await uow.commit()
    discard(viewer, PURPOSE)
    return see_other(f"/du-thao/phien-ban?of={number or 1}")


def _number(text: str) -> int | None:
    """A document's number from a form or a query (1 = the first loaded); None: the first."""
    return int(text) if text.isdigit() and 0 < len(text) < 4 else None


@page(Who.OFFICE)
async def version_changes(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /du-thao/phien-ban?of=N: what the newest version of document N changed, as
    `gopy draft diff` prints it."""
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        document = await versions.document_for(uow.session, _number(request.query.get("of", "")))
        if document is None or document.version == 1:
            lines = [strings.WEB_VERSION_NONE]
        else:
            lines = diff_lines(await versions.compare(uow.session, document))
    return await _form(request, viewer, changes=lines)


async def _previewed(
    request: web.Request, viewer: Viewer
) -> tuple[Path, ParsedDraft] | web.Response:
    """The draft this person uploaded and previewed, read again; or the page saying it is
    gone (used, or never uploaded) or unreadable."""
    path = waiting(viewer, PURPOSE)
    if path is None:
        return await _form(request, viewer, status=409, error=strings.WEB_UPLOAD_GONE)
    try:
        return path, read_draft_file(path)
    except DraftParseError as failed:
        discard(viewer, PURPOSE)
        return await _form(request, viewer, status=422, error=_why(failed))


def _why(failed: DraftParseError) -> str:
    if failed.line == 0:
        return strings.WEB_DRAFT_BAD_FILE
    return strings.WEB_DRAFT_NOT_SPLIT.format(line=failed.line, message=str(failed).split(": ", 1)[-1])
