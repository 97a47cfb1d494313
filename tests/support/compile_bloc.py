"""A bloc of comments for compiling: the labelled set's texts, spread over members of a bloc."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cell, CellOpinion, Comment, Member, Role, Section

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "grouping.csv"
CHOICES = ("Nhất trí", "Nhất trí, có ý kiến bổ sung", "Không nhất trí")


def labelled() -> dict[str, list[tuple[str, str]]]:
    """(text, true group) per section key."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with LABELLED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[row["section"]].append((row["text"], row["group"]))
    return found


async def add_comments(
    session: AsyncSession, consultation_id: int, sections: list[Section], cells: list[Cell],
    now: datetime, *, opinions: int = 2,
) -> dict[int, str]:
    """Members enough for the largest section, one comment each per labelled text; a few
    cells' opinions too. Returns the true group of each comment id."""
    texts = labelled()
    by_key = {s.key: s for s in sections}
    need = max(len(v) for v in texts.values())
    members = [
        Member(full_name=f"Đảng viên {n:03d}", phone=f"0977{n:06d}", cell_id=cells[n % len(cells)].id,
               role=Role.MEMBER, access_code=f"9{n:07d}")
        for n in range(need)
    ]
    session.add_all(members)
    await session.flush()
    truth: dict[int, str] = {}
    for key, items in texts.items():
        section = by_key[key]
        for n, (text, group) in enumerate(items):
            member = members[n]
            comment = Comment(consultation_id=consultation_id, section_id=section.id,
                              member_id=member.id, cell_id=member.cell_id,
                              choice=CHOICES[n % len(CHOICES)], text=text, created_at=now,
                              updated_at=now)
            session.add(comment)
            await session.flush()
            truth[comment.id] = group
        for cell in cells[:opinions]:
            session.add(CellOpinion(consultation_id=consultation_id, cell_id=cell.id,
                                    section_id=section.id, author_id=members[0].id,
                                    text=f"Chi bộ thống nhất: {items[0][0]}", created_at=now,
                                    updated_at=now))
    await session.flush()
    return truth
