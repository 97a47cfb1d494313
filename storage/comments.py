"""Members' comments and their place in the draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from content import strings
from storage.models import Comment, CommentPart, Member, Progress, Section

PART_SEPARATOR = "\n"


async def get_progress(session: AsyncSession, member_id: int, consultation_id: int) -> Progress | None:
    result = await session.execute(
        select(Progress).where(
            Progress.member_id == member_id, Progress.consultation_id == consultation_id
        )
    )
    return result.scalar_one_or_none()


async def move_to(
    session: AsyncSession, member_id: int, consultation_id: int, position: int, page: int, now: datetime
) -> Progress:
    """Remember where the member is; the next restart resumes here."""
    progress = await get_progress(session, member_id, consultation_id)
    if progress is None:
        progress = Progress(
            member_id=member_id,
            consultation_id=consultation_id,
            section_position=position,
            page=page,
            started_at=now,
            finished_at=None,
        )
        session.add(progress)
    else:
        progress.section_position = position
        progress.page = page
    await session.flush()
    return progress


async def get_comment(
    session: AsyncSession, member_id: int, section_id: int, *, for_update: bool = False
) -> Comment | None:
    """`for_update` locks the row (PostgreSQL) so two workers appending text to the same
    comment cannot overwrite each other's text; SQLite's writer lock already does that.
    The comment's parts are not loaded: the text is kept equal to them on every write."""
    query = select(Comment).where(Comment.member_id == member_id, Comment.section_id == section_id)
    if for_update:
        query = query.with_for_update(of=Comment)
    result = await session.execute(query)
    return result.scalar_one_or_none()


async def _comment_for(
    session: AsyncSession, member: Member, section: Section, now: datetime
) -> Comment:
    comment = await get_comment(session, member.id, section.id, for_update=True)
    if comment is None:
        comment = Comment(
            consultation_id=section.consultation_id,
            section_id=section.id,
            member_id=member.id,
            cell_id=member.cell_id,
            choice=None,
            text="",
            created_at=now,
            updated_at=now,
            parts=[],
        )
        session.add(comment)
    return comment


async def set_choice(
    session: AsyncSession, member: Member, section: Section, choice: str, now: datetime
) -> Comment:
    comment = await _comment_for(session, member, section, now)
    if comment.choice != choice:
        comment.choice = choice
        comment.updated_at = now
    comment.cell_id = member.cell_id
    await session.flush()
    return comment


async def add_text(
    session: AsyncSession,
    member: Member,
    section: Section,
    text: str,
    source: str,
    now: datetime,
    *,
    comment: Comment | None = None,
    passage: Passage | None = None,
) -> Comment:
    """Several messages on one section add up to one comment (`comment`: already read,
    locked, by the caller). Its text is its parts joined, appended to without reading them;
    a message about one passage adds that passage to the comment's list of them."""
    if comment is None:
        comment = await _comment_for(session, member, section, now)
    if comment.id is None:
        await session.flush()
    where = passage or Passage()
    session.add(CommentPart(comment_id=comment.id, source=source, text=text, created_at=now,
                            passage=where.quote, paragraph=where.paragraph, page=where.page))
    if passage is not None:
        comment.passages = _joined(comment.passages, passage.label())
        if passage.paragraph is not None:
            comment.paragraphs = _joined(comment.paragraphs, str(passage.paragraph), ", ")
    comment.text = f"{comment.text}{PART_SEPARATOR}{text}" if comment.text else text
    comment.updated_at = now
    comment.cell_id = member.cell_id
    await session.flush()
    return comment


async def part_by_source(session: AsyncSession, member_id: int, source: str) -> CommentPart | None:
    """The saved message a platform edit refers to, if it belongs to this member."""
    result = await session.execute(
        select(CommentPart)
        .join(Comment)
        .where(CommentPart.source == source, Comment.member_id == member_id)
        .options(selectinload(CommentPart.comment).selectinload(Comment.parts))
        .with_for_update(of=Comment)
    )
    return result.scalar_one_or_none()


async def edit_part(session: AsyncSession, part: CommentPart, text: str, now: datetime) -> Comment:
    part.text = text
    comment = part.comment
    comment.text = PART_SEPARATOR.join(p.text for p in comment.parts)
    comment.updated_at = now
    await session.flush()
    return comment


async def clear_text(session: AsyncSession, comment: Comment, now: datetime) -> None:
    await session.execute(delete(CommentPart).where(CommentPart.comment_id == comment.id))
    comment.text = ""
    comment.passages = comment.paragraphs = ""
    comment.updated_at = now
    await session.flush()


async def member_comments(
    session: AsyncSession, member_id: int, consultation_id: int
) -> dict[int, Comment]:
    """The member's comments keyed by section id."""
    result = await session.execute(
        select(Comment).where(
            Comment.member_id == member_id, Comment.consultation_id == consultation_id
        )
    )
    return {c.section_id: c for c in result.scalars()}


def has_content(comment: Comment | None) -> bool:
    """`said()` for a comment already loaded."""
    return comment is not None and (
        bool(comment.choice) or bool(comment.text) or bool(comment.proposals)
    )


def said() -> ColumnElement[bool]:
    """The one rule for a comment that says something: a choice, text or a proposed wording.
    A row can hold none (a proposal withdrawn, a text cleared): the export, the overview, the
    figures, the report and the reminders all count by this rule, so they agree."""
    return or_(Comment.choice.is_not(None), Comment.text != "", Comment.proposals != "")


def written() -> ColumnElement[bool]:
    """A comment with words of its own (text or a proposed wording): «có nội dung»."""
    return or_(Comment.text != "", Comment.proposals != "")


@dataclass(frozen=True)
class Passage:
    """What a message is about within its section: a quote, a paragraph, a page shown."""

    quote: str | None = None
    paragraph: int | None = None
    page: int | None = None

    def label(self) -> str:
        """One line for the export and the review: the quote, else the paragraph or page."""
        if self.quote and self.paragraph is not None:
            return strings.PASSAGE_PARAGRAPH_QUOTED.format(paragraph=self.paragraph, quote=self.quote)
        if self.quote:
            return strings.PASSAGE_QUOTED.format(quote=self.quote)
        if self.paragraph is not None:
            return strings.PASSAGE_PARAGRAPH.format(paragraph=self.paragraph)
        return strings.PASSAGE_PAGE.format(page=self.page) if self.page is not None else ""


def _joined(existing: str, item: str, separator: str = PART_SEPARATOR) -> str:
    return f"{existing}{separator}{item}" if existing else item


async def comments_on(
    session: AsyncSession, member_id: int, section_ids: list[int]
) -> dict[int, Comment]:
    """The member's comments on any of these sections (one section's versions), by section."""
    result = await session.execute(
        select(Comment).where(Comment.member_id == member_id, Comment.section_id.in_(section_ids))
    )
    return {c.section_id: c for c in result.scalars()}
