"""`python -m bench` (`make bench`): every benchmark, a table, and BENCHMARKS.md rewritten."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from bench import export, growth, memory, statements, updates, workers
from bench.fanout import measure_fanout
from bench.findings import findings
from bench.machine import describe
from bench.national import kept
from bench.pg import pg_bin, throwaway_postgres
from bench.profile import py_spy, summarize
from bench.report import Results, UpdatePair, console, markdown
from bench.workload import ROOT

SECTIONS = ("updates", "workers", "reminders", "export", "growth", "memory")
PROFILED_UPDATES = 1000


def parse(argv: list[str]) -> argparse.Namespace:
    quick = "--quick" in argv
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="CI sizes: the whole run in about a minute")
    p.add_argument("--full", action="store_true",
                   help="send the 100,000-member reminder round for real (~55 min at 30/s)")
    p.add_argument("--only", default=",".join(SECTIONS),
                   help=f"sections to run, comma-separated: {','.join(SECTIONS)}")
    p.add_argument("--members", type=int, default=100 if quick else 500,
                   help="members sending updates (at least 100)")
    p.add_argument("--updates", type=int, default=200 if quick else 3000,
                   help="updates per max-rate run")
    p.add_argument("--warmup", type=int, default=50 if quick else 300)
    p.add_argument("--paced-seconds", type=float, default=3 if quick else 20,
                   help="length of the run at half our max rate")
    p.add_argument("--worker-updates", type=int, default=300 if quick else 3000,
                   help="updates per run of the webhook workers behind the proxy")
    p.add_argument("--statement-members", type=int, default=30,
                   help="members whose 10 updates each are counted in SQL statements")
    p.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL runs")
    p.add_argument("--reminder-sizes", default="300" if quick else "6021",
                   help="members reminded, each round sent in full at 30 msg/s")
    p.add_argument("--reminder-window-sizes", default="" if quick else "100000",
                   help="members reminded, paced over --window seconds and extrapolated")
    p.add_argument("--window", type=float, default=60.0)
    p.add_argument("--export-sizes", default="2000" if quick else "100000,1000000")
    p.add_argument("--growth-sizes", default="1000,10000" if quick else "1000,10000,100000,1000000")
    p.add_argument("--memory-updates", type=int, default=300 if quick else 10_000,
                   help="updates handled by the engine while its resident memory is read")
    p.add_argument("--profile", action=argparse.BooleanOptionalAction, default=not quick,
                   help="also profile the bot and the exports with py-spy, in extra runs "
                        "(default: on, except with --quick)")
    p.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    p.add_argument("--in-process", action="store_true",
                   help="no child processes (the smoke test): figures not comparable")
    return p.parse_args(argv)


def _sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def _say(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


async def run(args: argparse.Namespace, command: str, workdir: Path) -> Results:
    results = Results(machine=describe(), command=command)
    only = set(args.only.split(","))
    if args.profile and py_spy() is None:
        args.profile = False
        results.notes["profiles"] = ("py-spy is not installed (.venv/bin/pip install -e '.[bench]'):"
                                     " no profiles were taken.")
    started = time.perf_counter()
    if "updates" in only:
        await _updates(args, results, workdir)
    if "workers" in only:
        await _workers(args, results, workdir)
    if "reminders" in only:
        _say("reminders")
        results.fanout = await measure_fanout(
            _sizes(args.reminder_sizes), _sizes(args.reminder_window_sizes), args.window,
            full=args.full, workdir=workdir)
    if "export" in only:
        await _export(args, results, workdir)
    if "growth" in only:
        for members in _sizes(args.growth_sizes):
            _say(f"growth: {members:,} members")
            figures, plans = await growth.measure(members, workdir)
            results.growth.append(figures)
            results.plans = plans
    if "memory" in only:
        _say(f"memory: {args.memory_updates:,} updates through the engine")
        results.memory = memory.measure(workdir, updates=args.memory_updates)
    results.seconds = time.perf_counter() - started
    return results


async def _updates(args: argparse.Namespace, results: Results, workdir: Path) -> None:
    sizes = updates.UpdateSizes(args.members, args.updates, args.warmup, args.paced_seconds)

    def half(rate: float) -> float:
        return rate / 2

    async def pair(database: str, url: str) -> None:
        _say(f"updates: aiogram echo ({database} pair)")
        echo = await updates.bench_echo(sizes, workdir, args.in_process)
        _say(f"updates: Góp ý on {database}")
        ours = await updates.bench_ours(database, url, sizes, workdir, half, args.in_process)
        results.updates.append(UpdatePair(database, echo, ours[0], ours[1]))

    async def profile(database: str, url: str) -> None:
        if not args.profile:
            return
        _say(f"updates: profiling Góp ý on {database}")
        raw = workdir / f"updates-{database.lower()}.raw"
        profiled = replace(sizes, updates=min(sizes.updates, PROFILED_UPDATES))
        await updates.profile_ours(database, url, profiled, workdir, raw)
        results.profiles.append(summarize(
            f"Góp ý on {database}, {profiled.updates} updates queued at once (bot process)", raw))

    await pair("SQLite", updates.sqlite_url(workdir, "updates.db"))
    _say("updates: SQL statements per update (engine alone)")
    results.statements = await statements.count(args.statement_members, workdir)
    await profile("SQLite", updates.sqlite_url(workdir, "profile.db"))
    if args.no_postgres:
        results.notes["updates"] = "PostgreSQL runs skipped (--no-postgres)."
    elif pg_bin() is None:
        results.notes["updates"] = "PostgreSQL is not installed: its runs were skipped."
    else:
        with throwaway_postgres() as url:
            await pair("PostgreSQL", url)
            await profile("PostgreSQL", url)


async def _workers(args: argparse.Namespace, results: Results, workdir: Path) -> None:
    if args.no_postgres or pg_bin() is None:
        results.notes["workers"] = ("Skipped: the webhook workers share a PostgreSQL database "
                                    "(--no-postgres, or PostgreSQL is not installed).")
        return
    _say("workers: one, then two gopy run webhook workers behind a round-robin proxy")
    with throwaway_postgres() as url:
        results.workers = await workers.measure(url, args.members, args.worker_updates, workdir)


async def _export(args: argparse.Namespace, results: Results, workdir: Path) -> None:
    if export.sqlite3_cli() is None:
        message = ("the sqlite3 CLI is not installed (apt-get install sqlite3): exports are "
                   "measured without their ceiling")
        print(f"!! {message}", file=sys.stderr)
        results.notes["export"] = message[0].upper() + message[1:] + "."
    sizes = _sizes(args.export_sizes)
    for comments in sizes:
        _say(f"export: {comments:,} comments")
        results.exports += await export.measure(comments, workdir, in_process=args.in_process)
    if args.profile and sizes:
        for kind in ("csv", "xlsx"):
            _say(f"export: profiling {kind.upper()}")
            raw = workdir / f"export-{kind}.raw"
            await export.measure(min(sizes), workdir, kinds=(kind,), profile=raw)
            results.profiles.append(summarize(
                f"{kind.upper()} export of {min(sizes):,} comments (export process)", raw))


def _command(argv: list[str]) -> str:
    python = Path(sys.executable)
    shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    return " ".join([str(shown), "-m", "bench", *map(shlex.quote, argv)])


def main(argv: list[str] | None = None) -> Results:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    workdir = updates.temp_dir()
    try:
        results = asyncio.run(run(args, _command(argv), workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(console(results))
    national = kept(args.output.read_text(encoding="utf-8")) if args.output.exists() else ""
    text = markdown(results, findings(results))
    args.output.write_text(text + ("\n" + national if national else ""), encoding="utf-8")
    print(f"\nwritten: {args.output}")
    return results


if __name__ == "__main__":
    main()
