"""Put comments, progress and opinions straight into the database, in a known pattern."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CellOpinion, Comment, Member, Progress


def comment(
    session: AsyncSession,
    member: Member,
    section_id: int,
    consultation_id: int,
    when: datetime,
    *,
    choice: str | None = None,
    text: str = "",
) -> None:
    session.add(
        Comment(
            consultation_id=consultation_id,
            section_id=section_id,
            member_id=member.id,
            cell_id=member.cell_id,
            choice=choice,
            text=text,
            created_at=when,
            updated_at=when,
        )
    )


def progress(
    session: AsyncSession,
    member: Member,
    consultation_id: int,
    when: datetime,
    *,
    finished: bool = False,
) -> None:
    session.add(
        Progress(
            member_id=member.id,
            consultation_id=consultation_id,
            section_position=1,
            page=1,
            started_at=when,
            finished_at=when if finished else None,
        )
    )


def opinion(
    session: AsyncSession,
    author: Member,
    section_id: int,
    consultation_id: int,
    when: datetime,
    text: str,
) -> None:
    session.add(
        CellOpinion(
            consultation_id=consultation_id,
            cell_id=author.cell_id,
            section_id=section_id,
            author_id=author.id,
            text=text,
            created_at=when,
            updated_at=when,
        )
    )
