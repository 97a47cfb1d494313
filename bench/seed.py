"""A bloc of any size in a SQLite file, fast: bulk INSERT…SELECT over a recursive CTE.

The schema comes from the real migrations and the consultation from the real draft;
only the rows (organizations, cells, members, identities, progress, comments, cell
opinions and submissions) are generated in SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.workload import SEED_DRAFT
from content.draft_parser import parse_draft
from storage.consultations import create_consultation
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.progress_counters import drop_trigger_ddl, recount_sql, trigger_ddl
from storage.uow import UnitOfWork

MEMBERS_PER_CELL = 20
CELLS_PER_ORGANIZATION = 4
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TEXTS = (
    "Đề nghị bổ sung đánh giá về công tác phát triển đảng viên trong khối doanh nghiệp.",
    ("Cần nêu rõ nguyên nhân chủ quan của những hạn chế, khuyết điểm; đề ra giải pháp cụ thể, "
     "khả thi, có lộ trình và phân công trách nhiệm rõ ràng cho từng cấp ủy."),
    "Nhất trí với dự thảo. Đề nghị rà soát lại số liệu ở mục này cho khớp với báo cáo tổng kết.",
    ("Bổ sung nội dung về chuyển đổi số trong sinh hoạt chi bộ, \"sổ tay đảng viên điện tử\", "
     "và việc ứng dụng công nghệ thông tin trong quản lý đảng viên."),
)


@dataclass(frozen=True)
class Bloc:
    path: Path
    consultation_id: int
    members: int
    cells: int
    comments: int
    opinions: int

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.path}"


async def _schema(path: Path) -> int:
    """A migrated database holding the seed draft as its one consultation; returns its id."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    async with UnitOfWork(create_session_factory(engine)) as uow:
        consultation = await create_consultation(
            uow.session, parse_draft(SEED_DRAFT.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo chính trị (lần 4)", deadline=START + timedelta(days=14), now=START,
        )
        await uow.commit()
        consultation_id = consultation.id
    await engine.dispose()
    return consultation_id


def _stamp(offset_seconds: str) -> str:
    """SQL for a timestamp as SQLAlchemy stores it on SQLite, `offset_seconds` after START."""
    base = START.strftime("%Y-%m-%d %H:%M:%S")
    return f"strftime('%Y-%m-%d %H:%M:%f000', '{base}', '+' || ({offset_seconds}) || ' seconds')"


async def build_bloc(
    path: Path,
    members: int,
    *,
    commenting: float = 0.6,  # share of members with comments (and progress)
    sections: int = 3,  # sections each of them commented on (the first ones)
    with_text: float = 0.3,  # share of comments with free text
    finished: float = 0.3,  # share of members who confirmed
    linked: float = 0.8,  # share of members linked to a chat account
    submitted: float = 0.25,  # share of cells that submitted
    comments: int | None = None,  # stop at exactly this many comments
) -> Bloc:
    """Generate the bloc into a new SQLite file at `path`."""
    consultation_id = await _schema(path)
    cells = -(-members // MEMBERS_PER_CELL)
    organizations = -(-cells // CELLS_PER_ORGANIZATION)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;")
    db.execute("BEGIN")
    # The Office's counters are recounted once at the end rather than kept row by row.
    for statement in drop_trigger_ddl("sqlite"):
        db.execute(statement)
    seq = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
    db.execute(seq + "INSERT INTO organization (id, name) SELECT i, 'Đảng bộ cơ sở số ' || i FROM n",
               (organizations,))
    db.execute(
        seq + "INSERT INTO cell (id, code, name, organization_id) "
        f"SELECT i, printf('CB%06d', i), 'Chi bộ ' || i, (i - 1) / {CELLS_PER_ORGANIZATION} + 1 FROM n",
        (cells,))
    db.execute(
        seq + "INSERT INTO member (id, cell_id, full_name, phone, role, access_code) "
        f"SELECT i, (i - 1) / {MEMBERS_PER_CELL} + 1, "
        "'Đảng viên ' || (i * 7919 % 1000003), printf('09%08d', i), "
        f"CASE WHEN i % {MEMBERS_PER_CELL} = 1 THEN 'secretary' ELSE 'member' END, "
        "printf('%08d', 10000000 + i) FROM n",
        (members,))
    db.execute(
        "INSERT INTO identity (channel, user_id, chat_id, member_id, linked_by, linked_at, "
        f"last_seen_at) SELECT 'telegram', 800000000 + id, 800000000 + id, id, 'contact', "
        f"{_stamp('id % 86400')}, {_stamp('id % 86400')} FROM member "
        f"WHERE id % 100 < {round(linked * 100)}")
    active = f"m.id % 100 < {round(commenting * 100)}"
    db.execute(
        "INSERT INTO progress (member_id, consultation_id, section_position, page, started_at, "
        f"finished_at) SELECT m.id, {consultation_id}, {sections + 1}, 1, {_stamp('m.id % 86400')}, "
        f"CASE WHEN m.id % 100 < {round(finished * 100)} THEN {_stamp('m.id % 86400 + 3600')} END "
        f"FROM member m WHERE {active}")
    texts = " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(TEXTS))
    limit = f"LIMIT {comments}" if comments is not None else ""
    db.execute(
        "INSERT INTO comment (consultation_id, section_id, member_id, cell_id, choice, text, "
        f"created_at, updated_at) SELECT {consultation_id}, s.id, m.id, m.cell_id, "
        "CASE (m.id + s.position) % 4 WHEN 0 THEN 'Nhất trí' WHEN 1 THEN 'Nhất trí, có ý kiến bổ sung' "
        "WHEN 2 THEN 'Không nhất trí' ELSE 'Không có ý kiến' END, "
        f"CASE WHEN (m.id * 31 + s.position) % 100 < {round(with_text * 100)} "
        f"THEN CASE (m.id + s.position) % {len(TEXTS)} {texts} END ELSE '' END, "
        f"{_stamp('m.id % 86400 + s.position * 60')}, {_stamp('m.id % 86400 + s.position * 60')} "
        f"FROM member m JOIN section s ON s.consultation_id = {consultation_id} "
        f"AND s.position <= {sections} WHERE {active} ORDER BY m.id, s.position {limit}")
    db.execute(  # each cell's secretary writes the cell's opinion on the first section
        "INSERT INTO cell_opinion (consultation_id, cell_id, section_id, author_id, text, "
        f"created_at, updated_at) SELECT {consultation_id}, m.cell_id, s.id, m.id, "
        f"'Chi bộ thống nhất đề nghị bổ sung nội dung về xây dựng tổ chức cơ sở đảng.', "
        f"{_stamp('m.id % 86400')}, {_stamp('m.id % 86400')} FROM member m "
        f"JOIN section s ON s.consultation_id = {consultation_id} AND s.position = 1 "
        "WHERE m.role = 'secretary'")
    db.execute(
        "INSERT INTO cell_submission (consultation_id, cell_id, submitted_by, submitted_at) "
        f"SELECT {consultation_id}, m.cell_id, m.id, {_stamp('m.id % 86400 + 7200')} "
        f"FROM member m WHERE m.role = 'secretary' AND m.cell_id % 100 < {round(submitted * 100)}")
    for statement in [*trigger_ddl("sqlite"), *recount_sql(consultation_id)]:
        db.execute(statement)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("comment", "cell_opinion")]
    db.close()
    return Bloc(path, consultation_id, members, cells, counts[0], counts[1])
