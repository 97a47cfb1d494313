"""What a party member does: read the draft section by section and comment on it."""

from __future__ import annotations

import uuid
from dataclasses import replace

from content import strings
from content.text import shorten
from handlers import documents, precise_views, roles, versions, views
from handlers.actions import (
    AskClear,
    Choose,
    Clear,
    Confirm,
    Contents,
    Documents,
    Finish,
    NextSection,
    OpenDocument,
    OpenSection,
    PreviousSection,
    Resume,
    Review,
    ShowPage,
)
from handlers.context import Context
from handlers.conversation import Button, Outgoing, PageShown, Reply
from handlers.dispatch import handles
from handlers.locks import Closed, Submitted, cell_lock
from storage import comments as store
from storage.comments import Passage
from storage.consultations import (
    earlier_section,
    is_open,
    list_sections,
    section_at,
    section_by_id,
    section_count,
)
from storage.models import Consultation, Section


def _consultation(ctx: Context) -> Consultation:
    if ctx.consultation is None:
        raise RuntimeError("member handler reached without a consultation")
    return ctx.consultation


@handles(Resume)
async def resume(ctx: Context, _: Resume) -> list[Outgoing]:
    """The continue button under a reminder or a nudge does what /start does."""
    return await start(ctx)


async def start(ctx: Context) -> list[Outgoing]:
    """/start or the first message after linking: the introduction, or resume where they were;
    in a round of several documents, the menu of them unless one is part-way read."""
    if (menu := await documents.at_start(ctx, roles.entry_rows(ctx.member))) is not None:
        return [menu]
    return await start_document(ctx)


@handles(Documents)
async def show_documents(ctx: Context, _: Documents) -> list[Outgoing]:
    items = await documents.progress(ctx)
    if len(items) < 2:
        return await start_document(ctx)
    deadline = ctx.local(_consultation(ctx).deadline)
    text = strings.DOCUMENTS_INTRO.format(count=len(items), deadline=deadline)
    return [documents.menu(ctx, items, text)]


@handles(OpenDocument)
async def open_document(ctx: Context, action: OpenDocument) -> list[Outgoing]:
    """A document from the menu: read from where the member was in it, or its introduction.
    A button naming a document of another round is refused and nothing changes."""
    document = await documents.of_round(ctx, action.consultation_id)
    if document is None:
        items = await documents.progress(ctx)
        return [documents.menu(ctx, items, strings.DOCUMENT_NOT_IN_ROUND)]
    documents.read(ctx, document)
    return await start_document(ctx)


async def start_document(ctx: Context) -> list[Outgoing]:
    """The document the member reads: its introduction, or resume where they were."""
    consultation = _consultation(ctx)
    count = await section_count(ctx.session, consultation.id)
    progress = await store.get_progress(ctx.session, ctx.member.id, consultation.id)
    extra = (*await documents.switch_button(ctx), *roles.entry_rows(ctx.member))
    if progress is None:
        text = strings.INTRO.format(
            title=consultation.title,
            ask=consultation.intro,
            count=count,
            deadline=ctx.local(consultation.deadline),
        )
        if not is_open(consultation, ctx.now):
            closed = strings.CLOSED.format(deadline=ctx.local(consultation.deadline))
            return [Reply(text), Reply(closed, buttons=extra)]
        return [Reply(text, buttons=((Button.to(strings.BTN_START, OpenSection(1)),), *extra))]
    news = await versions.news(ctx, progress)
    if progress.section_position > count:
        menu = [Reply(strings.ROLE_MENU, buttons=extra)] if extra else []
        return [*news, *menu, *await finish(ctx)]
    welcome = Reply(
        strings.WELCOME_BACK.format(position=progress.section_position, count=count), buttons=extra
    )
    return [*news, welcome, *await show(ctx, progress.section_position, progress.page)]


@handles(OpenSection)
async def open_section(ctx: Context, action: OpenSection) -> list[Outgoing]:
    """A section from the contents, the arrows or the start button: from its first page."""
    return await show(ctx, action.position)


