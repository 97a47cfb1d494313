"""How the secretary's and the Office's screens look: progress, comments by section, pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from content import strings
from content.text import shorten, split_text
from handlers.actions import Action, ProgressPage, SectionComments, SectionsPage
from handlers.context import Context
from handlers.conversation import Button, ChannelCaps, Reply
from handlers.views import TOC_PAGE, choice_labels
from storage.documents import RoundFigures
from storage.models import CellOpinion, Consultation, Section
from storage.progress import MemberStatus, Status, Tally
from storage.stances import StanceTally

PAGE_MARK_ROOM = 40  # characters kept free for "(trang 2/5)" on every page

Rows = tuple[tuple[Button, ...], ...]


def time_left(now: datetime, deadline: datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return strings.TIME_UP
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return strings.TIME_LEFT_DAYS.format(days=days, hours=hours)
    return strings.TIME_LEFT_HOURS.format(hours=hours, minutes=rest // 60)


def deadline_line(ctx: Context, consultation: Consultation) -> str:
    left = time_left(ctx.now, consultation.deadline)
    return strings.DEADLINE_LINE.format(deadline=ctx.local(consultation.deadline), left=left)


def round_lines(figures: RoundFigures) -> list[str]:
    """Progress per document and overall, where a round has several documents."""
    if len(figures.documents) < 2:
        return []

    def percent(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    lines = [strings.ROUND_DOCUMENT_LINE.format(
        name=shorten(d.name, 60), finished=d.finished, members=d.members, started=d.started,
        percent=percent(d.finished, d.members)) for d in figures.documents]
    lines.append(strings.ROUND_OVERALL_LINE.format(
        count=len(figures.documents), finished=figures.finished, members=figures.members,
        percent=percent(figures.finished, figures.members)))
    return lines


def page_of(text: str, caps: ChannelCaps, page: int) -> tuple[str, int, int]:
    """One page of a long text cut for the channel, with its number and the page count."""
    pages = split_text(text, caps.max_text - PAGE_MARK_ROOM) or [""]
    page = min(max(page, 1), len(pages))
    chunk = pages[page - 1]
    if len(pages) > 1:
        chunk += "\n\n" + strings.PAGE_MARK.format(page=page, pages=len(pages))
    return chunk, page, len(pages)


def pager(to_page: Callable[[int], Action], page: int, pages: int) -> tuple[Button, ...]:
    """◀️ ▶️ between pages; `to_page` is the action showing a page, e.g. ProgressPage."""
    row = []
    if page > 1:
        row.append(Button.to(strings.BTN_PAGE_PREV, to_page(page - 1)))
    if page < pages:
        row.append(Button.to(strings.BTN_PAGE_NEXT, to_page(page + 1)))
    return tuple(row)


def stance_line(tally: StanceTally, name: str = "") -> str:
    """'Ý kiến chung …: Tán thành 12 · Không tán thành 1 · Chưa cho ý kiến 40'; `name`: the
    document's, in a round of several."""
    parts = [f"{label} {tally.counts.get(label, 0)}" for label in tally.labels]
    parts.append(f"{strings.STANCE_NOT_GIVEN} {tally.not_given}")
    counts = " · ".join(parts)
    return (strings.STANCE_TALLY_OF.format(name=name, counts=counts) if name else
            strings.STANCE_TALLY.format(counts=counts))


def stance_lines(tallies: Sequence[tuple[str, StanceTally]]) -> list[str]:
    """A line per document of the round (storage.stances.round_tallies), named when several."""
    several = len(tallies) > 1
    return [stance_line(tally, name if several else "") for name, tally in tallies]


def spread(consultation: Consultation, tally: Tally | None) -> str:
    """'Nhất trí 3 · Không nhất trí 1 · ✍️ 2 có nội dung', choices in the order offered."""
    if tally is None:
        return ""
    labels = choice_labels(consultation)
    known = [label for label in labels if tally.choices.get(label)]
    known += sorted(c for c in tally.choices if c is not None and c not in labels)
    parts = [f"{label} {tally.choices[label]}" for label in known]
    if tally.choices.get(None):
        parts.append(f"{strings.SPREAD_TEXT_ONLY} {tally.choices[None]}")
    if tally.with_text:
        parts.append(strings.SPREAD_WITH_TEXT.format(count=tally.with_text))
    return " · ".join(parts)


