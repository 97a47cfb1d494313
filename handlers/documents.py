"""A round of several documents: the member's menu of them, and which one they are reading.

A round of one document shows none of this: the member reads it as before.
"""

from __future__ import annotations

from content import strings
from content.text import shorten
from handlers.actions import Documents, OpenDocument
from handlers.context import Context
from handlers.conversation import Button, Reply
from storage.consultations import earlier_section, round_documents, section_by_id
from storage.documents import DocumentProgress, member_documents
from storage.models import Consultation, Section

NAME_CHARS = 48  # a document's name on a button: whole on a small phone


def _round(ctx: Context) -> Consultation:
    if ctx.consultation is None:
        raise RuntimeError("documents asked for without a round")
    return ctx.consultation


def chosen(ctx: Context) -> bool:
    """The chat picked the document it is on (in this round), rather than being put on the
    round's first one."""
    return ctx.identity is not None and ctx.identity.document_id == _round(ctx).id


def read(ctx: Context, document: Consultation) -> None:
    """From now on this chat reads `document` (a document of the current round)."""
    ctx.consultation = document
    if ctx.identity is not None:
        ctx.identity.document_id = document.id


def button(item: DocumentProgress) -> Button:
    name = shorten(item.document.name, NAME_CHARS)
    label = (strings.BTN_DOCUMENT_DONE.format(name=name) if item.finished else
             strings.BTN_DOCUMENT.format(name=name, answered=item.answered, count=item.sections))
    return Button.to(label, OpenDocument(item.document.id))


def menu(ctx: Context, items: list[DocumentProgress], text: str,
         extra: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply(text, buttons=(*((button(item),) for item in items), *extra))


async def progress(ctx: Context) -> list[DocumentProgress]:
    """The member's progress in each document of a round of several; [] in a round of one
    (every caller then shows nothing more, so nothing more is read)."""
    documents = await round_documents(ctx.session, _round(ctx).round_id)
    if len(documents) < 2:
        return []
    return await member_documents(ctx.session, ctx.member.id, documents)


async def at_start(ctx: Context, extra: tuple[tuple[Button, ...], ...]) -> Reply | None:
    """What /start (or a reminder's button) shows in a round of several documents: the
    menu, unless the member is part-way through the one they chose; None: the document."""
    items = await progress(ctx)
    if len(items) < 2:
        return None
    mine = next((i for i in items if i.document.id == _round(ctx).id), None)
    if chosen(ctx) and mine is not None and not mine.finished:
        return None
    left = [i for i in items if not i.finished]
    if left and len(left) < len(items):
        text = strings.DOCUMENTS_LEFT.format(left=len(left), count=len(items))
    elif left:
        text = strings.DOCUMENTS_INTRO.format(
            count=len(items), deadline=ctx.local(_round(ctx).deadline))
    else:
        text = strings.DOCUMENTS_ALL_DONE.format(count=len(items))
    return menu(ctx, items, text, extra)


async def after_confirm(ctx: Context) -> list[Reply]:
    """Finishing a document: what remains of the round (nothing to add in a round of one)."""
    items = await progress(ctx)
    if len(items) < 2:
        return []
    left = [i for i in items if not i.finished]
    if not left:
        return [Reply(strings.DOCUMENTS_ALL_DONE.format(count=len(items)),
                      buttons=((Button.to(strings.BTN_DOCUMENTS, Documents()),),))]
    text = strings.DOCUMENTS_LEFT.format(left=len(left), count=len(items))
    return [menu(ctx, left, text)]


async def switch_button(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    """«Chọn văn bản khác» where a round has several documents; nothing where it has one."""
    several = len(await round_documents(ctx.session, _round(ctx).round_id)) > 1
    return ((Button.to(strings.BTN_DOCUMENTS, Documents()),),) if several else ()


async def of_round(ctx: Context, consultation_id: int) -> Consultation | None:
    """A document of the current round by id; None for any other (an older round's, forged)."""
    documents = await round_documents(ctx.session, _round(ctx).round_id)
    return next((d for d in documents if d.id == consultation_id), None)


async def section_of_round(ctx: Context, section_id: int) -> Section | None:
    """A section the member's button names: of the document being read, or of another
    document of the round (a button further up the chat), which the chat then reads.
    None for a section of no document of the round (an older round's, forged)."""
    section = await section_by_id(ctx.session, _round(ctx).id, section_id)
    if section is not None:
        return section
    documents = await round_documents(ctx.session, _round(ctx).round_id)
    for document in documents:
        found = await section_by_id(ctx.session, document.id, section_id)
        if found is not None:
            read(ctx, document)
            return found
    for document in documents:
        if await earlier_section(ctx.session, document.id, section_id) is not None:
            # Of an earlier version of that document: the caller's stale() answer then
            # leads to the section it became there.
            read(ctx, document)
            break
    return None