async def show(ctx: Context, position: int, page: int = 1) -> list[Outgoing]:
    """Show a section page and remember it as the member's place."""
    consultation = _consultation(ctx)
    count = await section_count(ctx.session, consultation.id)
    position = min(max(position, 1), count)
    section = await section_at(ctx.session, consultation.id, position)
    if section is None:
        return [Reply(strings.STALE_BUTTON)]
    said = await versions.comment_on(ctx, section)
    reply = views.section_reply(consultation, section, count, page, said.comment, ctx.caps,
                                earlier=said.earlier)
    shown = min(max(page, 1), len(views.section_pages(section, ctx.caps)))
    progress = await store.move_to(ctx.session, ctx.member.id, consultation.id, position, page,
                                   ctx.now)
    before = [*await versions.news(ctx, progress), *await versions.change_note(ctx, section, said)]
    return [*before, replace(reply, shows=PageShown(section.id, shown))]


async def stale(ctx: Context, section_id: int) -> list[Outgoing]:
    """A button naming a section of an earlier version: on to the section it became."""
    said, position = await versions.stale(ctx, section_id)
    return [*said, *await show(ctx, position)] if position is not None else said


@handles(ShowPage)
async def show_page(ctx: Context, action: ShowPage) -> list[Outgoing]:
    section = await documents.section_of_round(ctx, action.section_id)
    if section is None:
        return await stale(ctx, action.section_id)
    return await show(ctx, section.position, action.page)


@handles(Choose)
async def choose(ctx: Context, action: Choose) -> list[Outgoing]:
    """«Nhất trí» and the other choices: saved on the section, then on to the next one."""
    section = await documents.section_of_round(ctx, action.section_id)
    consultation = _consultation(ctx)
    choices = consultation.choices
    index = action.index
    if section is None:
        return await stale(ctx, action.section_id)
    if not 0 <= index < len(choices):
        return [Reply(strings.STALE_BUTTON)]
    if refusal := await refuse_writes(ctx):
        return refusal
    label = str(choices[index]["label"])
    await store.set_choice(ctx.session, ctx.member, section, label, ctx.now)
    if choices[index].get("asks_text"):
        await store.move_to(ctx.session, ctx.member.id, consultation.id, section.position, 1, ctx.now)
        return [Reply(strings.CHOICE_ASKS_TEXT.format(choice=label, position=section.position))]
    saved = Reply(strings.CHOICE_SAVED.format(choice=label, position=section.position))
    count = await section_count(ctx.session, consultation.id)
    if section.position >= count:
        return [saved, *await finish(ctx)]
    return [saved, *await show(ctx, section.position + 1)]


async def comment_text(ctx: Context) -> list[Outgoing]:
    """Free text typed while on a section becomes (part of) the comment on that section."""
    section, refusal = await current_section(ctx)
    if section is None:
        return refusal
    return await save_text(ctx, section, ctx.inbound.text.strip())


async def current_section(ctx: Context) -> tuple[Section | None, list[Outgoing]]:
    """The section the member is reading, or what to tell them when they are not reading one."""
    consultation = _consultation(ctx)
    progress = await store.get_progress(ctx.session, ctx.member.id, consultation.id)
    if progress is None:
        return None, [
            Reply(
                strings.TEXT_BEFORE_START.format(start=strings.BTN_START),
                buttons=((Button.to(strings.BTN_START, OpenSection(1)),),),
            )
        ]
    section = await section_at(ctx.session, consultation.id, progress.section_position)
    if section is None:
        return None, [
            Reply(strings.TEXT_AT_FINISH, buttons=((Button.to(strings.BTN_TOC, Contents(1)),),))
        ]
    return section, []


