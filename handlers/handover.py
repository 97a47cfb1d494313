"""A secretary's steps that reach other people: nudging the cell, submitting it to the Office."""

from __future__ import annotations

from datetime import timedelta

from content import strings
from handlers.actions import (
    AskNudge,
    AskSubmit,
    Overview,
    ProgressPage,
    Reopen,
    Resume,
    SendNudge,
    Submit,
)
from handlers.cell_views import time_left
from handlers.context import Context
from handlers.conversation import Button, Notify, Outgoing, Reply
from handlers.dispatch import handles
from handlers.locks import Closed, Submitted, cell_lock
from storage import audit, progress, submissions
from storage.audit import AuditAction
from storage.consultations import is_open, round_documents, section_count
from storage.documents import unfinished_documents
from storage.models import Cell, CellSubmission, Consultation
from storage.progress import MemberStatus, Status

NUDGE_EVERY = timedelta(hours=1)  # per cell, whoever of its secretaries nudges


def cell_of(ctx: Context) -> Cell:
    """Always the secretary's own cell, from the roster; never from a payload."""
    return ctx.member.cell


def round_of(ctx: Context) -> Consultation:
    """The document the secretary reads; what is handed up or nudged is the round's
    (its round_id): one «chốt» covers every document of it."""
    if ctx.consultation is None:
        raise RuntimeError("secretary handler reached without a consultation")
    return ctx.consultation


async def writable(ctx: Context) -> str | None:
    """Why the cell cannot change now (deadline passed, or submitted), or None if it can."""
    match await cell_lock(ctx):
        case Closed(deadline):
            return strings.CELL_CLOSED.format(deadline=ctx.local(deadline))
        case Submitted(at):
            return strings.CELL_LOCKED.format(when=ctx.local(at), reopen=strings.BTN_REOPEN)
    return None


def _back() -> tuple[tuple[Button, ...], ...]:
    return ((Button.to(strings.BTN_CELL_PROGRESS, ProgressPage(1)),),)


async def _nudge_targets(ctx: Context) -> tuple[list[MemberStatus], str | None]:
    """Who a nudge would reach now, or why there is to be no nudge."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    if refusal := await writable(ctx):
        return [], refusal
    last = await submissions.last_nudge_at(ctx.session, consultation.round_id, cell.id)
    if last is not None and ctx.now - last < NUDGE_EVERY:
        return [], strings.NUDGE_TOO_SOON.format(
            when=ctx.local(last), next=ctx.local(last + NUDGE_EVERY)
        )
    members = await progress.cell_members(ctx.session, consultation.id, cell.id)
    # Unfinished: in any document of the round (the one being read is among them).
    left = await unfinished_documents(ctx.session, consultation.round_id,
                                      [m.member_id for m in members])
    pending = [m for m in members if m.member_id in left and m.member_id != ctx.member.id]
    if not pending:
        return [], strings.NUDGE_NOBODY
    return pending, None


@handles(AskNudge)
async def ask_nudge(ctx: Context, _: AskNudge) -> list[Outgoing]:
    pending, refusal = await _nudge_targets(ctx)
    if refusal:
        return [Reply(refusal, buttons=_back())]
    reachable = [m.full_name for m in pending if m.reachable]
    away = [m.full_name for m in pending if not m.reachable]
    parts = []
    if reachable:
        parts.append(strings.NUDGE_ASK.format(count=len(reachable), names=", ".join(reachable)))
    if away:
        parts.append(strings.NUDGE_UNREACHABLE.format(names=", ".join(away)))
    rows: list[tuple[Button, ...]] = []
    if reachable:
        rows.append((Button.to(strings.BTN_NUDGE_SEND, SendNudge()),))
    rows.append((Button.to(strings.BTN_CANCEL, ProgressPage(1)),))
    return [Reply(_fit(ctx, "\n\n".join(parts)), buttons=tuple(rows))]


@handles(SendNudge)
async def nudge(ctx: Context, _: SendNudge) -> list[Outgoing]:
    """Remind the cell's unfinished members now; recorded so the next is an hour away."""
    pending, refusal = await _nudge_targets(ctx)
    if refusal:
        return [Reply(refusal, buttons=_back())]
    consultation, cell = round_of(ctx), cell_of(ctx)
    targets = [m.member_id for m in pending if m.reachable]
    minute = ctx.now.astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")
    submissions.record_nudges(ctx.session, consultation.round_id, cell.id, targets, minute, ctx.now)
    text = strings.NUDGE_TEXT.format(
        secretary=ctx.member.full_name,
        cell=cell.name,
        deadline=ctx.local(consultation.deadline),
        left=time_left(ctx.now, consultation.deadline),
    )
    go = ((Button.to(strings.BTN_CONTINUE, Resume()),),)
    notices: list[Outgoing] = [Notify(member_id, Reply(text, buttons=go)) for member_id in targets]
    return [Reply(strings.NUDGE_SENT.format(count=len(targets)), buttons=_back()), *notices]


