"""Bloc-wide figures for the web console's charts: answers per section, comments per day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.comments import said
from storage.models import Comment
from storage.versions import gathered_sections, head_of


@dataclass(frozen=True)
class SectionSpread:
    position: int
    number: str
    title: str
    choices: dict[str, int] = field(default_factory=dict)  # choice label → members
    text_only: int = 0  # text without a choice


async def section_spreads(session: AsyncSession, consultation_id: int) -> list[SectionSpread]:
    """Every section in reading order with how many members chose what, across the bloc;
    a section's versions counted together, under its newest one."""
    sections = await gathered_sections(session, consultation_id)
    under = head_of(sections)
    counts = await session.execute(
        select(Comment.section_id, Comment.choice, func.count())
        .where(Comment.consultation_id == consultation_id,
               said())
        .group_by(Comment.section_id, Comment.choice)
    )
    by_section: dict[int, dict[str | None, int]] = {}
    for section_id, choice, count in counts:
        spread = by_section.setdefault(under.get(section_id, section_id), {})
        spread[choice] = spread.get(choice, 0) + int(count)
    spreads = []
    for section_id, position, number, title in ((g.id, g.position, g.number, g.title)
                                                for g in sections):
        spread = by_section.get(section_id, {})
        choices = {c: n for c, n in spread.items() if c is not None}
        spreads.append(SectionSpread(position, number, title, choices, spread.get(None, 0)))
    return spreads


async def comments_per_day(
    session: AsyncSession, consultation_id: int, tz: tzinfo
) -> list[tuple[date, int]]:
    """How many comments were first sent each local day, oldest first (days with none left out)."""
    moments = await session.stream_scalars(
        select(Comment.created_at).where(
            Comment.consultation_id == consultation_id,
            said(),
        ).execution_options(yield_per=5000)
    )
    days: dict[date, int] = {}
    async for moment in moments:
        day = _local_day(moment, tz)
        days[day] = days.get(day, 0) + 1
    return sorted(days.items())


def _local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()
