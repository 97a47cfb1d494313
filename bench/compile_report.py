"""`python -m bench.compile_report`: group, decide and write the compiled report at bloc size.

6,021 members, 30,000 comments (bench.seed; the texts with free text replaced by the
labelled set's, cycled), on SQLite. Each step runs in a child process of its own, so its
peak RSS (ru_maxrss) is that step's alone. `--write` puts the table into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from bench.grouping import DATA, ROOT, machine
from bench.seed import build_bloc
from storage import decisions, grouping
from storage.db import create_engine, create_session_factory
from storage.decisions import Outcome
from storage.models import CommentGroup
from storage.report_docx import ReportHeader, write_docx
from storage.report_xlsx import write_xlsx
from storage.uow import UnitOfWork

BEGIN, END = "<!-- compile-report:begin -->", "<!-- compile-report:end -->"
HEADER = ReportHeader("ĐẢNG BỘ TỈNH TRÀ VINH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP",
                      "ĐUK", "Trà Vinh", date(2026, 12, 20))


async def seed(path: Path, members: int, comments: int) -> None:
    await build_bloc(path, members, commenting=1.0, sections=5, with_text=0.3, comments=comments)
    with DATA.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    db = sqlite3.connect(path)
    ids = [i for (i,) in db.execute("SELECT id FROM comment WHERE text != '' ORDER BY id")]
    db.executemany("UPDATE comment SET text = ? WHERE id = ?",
                   [(texts[n % len(texts)], i) for n, i in enumerate(ids)])
    db.commit()
    db.close()


async def step(path: Path, name: str, out: Path) -> dict[str, float]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = create_session_factory(engine)
    now = datetime(2026, 12, 16, 8, tzinfo=UTC)
    started = time.perf_counter()
    extra: dict[str, float] = {}
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        if name == "group":
            report = await grouping.regroup(s, 1, now)
            extra = {"items": report.items, "groups": report.groups}
            await uow.commit()
        elif name == "decide":
            groups = list((await s.execute(select(CommentGroup.id))).scalars())
            for n, group_id in enumerate(groups):
                await decisions.decide(s, group_id, list(Outcome)[n % 5], "Giải thích.", now)
            await uow.commit()
            extra = {"groups": len(groups)}
        elif name == "docx":
            with out.open("wb") as handle:
                extra = {"groups": (await write_docx(s, handle, 1, HEADER)).groups}
        else:
            with out.open("wb") as handle:
                extra = {"groups": await write_xlsx(s, handle, 1)}
    seconds = time.perf_counter() - started
    await engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = out.stat().st_size / 1e6 if out.exists() else 0.0
    return {"seconds": seconds, "rss_mb": rss, "file_mb": size, **extra}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compile_report", description=__doc__)
    parser.add_argument("--members", type=int, default=6021)
    parser.add_argument("--comments", type=int, default=30000)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        out = args.db.with_suffix("." + args.step)
        print(json.dumps(asyncio.run(step(args.db, args.step, out))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bloc.db"
        asyncio.run(seed(db, args.members, args.comments))
        results = {}
        for name in ("group", "decide", "docx", "xlsx"):
            child = subprocess.run(
                [sys.executable, "-m", "bench.compile_report", "--step", name, "--db", str(db)],
                check=True, capture_output=True, text=True, cwd=ROOT)
            results[name] = json.loads(child.stdout.strip().splitlines()[-1])
    lines = [
        (f"{args.members:,} members, {args.comments:,} comments (30% with text, from the labelled "
        f"set), SQLite. Machine: {machine()}. Command: `.venv/bin/python -m bench.compile_report "
        "--write`. Each step in its own process; peak RSS is the whole process's (Python, "
        "SQLAlchemy, scikit-learn or python-docx included)."),
        "",
        "| step | seconds | peak RSS MB | file MB | figures |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        figures = ", ".join(f"{k} {int(v)}" for k, v in r.items()
                            if k not in ("seconds", "rss_mb", "file_mb"))
        lines.append(f"| {name} | {r['seconds']:.2f} | {r['rss_mb']:.0f} | "
                     f"{r['file_mb']:.2f} | {figures} |")
    print("\n".join(lines))
    if args.write:
        from bench.grouping import write

        write(lines, ROOT / "BENCHMARKS.md", begin=BEGIN, end=END,
              title="Compiling: grouping, decisions and the report at bloc size")


if __name__ == "__main__":
    main()
