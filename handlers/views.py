"""How the member's screens look: a section page, the table of contents, the review."""

from __future__ import annotations

from collections.abc import Sequence

from content import strings
from content.text import shorten, split_text
from handlers.actions import (
    AskClear,
    Choose,
    Contents,
    Finish,
    OpenSection,
    ProposeWording,
    Review,
    ShowPage,
)
from handlers.conversation import Button, ChannelCaps, Reply
from handlers.styled import Line, Span, Style, join_lines
from storage.comments import has_content
from storage.models import Comment, Consultation, Section

TOC_PAGE = 30  # sections listed per table-of-contents message


def choice_labels(consultation: Consultation) -> list[str]:
    return [str(c["label"]) for c in consultation.choices]


def summarize(comment: Comment | None, width: int = 200) -> str:
    if not has_content(comment):
        return strings.NO_CHOICE
    assert comment is not None
    choice = f"«{comment.choice}»" if comment.choice else strings.NO_CHOICE
    return f"{choice} — {shorten(comment.text, width)}" if comment.text else choice


def section_pages(section: Section, caps: ChannelCaps) -> list[str]:
    """The section's text cut for the channel, footnotes at the end."""
    text = section.body
    if section.footnotes:
        notes = "\n".join(f"({f['mark']}) {f['text']}" for f in section.footnotes)
        text = f"{text}\n\n{strings.SECTION_FOOTNOTES}\n{notes}"
    return split_text(text, caps.page_budget()) or [""]


def context_line(section: Section) -> str:
    """Where the section sits, as its page shows it: the headings above it, shortened."""
    return " › ".join(shorten(p, 50) for p in section.path)


def section_reply(
    consultation: Consultation,
    section: Section,
    count: int,
    page: int,
    comment: Comment | None,
    caps: ChannelCaps,
    *,
    earlier: str = "",
) -> Reply:
    """A page of the section; `earlier`: the label of the earlier version the member's
    comment was made on, when it was not made on this one."""
    pages = section_pages(section, caps)
    page = min(max(page, 1), len(pages))
    header = strings.SECTION_HEADER.format(position=section.position, count=count)
    context = context_line(section)
    # The document's shape: its number and title bold, where it sits in italics.
    heading = (Span(header), Span(" · "), Span(context, Style.ITALIC)) if context else header
    lines: list[Line] = [heading, "━━━━━━━━━━", Span(section.label, Style.BOLD), ""]
    lines.append(pages[page - 1])
    if len(pages) > 1:
        lines += ["", strings.SECTION_PAGE.format(page=page, pages=len(pages))]
    current = (strings.SECTION_CURRENT_EARLIER.format(label=earlier, summary=summarize(comment))
               if earlier and has_content(comment)
               else strings.SECTION_CURRENT.format(summary=summarize(comment)))
    # The member's own answer comes back as a quote, a whole line so the quote is a block.
    lines += ["", Span(current, Style.QUOTE) if has_content(comment) else current]
    if not has_content(comment):
        lines.append(strings.SECTION_ASK if caps.buttons else strings.SECTION_ASK_TYPED)

    rows: list[tuple[Button, ...]] = []
    if page < len(pages):
        rows.append((Button.to(strings.BTN_READ_ON, ShowPage(section.id, page + 1)),))
    chosen = comment.choice if comment else None
    for index, label in enumerate(choice_labels(consultation)):
        mark = "✔️ " if label == chosen else ""
        rows.append((Button.to(mark + label, Choose(section.id, index)),))
    nav = [Button.to(strings.BTN_PREV, OpenSection(section.position - 1))] if section.position > 1 else []
    nav.append(Button.to(strings.BTN_TOC, Contents(1)))
    if section.position < count:
        nav.append(Button.to(strings.BTN_NEXT, OpenSection(section.position + 1)))
    else:
        nav.append(Button.to(strings.BTN_FINISH, Finish()))
    rows.append(tuple(nav))
    if comment is not None and comment.text and not earlier:  # an earlier version's stays
        rows.append((Button.to(strings.BTN_CLEAR_TEXT, AskClear(section.id)),))
    rows.append((Button.to(strings.BTN_PROPOSE, ProposeWording(section.id)),))
    return Reply.of(join_lines(lines), buttons=tuple(rows))


def toc_reply(
    sections: Sequence[Section], comments: dict[int, Comment], page: int, caps: ChannelCaps
) -> Reply:
    """Sections grouped under their headings, a mark for each one answered."""
    per_page = TOC_PAGE if caps.max_text > 3000 else TOC_PAGE // 2
    answered = sum(1 for s in sections if has_content(comments.get(s.id)))
    pages = max(1, -(-len(sections) // per_page))
    page = min(max(page, 1), pages)
    shown = sections[(page - 1) * per_page : page * per_page]
    lines = [strings.TOC_TITLE.format(answered=answered, count=len(sections))]
    heading: list[str] | None = None
    for s in shown:
        if s.path != heading:
            heading = s.path
            lines += ["", " › ".join(shorten(p, 40) for p in s.path) or strings.TOC_NO_HEADING]
        mark = strings.TOC_ANSWERED if has_content(comments.get(s.id)) else strings.TOC_OPEN
        lines.append(strings.TOC_LINE.format(mark=mark, position=s.position, label=shorten(s.label, 60)))
    lines += ["", strings.TOC_HINT if caps.buttons else strings.TOC_HINT_TYPED]
    numbers = [Button.to(str(s.position), OpenSection(s.position)) for s in shown]
    rows = [tuple(numbers[i : i + 5]) for i in range(0, len(numbers), 5)]
    more = []
    if page > 1:
        more.append(Button.to(strings.BTN_TOC_PREV, Contents(page - 1)))
    if page < pages:
        more.append(Button.to(strings.BTN_TOC_NEXT, Contents(page + 1)))
    if more:
        rows.append(tuple(more))
    rows.append((Button.to(strings.BTN_REVIEW, Review()), Button.to(strings.BTN_FINISH, Finish())))
    return Reply(text=_fit("\n".join(lines), caps), buttons=tuple(rows))


def review_replies(
    sections: Sequence[Section], comments: dict[int, Comment], caps: ChannelCaps
) -> list[Reply]:
    answered = [s for s in sections if has_content(comments.get(s.id))]
    title = strings.REVIEW_TITLE.format(answered=len(answered), count=len(sections))
    if not answered:
        body = strings.REVIEW_EMPTY
    else:
        body = "\n\n".join(
            strings.REVIEW_LINE.format(
                position=s.position,
                title=shorten(s.label, 60),
                summary=_full_summary(comments[s.id]),
            )
            for s in answered
        )
    chunks = split_text(f"{title}\n\n{body}", caps.max_text)
    buttons = ((Button.to(strings.BTN_TOC, Contents(1)), Button.to(strings.BTN_FINISH, Finish())),)
    replies = [Reply(text=c) for c in chunks[:-1]]
    replies.append(Reply(text=chunks[-1], buttons=buttons))
    return replies


def _full_summary(comment: Comment) -> str:
    choice = f"«{comment.choice}»" if comment.choice else strings.NO_CHOICE
    summary = f"{choice}\n   {shorten(comment.text, 500)}" if comment.text else choice
    if comment.passages:
        passages = shorten(comment.passages.replace("\n", "; "), 300)
        summary += "\n" + strings.PASSAGES_IN_REVIEW.format(passages=passages)
    return summary


def _fit(text: str, caps: ChannelCaps) -> str:
    return text if len(text) <= caps.max_text else shorten(text, caps.max_text)