async def _figures(ctx: Context) -> dict[str, int]:
    """What a submission hands up, in numbers: the «chốt» is the round's, so every document
    of it (a member has finished when they finished each)."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    statuses: dict[int, list[Status]] = {}
    figures = {"comments": 0, "sections": 0, "count": 0, "opinions": 0}
    for document in await round_documents(ctx.session, consultation.round_id):
        for member in await progress.cell_members(ctx.session, document.id, cell.id):
            statuses.setdefault(member.member_id, []).append(member.status)
        tallies = await progress.cell_tallies(ctx.session, document.id, cell.id)
        figures["comments"] += sum(t.answered for t in tallies.values())
        figures["sections"] += sum(1 for t in tallies.values() if t.answered)
        figures["count"] += await section_count(ctx.session, document.id)
        figures["opinions"] += await submissions.opinion_count(ctx.session, document.id, cell.id)
    finished = sum(1 for s in statuses.values() if all(x is Status.FINISHED for x in s))
    started = sum(1 for s in statuses.values()
                  if any(x is not Status.NOT_STARTED for x in s)) - finished
    return {"total": len(statuses), "finished": finished, "started": started,
            "idle": len(statuses) - finished - started, **figures}


async def _already(ctx: Context, submission: CellSubmission) -> list[Outgoing]:
    name = await submissions.member_name(ctx.session, submission.submitted_by)
    text = strings.SUBMITTED_ALREADY.format(when=ctx.local(submission.submitted_at), name=name)
    rows = list(_back())
    if is_open(round_of(ctx), ctx.now):
        rows.insert(0, (Button.to(strings.BTN_REOPEN, Reopen()),))
    return [Reply(text, buttons=tuple(rows))]


@handles(AskSubmit)
async def ask_submit(ctx: Context, _: AskSubmit) -> list[Outgoing]:
    """Show what will be handed up, and ask to confirm."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    submission = await submissions.submission_of(ctx.session, consultation.round_id, cell.id)
    if submissions.is_in_force(submission):
        assert submission is not None
        return await _already(ctx, submission)
    text = strings.SUBMIT_ASK.format(
        cell=cell.name, deadline=ctx.local(consultation.deadline), **await _figures(ctx)
    )
    rows = (
        (Button.to(strings.BTN_SUBMIT_YES, Submit()),),
        (Button.to(strings.BTN_CANCEL, ProgressPage(1)),),
    )
    return [Reply(text, buttons=rows)]


@handles(Submit)
async def submit(ctx: Context, _: Submit) -> list[Outgoing]:
    """Record who submitted and when, and tell every Office member. Allowed after the deadline."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    existing = await submissions.submission_of(ctx.session, consultation.round_id, cell.id)
    if submissions.is_in_force(existing):
        assert existing is not None
        return await _already(ctx, existing)
    await submissions.submit(ctx.session, consultation.round_id, cell.id, ctx.member.id, ctx.now)
    audit.record(ctx.session, AuditAction.CELL_SUBMITTED, ctx.now, by=ctx.member,
                 detail={"cell": cell.code, "consultation_id": consultation.id})
    when = ctx.local(ctx.now)
    figures = await _figures(ctx)
    notice = strings.OFFICE_SUBMITTED.format(
        cell=cell.name,
        organization=cell.organization.name,
        when=when,
        name=ctx.member.full_name,
        **figures,
    )
    return [
        Reply(strings.SUBMITTED.format(when=when), buttons=_back()),
        *await _tell_office(ctx, notice),
    ]


@handles(Reopen)
async def reopen(ctx: Context, _: Reopen) -> list[Outgoing]:
    """Let members change their comments again; only before the deadline."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    submission = await submissions.submission_of(ctx.session, consultation.round_id, cell.id)
    if not submissions.is_in_force(submission):
        return [Reply(strings.NOT_SUBMITTED, buttons=_back())]
    assert submission is not None
    if not is_open(consultation, ctx.now):
        return [Reply(strings.REOPEN_CLOSED.format(deadline=ctx.local(consultation.deadline)))]
    await submissions.reopen(ctx.session, submission, ctx.now)
    audit.record(ctx.session, AuditAction.CELL_REOPENED, ctx.now, by=ctx.member,
                 detail={"cell": cell.code, "consultation_id": consultation.id})
    notice = strings.OFFICE_REOPENED.format(
        cell=cell.name,
        organization=cell.organization.name,
        name=ctx.member.full_name,
        when=ctx.local(ctx.now),
    )
    text = strings.REOPENED.format(deadline=ctx.local(consultation.deadline))
    return [Reply(text, buttons=_back()), *await _tell_office(ctx, notice)]


async def _tell_office(ctx: Context, text: str) -> list[Outgoing]:
    overview = ((Button.to(strings.BTN_OVERVIEW, Overview(1)),),)
    office = await submissions.office_member_ids(ctx.session)
    return [Notify(member_id, Reply(text, buttons=overview)) for member_id in office]


def _fit(ctx: Context, text: str) -> str:
    return text if len(text) <= ctx.caps.max_text else text[: ctx.caps.max_text - 1] + "…"