async def save_text(
    ctx: Context, section: Section, text: str, passage: Passage | None = None, note: str = ""
) -> list[Outgoing]:
    """Add `text` to the member's comment on `section` (about `passage` when given), or say
    why not; `note` tells the member something about where it went, once it is saved."""
    consultation = _consultation(ctx)
    if not text:
        return [Reply(strings.TEXT_EMPTY)]
    if refusal := await refuse_writes(ctx):
        return refusal
    if len(text) > ctx.limits.max_message_chars:
        return [
            Reply(strings.TEXT_TOO_LONG.format(chars=len(text), limit=ctx.limits.max_message_chars))
        ]
    existing = await store.get_comment(ctx.session, ctx.member.id, section.id, for_update=True)
    if existing is not None and len(existing.text) + len(text) > ctx.limits.max_comment_chars:
        return [
            Reply(
                strings.COMMENT_TOO_LONG.format(
                    position=section.position, limit=ctx.limits.max_comment_chars
                )
            )
        ]
    comment = await store.add_text(ctx.session, ctx.member, section, text, _source(ctx), ctx.now,
                                   comment=existing, passage=passage)
    count = await section_count(ctx.session, consultation.id)
    nav = [Button.to(strings.BTN_TOC, Contents(1))]
    if section.position < count:
        nav.append(Button.to(strings.BTN_NEXT, OpenSection(section.position + 1)))
    else:
        nav.append(Button.to(strings.BTN_FINISH, Finish()))
    if passage is not None:
        where = shorten(passage.label(), 120)
        saved = strings.PASSAGE_SAVED.format(position=section.position, where=where)
    else:
        saved = strings.TEXT_SAVED.format(position=section.position, chars=len(comment.text))
    return [Reply(f"{note}\n\n{saved}" if note else saved, buttons=(tuple(nav),))]


async def edited_text(ctx: Context) -> list[Outgoing]:
    """The member edited a message that was saved as a comment: the comment follows."""
    part = await store.part_by_source(ctx.session, ctx.member.id, _source(ctx))
    if part is None:
        return []
    if refusal := await refuse_writes(ctx):
        return refusal
    text = ctx.inbound.text.strip()
    if not text or len(text) > ctx.limits.max_message_chars:
        return [
            Reply(strings.TEXT_TOO_LONG.format(chars=len(text), limit=ctx.limits.max_message_chars))
        ]
    comment = await store.edit_part(ctx.session, part, text, ctx.now)
    section = (await section_by_id(ctx.session, _consultation(ctx).id, comment.section_id)
               or await earlier_section(ctx.session, _consultation(ctx).id, comment.section_id))
    if section is None:
        return []
    return [Reply(strings.TEXT_UPDATED.format(position=section.position))]


@handles(AskClear)
async def ask_clear(ctx: Context, action: AskClear) -> list[Outgoing]:
    section = await documents.section_of_round(ctx, action.section_id)
    if section is None:
        return await stale(ctx, action.section_id)
    buttons = (
        (Button.to(strings.BTN_CLEAR_YES, Clear(section.id)),),
        (Button.to(strings.BTN_CANCEL, OpenSection(section.position)),),
    )
    return [Reply(strings.CLEAR_ASK.format(position=section.position), buttons=buttons)]


@handles(Clear)
async def clear(ctx: Context, action: Clear) -> list[Outgoing]:
    section = await documents.section_of_round(ctx, action.section_id)
    if section is None:
        return await stale(ctx, action.section_id)
    if refusal := await refuse_writes(ctx):
        return refusal
    comment = await store.get_comment(ctx.session, ctx.member.id, section.id)
    if comment is None or not comment.text:
        return [Reply(strings.NOTHING_TO_CLEAR.format(position=section.position))]
    await store.clear_text(ctx.session, comment, ctx.now)
    done = Reply(strings.CLEARED.format(position=section.position))
    return [done, *await show(ctx, section.position)]


@handles(Contents)
async def toc(ctx: Context, action: Contents) -> list[Outgoing]:
    consultation = _consultation(ctx)
    sections = await list_sections(ctx.session, consultation.id)
    mine = await versions.my_comments(ctx)
    return [*await versions.news_now(ctx), views.toc_reply(sections, mine, action.page, ctx.caps)]


@handles(Review)
async def review(ctx: Context, _: Review) -> list[Outgoing]:
    consultation = _consultation(ctx)
    sections = await list_sections(ctx.session, consultation.id)
    mine = await versions.my_comments(ctx)
    return [*views.review_replies(sections, mine, ctx.caps), *await precise_views.review_reply(ctx)]


