"""Who talks to the bot in the update benchmark, and what they send: members already linked,
each working through the draft with taps, typed comments and navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from content.draft_parser import parse_draft
from storage.consultations import create_consultation, list_sections
from storage.models import Cell, Identity, LinkedBy, Member, Organization, Role

ROOT = Path(__file__).resolve().parent.parent
SEED_DRAFT = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
FIRST_USER = 700_000_001  # Telegram user ids of the benchmark's members
MEMBERS_PER_CELL = 20
COMMENTS = (
    "Đề nghị bổ sung số liệu về kết nạp đảng viên mới trong nhiệm kỳ, nhất là đảng viên trẻ.",
    "Nên nêu rõ hơn nguyên nhân của hạn chế trong công tác kiểm tra, giám sát.",
    "Đồng ý với dự thảo; đề nghị rút gọn phần đánh giá chung cho cô đọng hơn.",
    "Cần làm rõ chỉ tiêu về chuyển đổi số trong hoạt động của các chi bộ.",
)


@dataclass(frozen=True)
class Action:
    """One update a member sends: a tap on a button (`data`) or a typed comment (`text`)."""

    user_id: int
    tap: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Roster:
    user_ids: list[int]
    section_ids: list[int]  # in reading order


async def load_roster(session: AsyncSession, members: int, now: datetime) -> Roster:
    """The seed draft as the current consultation, and `members` members linked on Telegram."""
    consultation = await create_consultation(
        session, parse_draft(SEED_DRAFT.read_text(encoding="utf-8")),
        title="Dự thảo Báo cáo chính trị (lần 4)", deadline=now + timedelta(days=14), now=now,
    )
    organization = Organization(name="Đảng bộ benchmark")
    session.add(organization)
    await session.flush()
    cells = [
        Cell(code=f"B{c:04d}", name=f"Chi bộ {c}", organization_id=organization.id)
        for c in range(-(-members // MEMBERS_PER_CELL))
    ]
    session.add_all(cells)
    await session.flush()
    people = [
        Member(full_name=f"Đảng viên {i:05d}", phone=f"09{i:08d}", role=Role.MEMBER,
               access_code=f"{10_000_000 + i}", cell_id=cells[i // MEMBERS_PER_CELL].id)
        for i in range(members)
    ]
    session.add_all(people)
    await session.flush()
    user_ids = [FIRST_USER + i for i in range(members)]
    session.add_all(
        Identity(channel="telegram", user_id=str(uid), chat_id=str(uid), member_id=m.id,
                 linked_by=LinkedBy.CONTACT, linked_at=now, last_seen_at=now)
        for uid, m in zip(user_ids, people, strict=True)
    )
    sections = await list_sections(session, consultation.id)
    return Roster(user_ids, [s.id for s in sections])


def member_script(member: int, step: int, section_ids: list[int]) -> Action:
    """The member's `step`-th update: a ten-step cycle that walks forward through the draft.

    Per cycle: 4 taps on a choice (2 of them ask for text), 2 typed comments,
    3 section openings, 1 table of contents.
    """
    count = len(section_ids)
    cycle, phase = divmod(step, 10)
    base = (member * 3 + cycle * 5) % count  # 0-based position of the cycle's first section

    def pos(offset: int) -> int:  # 1-based position
        return (base + offset) % count + 1

    def sid(offset: int) -> int:
        return section_ids[pos(offset) - 1]

    text = COMMENTS[(member + step) % len(COMMENTS)]
    steps = (
        f"m:p:{pos(0)}",  # open a section
        f"m:c:{sid(0)}:0",  # agree: saved, the next section shown
        f"m:c:{sid(1)}:1",  # agree with additions: asks for the text
        None,  # … the addition, typed
        f"m:p:{pos(2)}",
        f"m:c:{sid(2)}:3",  # no comment: saved, the next section shown
        "m:t:1",  # table of contents
        None,  # a comment typed on the current section
        f"m:c:{sid(3)}:2",  # disagree: asks for the text
        f"m:p:{pos(4)}",
    )
    tap = steps[phase]
    return Action(0, tap=tap) if tap is not None else Action(0, text=text)


def plan(user_ids: list[int], section_ids: list[int], start: int, count: int) -> list[Action]:
    """Updates `start`…`start+count` of the round-robin stream: member i % n, step i // n.

    Round robin keeps any `len(user_ids)` consecutive updates in distinct chats, so one
    getUpdates batch (≤ 100) never holds two updates of one chat.
    """
    n = len(user_ids)
    actions = []
    for i in range(start, start + count):
        member, step = i % n, i // n
        action = member_script(member, step, section_ids)
        actions.append(Action(user_ids[member], action.tap, action.text))
    return actions


def now_utc() -> datetime:
    return datetime.now(UTC)
