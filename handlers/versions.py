"""What a member sees of a document's next version: their earlier comments as made on the
version they read, what changed in a section they commented on (once), and where a button
from an older version's message leads."""

from __future__ import annotations

from dataclasses import dataclass

from content import strings
from content.text import shorten
from content.versions import Hunk, section_hunks
from handlers.actions import Contents
from handlers.context import Context
from handlers.conversation import Button, Outgoing, Reply
from handlers.styled import Line, Span, Style, join_lines
from storage import comments as store
from storage import versions
from storage.comments import has_content
from storage.consultations import earlier_section, lineage, newest_section, version_label
from storage.models import Comment, Consultation, Progress, Section

SHOWN_CHANGES = 3  # a phone screen's worth; the rest are counted
SHOWN_WORDS = 100  # characters of each side of a change


@dataclass(frozen=True)
class Said:
    """The member's comment on a section, possibly made on an earlier version of it."""

    comment: Comment | None
    made_on: Section | None  # the section row it was made on
    earlier: str = ""  # that version's label, when it is not the newest


def _document(ctx: Context) -> Consultation:
    assert ctx.consultation is not None
    return ctx.consultation


async def comment_on(ctx: Context, section: Section) -> Said:
    """The newest of the member's comments along the section's history: one query, as
    before, on a document that has a single version."""
    document = _document(ctx)
    history = await lineage(ctx.session, document.id, section)
    if len(history) == 1:
        comment = await store.get_comment(ctx.session, ctx.member.id, section.id)
        return Said(comment, section if comment is not None else None)
    mine = await store.comments_on(ctx.session, ctx.member.id, [s.id for s in history])
    for made_on in history:
        comment = mine.get(made_on.id)
        if has_content(comment):
            earlier = ("" if made_on.id == section.id
                       else await version_label(ctx.session, document.id, made_on.version))
            return Said(comment, made_on, earlier)
    return Said(mine.get(section.id), section)


async def change_note(ctx: Context, section: Section, said: Said) -> list[Outgoing]:
    """What changed in the section since the version the member commented on: shown the
    first time they open it, in a few lines."""
    made_on = said.made_on
    if not said.earlier or made_on is None:
        return []
    changes = section_hunks(made_on, section)
    if not changes or not await versions.first_showing(ctx.session, ctx.member.id, section.id,
                                                       ctx.now):
        return []
    document = _document(ctx)
    label = await version_label(ctx.session, document.id, section.version)
    lines: list[Line] = [strings.CHANGE_NOTE_HEAD.format(label=label)]
    lines += [_change_line(change) for change in changes[:SHOWN_CHANGES]]
    if len(changes) > SHOWN_CHANGES:
        lines.append(strings.CHANGE_NOTE_MORE.format(count=len(changes) - SHOWN_CHANGES))
    return [Reply.of(join_lines(lines))]


def _change_line(change: Hunk) -> tuple[Span, ...]:
    """«removed» → «added» (struck out and bold where the channel can), or «thêm: …» / «bỏ: …»."""
    removed = Span(shorten(change.removed, SHOWN_WORDS), Style.STRIKE)
    added = Span(shorten(change.added, SHOWN_WORDS), Style.BOLD)
    if change.removed and change.added:
        return Span("• «"), removed, Span("»" + strings.CHANGE_ARROW + "«"), added, Span("»")
    if change.added:
        return Span("• " + strings.CHANGE_ADDED + "«"), added, Span("»")
    return Span("• " + strings.CHANGE_REMOVED + "«"), removed, Span("»")


async def news(ctx: Context, progress: Progress | None) -> list[Outgoing]:
    """Once, at the member's next visit after a next version was loaded: that it exists and
    which sections they commented on changed; a member who finished stays finished."""
    if progress is None or progress.news_version is None:
        return []
    progress.news_version = None
    document = _document(ctx)
    label = await version_label(ctx.session, document.id, document.version)
    commented, changes = await versions.commented_changes(ctx.session, ctx.member.id, document.id)
    lines = [strings.VERSION_NEWS.format(label=label)]
    if changes:
        lines.append(strings.VERSION_NEWS_CHANGED.format(lines="\n".join(
            strings.VERSION_NEWS_LINE.format(position=new.position, title=shorten(new.label, 60))
            if new is not None else
            strings.VERSION_NEWS_REMOVED_LINE.format(title=shorten(old.label, 60))
            for old, new in changes)))
    elif commented:
        lines.append(strings.VERSION_NEWS_UNCHANGED)
    if commented:
        lines.append(strings.VERSION_NEWS_KEPT)
    if progress.finished_at is not None:
        lines.append(strings.VERSION_NEWS_FINISHED.format(deadline=ctx.local(document.deadline)))
    return [Reply("\n\n".join(lines))]


async def news_now(ctx: Context) -> list[Outgoing]:
    """`news` where the member's place is not read anyway: a document with one version
    costs no query."""
    document = _document(ctx)
    if document.version == 1:
        return []
    return await news(ctx, await store.get_progress(ctx.session, ctx.member.id, document.id))


async def stale(ctx: Context, section_id: int) -> tuple[list[Outgoing], int | None]:
    """A button naming a section that is not in the newest version: what to say, and the
    position of the section it became (to show), if any."""
    document = _document(ctx)
    old = await earlier_section(ctx.session, document.id, section_id)
    if old is None:
        return [Reply(strings.STALE_BUTTON)], None
    label = await version_label(ctx.session, document.id, document.version)
    became = await newest_section(ctx.session, document.id, section_id)
    if became is None:
        text = strings.VERSION_BUTTON_REMOVED.format(title=shorten(old.label, 80), label=label)
        return [Reply(text, buttons=((Button.to(strings.BTN_TOC, Contents(1)),),))], None
    return [Reply(strings.VERSION_BUTTON_MOVED.format(label=label))], became.position


async def my_comments(ctx: Context) -> dict[int, Comment]:
    """The member's comments keyed by the newest version's sections: a comment made on an
    earlier version counts for the section it became, unless a newer one says something."""
    document = _document(ctx)
    mine = await store.member_comments(ctx.session, ctx.member.id, document.id)
    if document.version == 1:
        return mine
    found: dict[int, tuple[int, Comment]] = {}
    for section_id, comment in mine.items():
        became = await newest_section(ctx.session, document.id, section_id)
        if became is None or not has_content(comment):
            continue
        old = await earlier_section(ctx.session, document.id, section_id)
        version = old.version if old is not None else became.version
        if became.id not in found or found[became.id][0] < version:
            found[became.id] = (version, comment)
    return {section_id: comment for section_id, (_, comment) in found.items()}