@handles(Finish)
async def ask_finish(ctx: Context, _: Finish) -> list[Outgoing]:
    """Finish, tapped or typed: the summary, with the button to confirm."""
    return await finish(ctx)


async def finish(ctx: Context) -> list[Outgoing]:
    """The summary before confirming; the member's place becomes 'after the last section'."""
    consultation = _consultation(ctx)
    sections = await list_sections(ctx.session, consultation.id)
    mine = await versions.my_comments(ctx)
    answered = [s for s in sections if store.has_content(mine.get(s.id))]
    missing = [str(s.position) for s in sections if s not in answered]
    progress = await store.move_to(
        ctx.session, ctx.member.id, consultation.id, len(sections) + 1, 1, ctx.now
    )
    news = await versions.news(ctx, progress)
    lines = [strings.FINISH_TITLE.format(answered=len(answered), count=len(sections))]
    if missing:
        lines.append(strings.FINISH_MISSING.format(positions=", ".join(missing)))
    if progress.finished_at is not None:
        lines.append(strings.FINISHED_ALREADY.format(when=ctx.local(progress.finished_at)))
    deadline = ctx.local(consultation.deadline)
    rows: list[tuple[Button, ...]] = []
    if is_open(consultation, ctx.now):
        stance, stance_rows = await precise_views.stance_lines(ctx)
        lines += stance
        rows += stance_rows
        lines.append(strings.FINISH_ASK.format(confirm=strings.BTN_CONFIRM, deadline=deadline))
        rows.append((Button.to(strings.BTN_CONFIRM, Confirm()),))
    rows.append(_review_or_contents())
    rows += await documents.switch_button(ctx)
    return [*news, Reply("\n\n".join(lines), buttons=tuple(rows))]


@handles(Confirm)
async def confirm(ctx: Context, _: Confirm) -> list[Outgoing]:
    consultation = _consultation(ctx)
    if refusal := await refuse_writes(ctx):
        return refusal
    progress = await store.get_progress(ctx.session, ctx.member.id, consultation.id)
    if progress is None:
        return await start_document(ctx)
    if progress.finished_at is None:
        progress.finished_at = ctx.now
    deadline = ctx.local(consultation.deadline)
    done = Reply(strings.FINISHED.format(deadline=deadline), buttons=(_review_or_contents(),))
    return [done, *await documents.after_confirm(ctx)]


def _review_or_contents() -> tuple[Button, ...]:
    return (Button.to(strings.BTN_REVIEW, Review()), Button.to(strings.BTN_TOC, Contents(1)))


async def refuse_writes(ctx: Context) -> list[Outgoing] | None:
    """After the deadline, or once the cell is submitted, nothing changes; say so instead."""
    match await cell_lock(ctx):
        case Closed(deadline):
            return [Reply(strings.CLOSED.format(deadline=ctx.local(deadline)))]
        case Submitted(at):
            return [Reply(strings.MEMBER_LOCKED.format(when=ctx.local(at)))]
    return None


def _source(ctx: Context) -> str:
    """Where a piece of comment text came from, so a later edit of that message finds it."""
    inbound = ctx.inbound
    if inbound.message_id:
        return f"{inbound.channel}:{inbound.chat_id}:{inbound.message_id}"
    return f"{inbound.channel}:{inbound.chat_id}:{inbound.update_key or uuid.uuid4().hex}"


@handles(NextSection, PreviousSection)
async def step(ctx: Context, action: NextSection | PreviousSection) -> list[Outgoing]:
    """'tiếp' / 'lại' typed as words: the next or previous section from where the member is."""
    delta = 1 if isinstance(action, NextSection) else -1
    consultation = _consultation(ctx)
    progress = await store.get_progress(ctx.session, ctx.member.id, consultation.id)
    position = (progress.section_position if progress else 0) + delta
    count = await section_count(ctx.session, consultation.id)
    if position > count:
        return await finish(ctx)
    return await show(ctx, max(position, 1))
