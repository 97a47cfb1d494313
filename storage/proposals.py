"""Members' proposed rewordings of passages, and their copy on the comment for the export."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from content.passages import diff_text
from storage.comments import PART_SEPARATOR, get_comment
from storage.models import Comment, GroupItem, Member, Section, WordingProposal


async def start(
    session: AsyncSession, member: Member, section: Section, original: str,
    paragraph: int | None, now: datetime,
) -> WordingProposal:
    """A proposal whose passage is chosen and whose wording is still to come; any other
    unfinished one of the member's is dropped (only one is ever being typed)."""
    await session.execute(delete(WordingProposal).where(
        WordingProposal.member_id == member.id, WordingProposal.proposed == ""))
    proposal = WordingProposal(
        consultation_id=section.consultation_id, section_id=section.id, member_id=member.id,
        cell_id=member.cell_id, paragraph=paragraph, original=original, proposed="",
        created_at=now, updated_at=now,
    )
    session.add(proposal)
    await session.flush()
    return proposal


async def mine(session: AsyncSession, member_id: int, proposal_id: int) -> WordingProposal | None:
    return (await session.execute(select(WordingProposal).where(
        WordingProposal.id == proposal_id, WordingProposal.member_id == member_id))).scalar()


async def of_member(
    session: AsyncSession, member_id: int, consultation_id: int
) -> list[tuple[WordingProposal, int]]:
    """The member's finished proposals with their section's position, in reading order."""
    rows = await session.execute(
        select(WordingProposal, Section.position)
        .join(Section, Section.id == WordingProposal.section_id)
        .where(WordingProposal.member_id == member_id,
               WordingProposal.consultation_id == consultation_id,
               WordingProposal.proposed != "")
        .order_by(Section.position, WordingProposal.id)
    )
    return [(proposal, int(position)) for proposal, position in rows]


async def set_wording(
    session: AsyncSession, proposal: WordingProposal, member: Member, section: Section,
    proposed: str, now: datetime,
) -> None:
    proposal.proposed = proposed
    proposal.updated_at = now
    await session.flush()
    await _copy_to_comment(session, member, section, now)


async def withdraw(
    session: AsyncSession, proposal: WordingProposal, member: Member, section: Section,
    now: datetime,
) -> None:
    await session.delete(proposal)
    await session.flush()
    await _copy_to_comment(session, member, section, now)


async def _copy_to_comment(
    session: AsyncSession, member: Member, section: Section, now: datetime
) -> None:
    """The comment row carries the section's proposals as text (one line each), so the
    export reads them with the comment; a section with only proposals gets a comment row."""
    proposals = (await session.execute(
        select(WordingProposal)
        .where(WordingProposal.member_id == member.id, WordingProposal.section_id == section.id,
               WordingProposal.proposed != "")
        .order_by(WordingProposal.id)
    )).scalars().all()
    lines = PART_SEPARATOR.join(
        strings.PROPOSAL_EXPORT.format(original=p.original, proposed=p.proposed,
                                       diff=diff_text(p.original, p.proposed))
        for p in proposals
    )
    comment = await get_comment(session, member.id, section.id, for_update=True)
    if comment is None:
        if not lines:
            return
        comment = Comment(
            consultation_id=section.consultation_id, section_id=section.id, member_id=member.id,
            cell_id=member.cell_id, choice=None, text="", created_at=now, updated_at=now,
            parts=[],
        )
        session.add(comment)
    comment.proposals = lines
    comment.updated_at = now
    await session.flush()


async def by_section(
    session: AsyncSession, consultation_id: int, *, outside_groups: bool = False
) -> dict[int, list[tuple[str, str]]]:
    """Every finished proposal of a round, (original, proposed), by section id, in order;
    `outside_groups`: only those whose comment is in no group (the report shows the others
    with their group)."""
    query = (
        select(WordingProposal.section_id, WordingProposal.original, WordingProposal.proposed)
        .where(WordingProposal.consultation_id == consultation_id, WordingProposal.proposed != "")
        .order_by(WordingProposal.section_id, WordingProposal.id)
    )
    if outside_groups:
        query = (query.join(Comment, and_(Comment.member_id == WordingProposal.member_id,
                                          Comment.section_id == WordingProposal.section_id))
                 .outerjoin(GroupItem, GroupItem.comment_id == Comment.id)
                 .where(GroupItem.id.is_(None)))
    rows = await session.execute(query)
    found: dict[int, list[tuple[str, str]]] = {}
    for section_id, original, proposed in rows:
        found.setdefault(section_id, []).append((original, proposed))
    return found
