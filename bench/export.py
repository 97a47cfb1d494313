"""Export speed and memory, against the ceiling of `sqlite3` dumping the same rows as CSV.

Each export runs in a child process (bench/export_child.py) that reports its own peak
RSS; the sqlite3 CLI runs the very statement storage/exports.py streams, compiled to SQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.dialects import sqlite

from bench import export_child
from bench.profile import wrapped
from bench.seed import build_bloc
from bench.workload import ROOT
from storage.export_rows import raw_rows  # the rows the export streams, unformatted

SECTIONS_PER_MEMBER = 10


@dataclass(frozen=True)
class Export:
    comments: int
    kind: str  # "csv" | "xlsx"
    rows: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    rss_before_mb: float
    megabytes: float
    sqlite3_seconds: float | None  # the CLI's CSV dump of the same rows (ceiling)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def ratio(self) -> float | None:
        """Our time over sqlite3's: 1.0 would be as fast as the database itself."""
        return self.seconds / self.sqlite3_seconds if self.sqlite3_seconds else None


def sqlite3_cli() -> str | None:
    return shutil.which("sqlite3")


def dump_sql(consultation_id: int) -> str:
    statement = raw_rows(consultation_id, None, False)
    return str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def sqlite3_dump(path: Path, consultation_id: int, out: Path) -> float:
    cli = sqlite3_cli()
    assert cli is not None
    script = f".headers on\n.mode csv\n.output {out}\n{dump_sql(consultation_id)};\n"
    start = time.perf_counter()
    subprocess.run([cli, "-batch", str(path)], input=script, text=True, check=True)
    return time.perf_counter() - start


def export_in_child(url: str, kind: str, out: Path, consultation_id: int,
                    profile: Path | None = None) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bench.export_child", url, kind, str(out), str(consultation_id)]
    if profile is not None:
        command = wrapped(command, profile)
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    # py-spy, when it wraps the child, writes its own lines too: the figures are the JSON one.
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("{"))
    result: dict[str, float] = json.loads(line)
    return result


async def measure(comments: int, workdir: Path, kinds: tuple[str, ...] = ("csv", "xlsx"),
                  profile: Path | None = None, in_process: bool = False) -> list[Export]:
    """Each format exported from one generated bloc; with `profile`, sampled by py-spy;
    `in_process` (smoke test only) skips the child, so memory is this process's."""
    path = workdir / f"export-{comments}.db"
    for old in workdir.glob(path.name + "*"):
        old.unlink()
    bloc = await build_bloc(path, -(-comments // SECTIONS_PER_MEMBER), commenting=1.0,
                            sections=SECTIONS_PER_MEMBER, comments=comments)
    out = workdir / "export.out"
    ceiling = sqlite3_dump(path, bloc.consultation_id, out) if sqlite3_cli() and not profile else None
    results = []
    for kind in kinds:
        if in_process:
            figures = await export_child.run(bloc.url, kind, out, bloc.consultation_id)
        else:
            figures = export_in_child(bloc.url, kind, out, bloc.consultation_id, profile)
        results.append(Export(
            comments=bloc.comments, kind=kind, rows=int(figures["rows"]),
            seconds=figures["seconds"], cpu_seconds=figures["cpu_seconds"],
            peak_mb=figures["peak_rss_kb"] / 1024, rss_before_mb=figures["rss_before_kb"] / 1024,
            megabytes=figures["bytes"] / 1e6, sqlite3_seconds=ceiling if kind == "csv" else None,
        ))
    out.unlink(missing_ok=True)
    for leftover in workdir.glob(path.name + "*"):
        leftover.unlink()
    return results
