"""What a cell secretary does: watch the cell's progress, nudge, write its opinion, submit it.

The cell is always the secretary's own (ctx.member.cell_id): no action carries a cell, and
handlers/dispatch.py refuses these actions as stale to anyone who is not a secretary.
"""

from __future__ import annotations

import re
from datetime import timedelta

from content import strings
from content.text import fold
from handlers import cell_views as views
from handlers import fallback
from handlers.actions import (
    AskNudge,
    AskOpinion,
    AskSubmit,
    DeleteOpinion,
    DownloadCell,
    ProgressPage,
    Reopen,
    Resume,
    SectionComments,
    SectionsPage,
)
from handlers.context import Context
from handlers.conversation import Button, ExportRequest, Outgoing, Reply
from handlers.dispatch import handles
from handlers.handover import cell_of, round_of, writable
from handlers.roles import has_role
from storage import progress, stances, submissions
from storage.consultations import is_open, lineage, list_sections, section_at, section_by_id
from storage.documents import round_figures
from storage.models import Role
from storage.progress import Status

OPINION_WAIT = timedelta(hours=1)  # a pending "write the cell's opinion" lapses after this
OPINION = "opinion:"


@handles(ProgressPage)
async def show_progress(ctx: Context, action: ProgressPage) -> list[Outgoing]:
    consultation, cell = round_of(ctx), cell_of(ctx)
    members = await progress.cell_members(ctx.session, consultation.id, cell.id)
    sections = await list_sections(ctx.session, consultation.id)
    tallies = await progress.cell_tallies(ctx.session, consultation.id, cell.id)
    opinions = await submissions.opinions(ctx.session, consultation.id, cell.id)
    submission = await submissions.submission_of(ctx.session, consultation.round_id, cell.id)
    finished = sum(1 for m in members if m.status is Status.FINISHED)
    started = sum(1 for m in members if m.status is Status.STARTED)
    heading = [
        strings.PROGRESS_TITLE.format(cell=cell.name, code=cell.code),
        views.deadline_line(ctx, consultation),
        strings.PROGRESS_COUNTS.format(
            finished=finished,
            total=len(members),
            started=started,
            idle=len(members) - finished - started,
        ),
        *views.round_lines(await round_figures(ctx.session, consultation.round_id, cell.id)),
    ]
    heading += views.stance_lines(
        await stances.round_tallies(ctx.session, consultation, len(members), cell.id))
    if submissions.is_in_force(submission):
        assert submission is not None
        name = await submissions.member_name(ctx.session, submission.submitted_by)
        heading.append(
            strings.PROGRESS_SUBMITTED.format(when=ctx.local(submission.submitted_at), name=name)
        )
    else:
        heading.append(strings.PROGRESS_NOT_SUBMITTED)
    text = views.progress_text(consultation, heading, members, sections, tallies, opinions)
    chunk, page, pages = views.page_of(text, ctx.caps, action.page)
    rows: list[tuple[Button, ...]] = []
    if more := views.pager(ProgressPage, page, pages):
        rows.append(more)
    rows.append((Button.to(strings.BTN_CELL_SECTIONS, SectionsPage(1)),))
    if is_open(consultation, ctx.now) and not submissions.is_in_force(submission):
        rows.append((Button.to(strings.BTN_NUDGE, AskNudge()),))
    rows.append((Button.to(strings.BTN_DOWNLOAD_CSV, DownloadCell()),))
    if submissions.is_in_force(submission):
        if is_open(consultation, ctx.now):
            rows.append((Button.to(strings.BTN_REOPEN, Reopen()),))
    else:
        rows.append((Button.to(strings.BTN_SUBMIT, AskSubmit()),))
    rows.append((Button.to(strings.BTN_MY_COMMENTS, Resume()),))
    return [Reply(chunk, buttons=tuple(rows))]


@handles(SectionsPage)
async def show_sections(ctx: Context, action: SectionsPage) -> list[Outgoing]:
    consultation, cell = round_of(ctx), cell_of(ctx)
    sections = await list_sections(ctx.session, consultation.id)
    tallies = await progress.cell_tallies(ctx.session, consultation.id, cell.id)
    opinions = await submissions.opinions(ctx.session, consultation.id, cell.id)
    return [views.sections_reply(cell.name, sections, tallies, opinions, action.page, ctx.caps)]


@handles(SectionComments)
async def open_section(ctx: Context, action: SectionComments) -> list[Outgoing]:
    """A section from the cell's list or the arrows between sections: the cell's comments."""
    return await show_section(ctx, action.position)


