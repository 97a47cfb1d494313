"""Comments on one passage: a reply or quote on Telegram, a paragraph number elsewhere."""

from __future__ import annotations

import re
import unicodedata

from content import strings
from content.passages import numbered, paragraph_of, paragraphs, paragraphs_in, quoted_in
from content.text import split_text
from handlers import documents, member, versions, views
from handlers.actions import Action, NumberParagraphs, OpenSection, ProposeWording
from handlers.context import Context
from handlers.conversation import Button, Outgoing, Reply
from handlers.dispatch import handles
from storage import comments as store
from storage import pages_sent
from storage.comments import Passage
from storage.consultations import newest_section, section_at
from storage.models import Consultation, Section

# «đoạn 3: …», «Đoạn 3 - …», «doan 3. …»: a comment on paragraph 3 of the open section.
PARAGRAPH = re.compile(r"^\s*(?:đoạn|doan)\s*(\d{1,4})\s*(?:[:.)\-–—]\s*|\s)(.*)$",
                       re.IGNORECASE | re.DOTALL)
NUMBER_WORDS = frozenset({"danh so doan", "so doan", "danh so"})
PROPOSE_WORDS = frozenset({"de xuat sua", "de xuat sua cau chu", "sua cau chu", "de xuat"})


def section_text(section: Section, ctx: Context) -> str:
    """All of the section a member can see and quote on its pages: the headings above it (as
    shown, and in full), its bold title, its text."""
    seen = [views.context_line(section), " › ".join(section.path), section.label,
            *views.section_pages(section, ctx.caps)]
    return "\n\n".join(part for part in seen if part)


async def current(ctx: Context) -> tuple[Section | None, int]:
    """The section and page the member has open."""
    assert ctx.consultation is not None
    progress = await store.get_progress(ctx.session, ctx.member.id, ctx.consultation.id)
    if progress is None:
        return None, 1
    return await section_at(ctx.session, ctx.consultation.id, progress.section_position), progress.page


async def word_action(ctx: Context, word: str) -> Action | None:
    """«đánh số đoạn» and «đề xuất sửa» typed (Zalo, the terminal): on the open section."""
    if ctx.consultation is None or (word not in NUMBER_WORDS and word not in PROPOSE_WORDS):
        return None
    section, page = await current(ctx)
    if section is None:
        return None
    return NumberParagraphs(section.id, page) if word in NUMBER_WORDS else ProposeWording(section.id)


def paragraph_comment(text: str) -> tuple[int, str] | None:
    """(3, 'nội dung') for «đoạn 3: nội dung»; None for any other text."""
    match = PARAGRAPH.match(unicodedata.normalize("NFC", text))
    return (int(match.group(1)), match.group(2).strip()) if match else None


async def on_paragraph(ctx: Context, number: int, text: str) -> list[Outgoing]:
    """A comment on one numbered paragraph of the open section; its text is the passage."""
    section, refusal = await member.current_section(ctx)
    if section is None:
        return refusal
    found = paragraphs(section.body)
    if not 1 <= number <= len(found):
        return [Reply(strings.PARAGRAPH_OUT_OF_RANGE.format(
            position=section.position, count=len(found), paragraph=number))]
    if not text:
        return [Reply(strings.PARAGRAPH_EMPTY)]
    return await member.save_text(ctx, section, text, Passage(found[number - 1], number))


async def on_reply(ctx: Context) -> list[Outgoing]:
    """Text sent as a reply to one of our messages: a comment on the page that message
    showed (and on the quoted words, if any), wherever the member is now."""
    assert ctx.consultation is not None
    inbound = ctx.inbound
    text = inbound.text.strip()
    here, _ = await current(ctx)
    found = await pages_sent.page_of(ctx.session, ctx.consultation.round_id, inbound.channel,
                                     inbound.chat_id, inbound.reply_to_message_id)
    if found is None:
        if here is None:
            return await member.comment_text(ctx)
        note = strings.REPLY_NOT_A_PAGE.format(position=here.position)
        return await member.save_text(ctx, here, text, note=note)
    section, page = found
    other = ""
    if section.consultation_id != ctx.consultation.id:  # a page of another document
        document = await ctx.session.get(Consultation, section.consultation_id)
        if document is None:
            return [Reply(strings.STALE_BUTTON)]
        documents.read(ctx, document)  # the chat now reads the document the page is of
        here, other = None, strings.PASSAGE_OTHER_DOCUMENT.format(name=document.name)
    if section.version != ctx.consultation.version:  # a page of an earlier version
        became = await newest_section(ctx.session, ctx.consultation.id, section.id)
        if became is None:
            said, _ = await versions.stale(ctx, section.id)
            return said
        section = became
    passage = passage_of(ctx, section, page)
    if passage is None:
        return [Reply(strings.QUOTE_NOT_IN_SECTION.format(position=section.position))]
    note = other.format(position=section.position)
    if here is not None and here.id != section.id:
        note = strings.PASSAGE_OTHER_SECTION.format(position=section.position, current=here.position)
    return await member.save_text(ctx, section, text, passage, note=note)


def passage_of(ctx: Context, section: Section, page: int) -> Passage | None:
    """What a reply to a page of `section` points at: the quote (None when it is not in the
    section), else the page and, when the page shows just one, its paragraph."""
    quote = ctx.inbound.quote.strip()
    if quote:
        if not quoted_in(quote, section_text(section, ctx)):
            return None
        return Passage(quote, paragraph_of(quote, section.body), page)
    pages = views.section_pages(section, ctx.caps)
    shown = paragraphs_in(pages[min(page, len(pages)) - 1], section.body)
    return Passage(None, shown[0] if len(shown) == 1 else None, page)


@handles(NumberParagraphs)
async def number_paragraphs(ctx: Context, action: NumberParagraphs) -> list[Outgoing]:
    """The section's paragraphs with their numbers, a page at a time."""
    section = await documents.section_of_round(ctx, action.section_id)
    if section is None:
        return await member.stale(ctx, action.section_id)
    pages = split_text(numbered(section.body), ctx.caps.page_budget()) or [""]
    page = min(max(action.page, 1), len(pages))
    lines = [strings.PARAGRAPHS_TITLE.format(position=section.position), "", pages[page - 1]]
    if len(pages) > 1:
        lines += ["", strings.SECTION_PAGE.format(page=page, pages=len(pages))]
    lines += ["", strings.PARAGRAPHS_HINT]
    rows: list[tuple[Button, ...]] = []
    if page < len(pages):
        rows.append((Button.to(strings.BTN_READ_ON, NumberParagraphs(section.id, page + 1)),))
    rows.append((Button.to(strings.BTN_PROPOSE, ProposeWording(section.id)),))
    rows.append((Button.to(strings.BTN_SECTION.format(position=section.position),
                           OpenSection(section.position)),))
    return [Reply("\n".join(lines), buttons=tuple(rows))]
