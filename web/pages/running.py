"""Đợt lấy ý kiến: the running round's deadline and reminder policy, changed from the console;
members who have not finished are told a new deadline in the same unit of work."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.reminder_policy import PolicyError, format_policy, parse_policy, slots
from content import strings
from handlers.actions import Resume
from handlers.cell_views import time_left
from handlers.conversation import Button, Notify, Reply
from storage.consultations import (
    current_consultation,
    current_round,
    move_deadline,
    section_count,
    set_reminders,
)
from storage.models import Member
from web import notices
from web.access import Viewer, Who, page
from web.pages.draft import as_field, parse_local
from web.render import Console, render
from web.sign_in import see_other


async def _page(request: web.Request, viewer: Viewer, *, status: int = 200, **context: Any) -> web.Response:
    console = Console.of(request)
    now = console.app.clock.now()
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        documents = [(d.name, await section_count(uow.session, d.id))
                     for d in await current_round(uow.session)]
    context.setdefault("error", "")
    context.setdefault("done", "")
    context.setdefault("documents", documents)
    if consultation is None:
        return render(request, "running.html", status=status, viewer=viewer, active="round",
                      consultation=None, **context)
    tz = console.app.settings.tz
    context.setdefault("deadline_field", as_field(consultation.deadline, console))
    context.setdefault("policy", format_policy(consultation.reminders))
    return render(request, "running.html", status=status, viewer=viewer, active="round",
                  consultation=consultation, left=time_left(now, consultation.deadline),
                  slots=[s for s in slots(consultation.deadline, consultation.reminders, tz)
                         if s.at > now],
                  timezone=console.app.settings.timezone, **context)


@page(Who.OFFICE)
async def running(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """GET /dot-lay-y-kien; ?mo=1 after opening a round, ?them=1 after adding a document,
    ?nhac=1 after saving the policy."""
    if request.query.get("nhac") == "1":
        return await _page(request, viewer, done=strings.WEB_ROUND_REMINDERS_SAVED)
    if request.query.get("them") == "1":
        async with Console.of(request).app.uow(write=False) as uow:
            documents = await current_round(uow.session)
            done = strings.WEB_DOCUMENT_ADDED.format(
                name=documents[-1].name, count=await section_count(uow.session, documents[-1].id)
            ) if documents else ""
        return await _page(request, viewer, done=done)
    if request.query.get("mo") != "1":
        return await _page(request, viewer)
    console = Console.of(request)
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        count = await section_count(uow.session, consultation.id) if consultation else 0
    done = strings.WEB_ROUND_OPENED.format(title=consultation.title, count=count) if consultation else ""
    return await _page(request, viewer, done=done)


@page(Who.OFFICE)
async def change_deadline(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /dot-lay-y-kien/han-chot: move the deadline, tell the unfinished members."""
    console = Console.of(request)
    posted = await request.post()
    text = str(posted.get("deadline", ""))
    when = parse_local(text, console)
    if when is None:
        return await _page(request, viewer, status=422, error=strings.WEB_DEADLINE_BAD,
                           deadline_field=text)
    now = console.app.clock.now()
    async with console.app.uow() as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            return await _page(request, viewer, status=409)
        before = consultation.deadline
        by = await uow.session.get(Member, viewer.member_id)
        try:
            unfinished = await move_deadline(uow.session, consultation, when, by=by, now=now)
        except ValueError as refused:
            return await _page(request, viewer, status=422, error=str(refused), deadline_field=text)
        notice = strings.DEADLINE_MOVED_NOTICE.format(
            title=consultation.title, deadline=console.local(when), before=console.local(before))
        go = ((Button.to(strings.BTN_CONTINUE, Resume()),),)
        told = [Notify(member_id, Reply(notice, buttons=go)) for member_id in unfinished]
        await notices.queue(console, uow.session, viewer.member_id, told, now)
        await uow.commit()
    notices.wake(console)
    return await _page(request, viewer, done=strings.WEB_ROUND_DEADLINE_MOVED.format(
        deadline=console.local(when), count=len(unfinished)))


@page(Who.OFFICE)
async def change_reminders(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """POST /dot-lay-y-kien/nhac: a new reminder policy for the running round."""
    console = Console.of(request)
    posted = await request.post()
    text = str(posted.get("reminders", "")).strip()
    try:
        rules = parse_policy(text)
    except PolicyError as bad:
        return await _page(request, viewer, status=422, error=str(bad), policy=text)
    async with console.app.uow() as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            return await _page(request, viewer, status=409)
        by = await uow.session.get(Member, viewer.member_id)
        set_reminders(uow.session, consultation, rules, by=by, now=console.app.clock.now(),
                      policy=format_policy(rules))
        await uow.commit()
    return see_other("/dot-lay-y-kien?nhac=1")