async def show_section(ctx: Context, position: int) -> list[Outgoing]:
    """The cell's comments on one section, with its opinion and what can be done about it."""
    consultation, cell = round_of(ctx), cell_of(ctx)
    sections = await list_sections(ctx.session, consultation.id)
    section = await section_at(ctx.session, consultation.id, position)
    if section is None:
        return fallback.stale_button()
    versions = [s.id for s in await lineage(ctx.session, consultation.id, section)]
    entries = await progress.section_comments(ctx.session, cell.id, versions)
    members = await progress.cell_members(ctx.session, consultation.id, cell.id)
    tally = (await progress.cell_tallies(ctx.session, consultation.id, cell.id)).get(section.id)
    heading = strings.CELL_SECTION_COUNTS.format(
        cell=cell.name, answered=len(entries), total=len(members)
    )
    if tally is not None:
        heading += "\n" + views.spread(consultation, tally)
    opinion = await submissions.opinion_of(ctx.session, cell.id, section.id)
    actions: list[tuple[Button, ...]] = []
    if await writable(ctx) is None:
        row = [Button.to(strings.BTN_OPINION, AskOpinion(section.id))]
        if opinion is not None:
            row.append(Button.to(strings.BTN_OPINION_DELETE, DeleteOpinion(section.id)))
        actions.append(tuple(row))
    actions.append((Button.to(strings.BTN_CELL_PROGRESS, ProgressPage(1)),))
    return list(
        views.section_replies(
            consultation,
            section,
            len(sections),
            heading,
            entries,
            opinion,
            tuple(actions),
            ctx.caps,
        )
    )


@handles(AskOpinion)
async def ask_opinion(ctx: Context, action: AskOpinion) -> list[Outgoing]:
    """The next text this secretary types becomes the cell's opinion on the section."""
    section = await section_by_id(ctx.session, round_of(ctx).id, action.section_id)
    if section is None or ctx.identity is None:
        return fallback.stale_button()
    if refusal := await writable(ctx):
        return [Reply(refusal)]
    ctx.identity.awaiting = f"{OPINION}{section.id}"
    ctx.identity.awaiting_since = ctx.now
    text = strings.OPINION_ASK.format(position=section.position, title=section.label)
    current = await submissions.opinion_of(ctx.session, cell_of(ctx).id, section.id)
    if current is not None:
        text += "\n\n" + strings.OPINION_CURRENT.format(text=current.text)
    text = text if len(text) <= ctx.caps.max_text else text[: ctx.caps.max_text - 1] + "…"
    back = Button.to(strings.BTN_CANCEL, SectionComments(section.position))
    return [Reply(text, buttons=((back,),))]


def forget_pending(ctx: Context) -> None:
    """Any tap or command cancels a pending opinion: only text typed right after it counts."""
    if ctx.identity is not None and ctx.identity.awaiting:
        ctx.identity.awaiting = None
        ctx.identity.awaiting_since = None


def awaiting_opinion(ctx: Context) -> int | None:
    """The section id whose cell opinion the next text is, if that is still what it is for."""
    identity = ctx.identity
    if identity is None or not identity.awaiting or not identity.awaiting.startswith(OPINION):
        return None
    since = identity.awaiting_since
    if since is None or ctx.now - since > OPINION_WAIT or not has_role(ctx, Role.SECRETARY):
        forget_pending(ctx)
        return None
    section_id = identity.awaiting.removeprefix(OPINION)
    return int(section_id) if section_id.isdigit() else None


async def opinion_text(ctx: Context, section_id: int) -> list[Outgoing]:
    forget_pending(ctx)
    consultation = round_of(ctx)
    section = await section_by_id(ctx.session, consultation.id, section_id)
    text = ctx.inbound.text.strip()
    if section is None:
        return fallback.stale_button()
    if not text:
        return [Reply(strings.TEXT_EMPTY)]
    if refusal := await writable(ctx):
        return [Reply(refusal)]
    limit = min(ctx.limits.max_message_chars, ctx.limits.max_comment_chars)
    if len(text) > limit:
        return [Reply(strings.TEXT_TOO_LONG.format(chars=len(text), limit=limit))]
    await submissions.save_opinion(
        ctx.session,
        consultation_id=consultation.id,
        cell_id=cell_of(ctx).id,
        section_id=section.id,
        author_id=ctx.member.id,
        text=text,
        now=ctx.now,
    )
    buttons = (
        (
            Button.to(
                strings.BTN_SECTION.format(position=section.position),
                SectionComments(section.position),
            ),
            Button.to(strings.BTN_CELL_PROGRESS, ProgressPage(1)),
        ),
    )
    return [
        Reply(strings.OPINION_SAVED.format(position=section.position, chars=len(text)), buttons)
    ]


@handles(DeleteOpinion)
async def delete_opinion(ctx: Context, action: DeleteOpinion) -> list[Outgoing]:
    section = await section_by_id(ctx.session, round_of(ctx).id, action.section_id)
    if section is None:
        return fallback.stale_button()
    if refusal := await writable(ctx):
        return [Reply(refusal)]
    if not await submissions.delete_opinion(ctx.session, cell_of(ctx).id, section.id):
        return [Reply(strings.OPINION_NONE.format(position=section.position))]
    done = Reply(strings.OPINION_DELETED.format(position=section.position))
    return [done, *await show_section(ctx, section.position)]


@handles(DownloadCell)
async def download(ctx: Context, _: DownloadCell) -> list[Outgoing]:
    """The cell's comments as a CSV document in the chat, built after this event is saved."""
    cell = cell_of(ctx)
    stamp = ctx.now.astimezone(ctx.tz).strftime("%Y%m%d-%H%M")
    name = re.sub(r"[^a-z0-9]+", "-", fold(cell.code)).strip("-") or str(cell.id)
    request = ExportRequest(round_of(ctx).id, f"gop-y-{name}-{stamp}.csv", cell.name,
                            cell_code=cell.code)
    return [Reply(strings.EXPORT_PREPARING, export=request)]
