"""`make bench-national`: the views, the export and reminder planning at national scale.

On a throwaway PostgreSQL (bench/pg.py; GOPY_PG_PORT picks the port): about 5.6 million
members in 55,000 base organizations and 200,000 cells, 30% of them with comments on 10
sections (10% finished), 80% linked, a quarter of the cells submitted, generated in SQL
(generate_series) with the counter triggers off and the counters recounted once. Then,
through the production engine: the Office overview, a secretary's view, one organization's
overview, a streamed CSV export of everything (in a child process: rows/s, peak memory) and
the planning of one reminder slot. `--scale 0.1` generates a tenth of everything.

Writes its table into BENCHMARKS.md between the markers below (`make bench` keeps it).
Not part of `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bench.export import export_in_child
from bench.machine import describe
from bench.pg import throwaway_postgres
from bench.seed import TEXTS
from bench.updates import temp_dir
from bench.workload import ROOT, SEED_DRAFT
from content.draft_parser import parse_draft
from storage import progress, reminders
from storage.consultations import create_consultation
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import ReminderSent, ReminderStatus
from storage.progress_counters import recount_sql
from storage.uow import UnitOfWork

START_MARK = "<!-- national: written by `make bench-national` (bench/national.py) -->"
END_MARK = "<!-- national: end -->"
ORGANIZATIONS, CELLS, MEMBERS = 55_000, 200_000, 5_600_000
SECTIONS = 10
REPEATS = 5
PAGE = 19
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TRIGGERED = ("organization", "cell", "member", "progress", "comment", "cell_submission",
             "cell_progress", "consultation")


@dataclass(frozen=True)
class Figure:
    what: str
    value: str
    detail: str = ""


def generation(organizations: int, cells: int, members: int, consultation: int) -> list[str]:
    texts = " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(TEXTS))
    stamp = f"timestamptz '{START.isoformat()}'"
    return [
        (f"INSERT INTO organization (id, name) SELECT i, 'Đảng bộ cơ sở số ' || i "
        f"FROM generate_series(1, {organizations}) i"),
        (f"INSERT INTO cell (id, code, name, organization_id) SELECT i, "
        f"'CB' || lpad(i::text, 7, '0'), 'Chi bộ ' || i, (i - 1)::bigint * {organizations} "
        f"/ {cells} + 1 FROM generate_series(1, {cells}) i"),
        (f"INSERT INTO member (id, cell_id, full_name, phone, role, access_code) SELECT i, "
        f"(i - 1)::bigint * {cells} / {members} + 1, 'Đảng viên ' || (i::bigint * 7919 % 1000003), "
        f"'0' || lpad(i::text, 10, '0'), 'member', lpad(i::text, 9, '0') "
        f"FROM generate_series(1, {members}) i"),
        "UPDATE member SET role = 'secretary' WHERE id IN (SELECT min(id) FROM member GROUP BY cell_id)",
        ("INSERT INTO identity (channel, user_id, chat_id, member_id, linked_by, linked_at, "
        f"last_seen_at) SELECT 'telegram', 800000000 + id, 800000000 + id, id, 'contact', "
        f"{stamp}, {stamp} FROM member WHERE id % 10 < 8"),
        ("INSERT INTO progress (member_id, consultation_id, section_position, page, started_at, "
        f"finished_at) SELECT id, {consultation}, {SECTIONS + 1}, 1, {stamp}, "
        f"CASE WHEN id % 10 < 1 THEN {stamp} + interval '1 hour' END FROM member "
        "WHERE id % 10 < 3"),
        ("INSERT INTO comment (consultation_id, section_id, member_id, cell_id, choice, text, "
        f"created_at, updated_at) SELECT {consultation}, s.id, m.id, m.cell_id, "
        "CASE (m.id + s.position) % 4 WHEN 0 THEN 'Nhất trí' "
        "WHEN 1 THEN 'Nhất trí, có ý kiến bổ sung' WHEN 2 THEN 'Không nhất trí' "
        "ELSE 'Không có ý kiến' END, "
        f"CASE WHEN (m.id * 31 + s.position) % 100 < 30 THEN CASE (m.id + s.position) % "
        f"{len(TEXTS)} {texts} END ELSE '' END, "
        f"{stamp} + (m.id % 86400) * interval '1 second', "
        f"{stamp} + (m.id % 86400) * interval '1 second' "
        f"FROM member m JOIN section s ON s.consultation_id = {consultation} "
        f"AND s.position <= {SECTIONS} WHERE m.id % 10 < 3"),
        ("INSERT INTO cell_opinion (consultation_id, cell_id, section_id, author_id, text, "
        f"created_at, updated_at) SELECT {consultation}, m.cell_id, s.id, m.id, "
        "'Chi bộ thống nhất đề nghị bổ sung nội dung về xây dựng tổ chức cơ sở đảng.', "
        f"{stamp}, {stamp} FROM member m JOIN section s ON s.consultation_id = {consultation} "
        "AND s.position = 1 WHERE m.role = 'secretary'"),
        ("INSERT INTO cell_submission (consultation_id, cell_id, submitted_by, submitted_at) "
        f"SELECT {consultation}, m.cell_id, m.id, {stamp} FROM member m "
        "WHERE m.role = 'secretary' AND m.cell_id % 4 = 0"),
        *(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
          f"(SELECT max(id) FROM {table}))" for table in ("organization", "cell", "member")),
    ]


async def _timed(sessions: object, run: object) -> float:
    """Median milliseconds of warm runs (the first warms the caches)."""
    times = []
    for _ in range(REPEATS + 1):
        async with UnitOfWork(sessions, write=False) as uow:  # type: ignore[arg-type]
            start = time.perf_counter()
            await run(uow.session)  # type: ignore[operator]
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:]) * 1000


async def measure(url: str, scale: float, workdir: Path) -> list[Figure]:
    organizations = max(1, round(ORGANIZATIONS * scale))
    cells, members = max(1, round(CELLS * scale)), max(1, round(MEMBERS * scale))
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    async with UnitOfWork(sessions) as uow:
        consultation = await create_consultation(
            uow.session, parse_draft(SEED_DRAFT.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo chính trị (lần 4)", deadline=START + timedelta(days=14),
            now=START)
        await uow.commit()
        cid = consultation.id
    figures = []
    async with engine.begin() as conn:
        for table in TRIGGERED:
            await conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    start = time.perf_counter()
    for statement in generation(organizations, cells, members, cid):
        async with engine.begin() as conn:
            await conn.exec_driver_sql(statement)
    generated = time.perf_counter() - start
    async with engine.begin() as conn:
        for table in TRIGGERED:
            await conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    start = time.perf_counter()
    async with engine.begin() as conn:
        for statement in recount_sql(cid):
            await conn.exec_driver_sql(statement)
    recounted = time.perf_counter() - start
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("VACUUM ANALYZE")
        comments = (await conn.exec_driver_sql("SELECT count(*) FROM comment")).scalar_one()
    figures += [
        Figure("generated (generate_series, triggers off)", f"{generated:.0f} s",
               f"{organizations:,} organizations, {cells:,} cells, {members:,} members, "
               f"{comments:,} comments"),
        Figure("counters recounted (rebuild_counters' SQL)", f"{recounted:.0f} s"),
    ]
    cell_id = cells // 2 + 1
    last = (cells - 1) // PAGE * PAGE

    async def office(s: object) -> None:
        await progress.totals(s, cid)  # type: ignore[arg-type]
        await progress.overview(s, cid, offset=0, limit=PAGE)  # type: ignore[arg-type]

    async def last_page(s: object) -> None:
        await progress.overview(s, cid, offset=last, limit=PAGE)  # type: ignore[arg-type]

    async def secretary(s: object) -> None:
        await progress.cell_members(s, cid, cell_id)  # type: ignore[arg-type]
        await progress.cell_tallies(s, cid, cell_id)  # type: ignore[arg-type]

    organization = f"Đảng bộ cơ sở số {organizations // 2 + 1}"

    async def one_organization(s: object) -> None:
        await progress.overview(s, cid, organization=organization)  # type: ignore[arg-type]

    for what, run in (("Office overview: totals + first page of 19 cells", office),
                      ("Office overview: last page", last_page),
                      ("secretary's view: cell_members + cell_tallies", secretary),
                      ("one organization's overview", one_organization)):
        figures.append(Figure(what, f"{await _timed(sessions, run):.1f} ms",
                              f"median of {REPEATS} warm runs"))
    slot, at = "2026-12-12T08:00", START + timedelta(days=11)
    start = time.perf_counter()
    async with UnitOfWork(sessions) as uow:
        carried = await plan_through_python(uow.session, cid, slot, at)  # rolled back
    through_python = time.perf_counter() - start
    start = time.perf_counter()
    async with UnitOfWork(sessions) as uow:
        planned = await reminders.plan(uow.session, cid, slot, None, at)
        await uow.commit()
    figures.append(Figure("plan one reminder slot (reminders.plan, committed)",
                          f"{time.perf_counter() - start:.1f} s",
                          f"{planned:,} recipients, one INSERT … SELECT; the same slot with "
                          f"its {carried:,} rows carried through Python (the code before, "
                          f"rolled back): {through_python:.1f} s"))
    await engine.dispose()
    out = workdir / "national.csv"
    done = export_in_child(url, "csv", out, cid)
    out.unlink(missing_ok=True)
    figures.append(Figure(
        "streamed CSV export of everything (child process)",
        f"{done['rows'] / done['seconds']:,.0f} rows/s",
        f"{int(done['rows']):,} rows in {done['seconds']:.0f} s ({done['cpu_seconds']:.0f} s CPU), "
        f"peak RSS {done['peak_rss_kb'] / 1024:.0f} MB (interpreter "
        f"{done['rss_before_kb'] / 1024:.0f} MB), file {done['bytes'] / 1e6:,.0f} MB"))
    return figures


async def plan_through_python(session: AsyncSession, cid: int, slot: str, now: datetime) -> int:
    """Planning as it was before issue 14: every recipient read into Python, then written
    back in one executemany. Kept here as the ceiling the set-based plan is measured against."""
    people = await reminders.audience(session, cid, slot, None)
    if people:
        await session.execute(insert(ReminderSent), [
            {"consultation_id": cid, "slot": slot, "member_id": d.member_id,
             "cell_id": d.cell_id, "sent_at": now, "status": ReminderStatus.PENDING}
            for d in people])
    return len(people)


def section(figures: list[Figure], scale: float, seconds: float, command: str) -> str:
    m = describe()
    lines = [
        START_MARK, "", "## National scale, on PostgreSQL", "",
        (f"Generated by `{command}` on {m.date}, in {seconds / 60:.1f} minutes, at scale "
         f"{scale:g} of 5.6 million members, 55,000 organizations, 200,000 cells"
         + ("" if scale == 1 else " (the largest that fitted the time here)") + "; "
         f"{m.cores} cores, {m.cpu}, load at start {m.load}; PostgreSQL {m.postgresql} "
         "(shared_buffers 256MB, fsync on). The times are the production code's through the "
         "production engine (asyncpg)."), "",
        "| what | figure | detail |", "|---|---|---|",
        *(f"| {f.what} | {f.value} | {f.detail} |" for f in figures), "", END_MARK,
    ]
    return "\n".join(lines) + "\n"


def kept(text: str) -> str:
    """The national section of an existing BENCHMARKS.md, for `make bench` to keep."""
    found = re.search(re.escape(START_MARK) + ".*?" + re.escape(END_MARK), text, re.DOTALL)
    return found.group(0) + "\n" if found else ""


def write(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    old = kept(text)
    text = text.replace(old, block) if old else text.rstrip() + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    p.add_argument("--scale", type=float, default=1.0,
                   help="share of the national size to generate (1: 5.6 million members)")
    p.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = p.parse_args(argv)
    command = "make bench-national" + (f" SCALE={args.scale:g}" if args.scale != 1 else "")
    workdir = temp_dir()
    started = time.perf_counter()
    try:
        with throwaway_postgres() as url:
            figures = asyncio.run(measure(url, args.scale, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    block = section(figures, args.scale, time.perf_counter() - started, command)
    print(block)
    write(args.output, block)


if __name__ == "__main__":
    main()