def progress_text(
    consultation: Consultation,
    heading: Sequence[str],
    members: Sequence[MemberStatus],
    sections: Sequence[Section],
    tallies: dict[int, Tally],
    opinions: dict[int, CellOpinion],
) -> str:
    """The whole progress report of a cell; the caller pages it."""
    groups = (
        (strings.GROUP_FINISHED, Status.FINISHED),
        (strings.GROUP_STARTED, Status.STARTED),
        (strings.GROUP_IDLE, Status.NOT_STARTED),
    )
    lines = [*heading, ""]
    for (mark, label), status in groups:
        names = [
            strings.NAME_UNREACHABLE.format(name=m.full_name) if m.unreachable else m.full_name
            for m in members
            if m.status is status
        ]
        shown = ", ".join(names) if names else strings.NAMES_NONE
        lines.append(
            strings.PROGRESS_GROUP.format(mark=mark, label=label, count=len(names), names=shown)
        )
    lines += ["", strings.PROGRESS_SECTIONS]
    for section in sections:
        tally = tallies.get(section.id)
        line = strings.PROGRESS_SECTION_LINE.format(
            position=section.position,
            title=shorten(section.label, 50),
            answered=tally.answered if tally else 0,
        )
        detail = [spread(consultation, tally)] if tally else []
        if section.id in opinions:
            detail.append(strings.SPREAD_OPINION)
        lines.append(f"{line} — {' · '.join(detail)}" if detail else line)
    return "\n".join(lines)


def sections_reply(
    cell_name: str,
    sections: Sequence[Section],
    tallies: dict[int, Tally],
    opinions: dict[int, CellOpinion],
    page: int,
    caps: ChannelCaps,
) -> Reply:
    """A list of sections with the cell's answer counts; tap a number to read them."""
    pages = max(1, -(-len(sections) // TOC_PAGE))
    page = min(max(page, 1), pages)
    shown = sections[(page - 1) * TOC_PAGE : page * TOC_PAGE]
    lines = [strings.CELL_SECTIONS_TITLE.format(cell=cell_name), ""]
    for s in shown:
        tally = tallies.get(s.id)
        line = strings.CELL_SECTIONS_LINE.format(
            position=s.position, title=shorten(s.label, 60), answered=tally.answered if tally else 0
        )
        lines.append(f"{line} · {strings.SPREAD_OPINION}" if s.id in opinions else line)
    lines += ["", strings.CELL_SECTIONS_HINT]
    numbers = [Button.to(str(s.position), SectionComments(s.position)) for s in shown]
    rows = [tuple(numbers[i : i + 5]) for i in range(0, len(numbers), 5)]
    if more := pager(SectionsPage, page, pages):
        rows.append(more)
    rows.append((Button.to(strings.BTN_CELL_PROGRESS, ProgressPage(1)),))
    text = "\n".join(lines)
    return Reply(text if len(text) <= caps.max_text else shorten(text, caps.max_text), tuple(rows))


def section_replies(
    consultation: Consultation,
    section: Section,
    count: int,
    heading: str,
    entries: Sequence[tuple[str, str | None, str]],
    opinion: CellOpinion | None,
    actions: Rows,
    caps: ChannelCaps,
) -> list[Reply]:
    """Every comment of the cell on one section, cut into messages; buttons on the last."""
    title = strings.CELL_SECTION_TITLE.format(
        position=section.position, count=count, label=shorten(section.label, 120)
    )
    blocks = [f"{title}\n{heading}"]
    if opinion is not None:
        blocks.append(strings.CELL_SECTION_OPINION.format(text=opinion.text))
    else:
        blocks.append(strings.CELL_SECTION_NO_OPINION)
    if not entries:
        blocks.append(strings.CELL_SECTION_EMPTY)
    for name, choice, text in entries:
        entry = strings.CELL_SECTION_ENTRY.format(
            name=name, choice=f"«{choice}»" if choice else strings.NO_CHOICE
        )
        blocks.append(f"{entry}\n{text}" if text else entry)
    nav = []
    if section.position > 1:
        nav.append(Button.to(strings.BTN_PREV, SectionComments(section.position - 1)))
    nav.append(Button.to(strings.BTN_SECTIONS, SectionsPage(1 + (section.position - 1) // TOC_PAGE)))
    if section.position < count:
        nav.append(Button.to(strings.BTN_NEXT, SectionComments(section.position + 1)))
    chunks = split_text("\n\n".join(blocks), caps.max_text)
    replies = [Reply(chunk) for chunk in chunks[:-1]]
    replies.append(Reply(chunks[-1], buttons=(tuple(nav), *actions)))
    return replies
