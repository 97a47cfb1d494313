"""The results as a console table and as BENCHMARKS.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.export import Export
from bench.growth import CANDIDATE, Growth, Plan
from bench.machine import Machine
from bench.memory import Memory
from bench.profile import Profile
from bench.statements import Statements
from bench.updates import Run
from bench.workers import KILL_AT, KILL_LEASE, WorkersRun

TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
TARGET_STATEMENTS = 5.0
TARGET_FANOUT = 0.9
TARGET_CSV_RATIO = 2.0
TARGET_MEMORY_MB = 150.0
TARGET_VIEW_MS = 100.0
TARGET_OFFICE_MS = 20.0  # the Office overview, flat in members
TARGET_XLSX_SECONDS = 35.0  # 1,000,000 comments
TARGET_GROWTH_MB = 5.0  # resident memory added by updates once the caches are warm
TELEGRAM_RATE = 30.0


@dataclass(frozen=True)
class UpdatePair:
    database: str
    echo: Run
    ours: Run
    paced: Run | None

    @property
    def ratio(self) -> float:
        return self.ours.rate / self.echo.rate


@dataclass(frozen=True)
class FanOut:
    """One reminder round as bench/reminders.py measured it."""

    recipients: int
    seconds: float
    rate: float  # messages per second achieved
    duplicates: int
    how: str  # what was measured: the whole round, or a window extrapolated
    refused: int  # 429 answers from the fake
    sent: int


@dataclass
class Results:
    machine: Machine
    command: str
    updates: list[UpdatePair] = field(default_factory=list)
    statements: list[Statements] = field(default_factory=list)
    workers: list[WorkersRun] = field(default_factory=list)
    fanout: list[FanOut] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    growth: list[Growth] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    memory: Memory | None = None
    notes: dict[str, str] = field(default_factory=dict)  # per section: why something is missing
    seconds: float = 0.0


@dataclass(frozen=True)
class Target:
    name: str
    figure: str
    goal: str
    met: bool | None  # None: a figure to report, with no line to cross
    why: str = ""  # where not met: what the profile shows


def _profiled(r: Results, what: str) -> str:
    """The hottest frames of this run's profile of `what`, to say where the time goes."""
    found = next((p for p in r.profiles if p.what.startswith(what)), None)
    if found is None:
        return "no profile in this run (--profile)"
    layers = ", ".join(f"{k} {v:.0%}" for k, v in found.layers[:3])
    frames = "; ".join(f"`{k}` {v:.0%}" for k, v in found.hottest[:3])
    return f"{layers}; hottest {frames}"


def targets(r: Results) -> list[Target]:
    found: list[Target] = []
    for pair in r.updates:
        met = pair.ratio >= TARGET_RATIO
        found.append(Target(
            f"Update throughput, {pair.database}, vs aiogram echo",
            f"{pair.ours.rate:.0f} vs {pair.echo.rate:.0f} updates/s = {pair.ratio:.0%} "
            f"(CPU {pair.ours.bot_cpu_ms:.1f} vs {pair.echo.bot_cpu_ms:.1f} ms/update)",
            f"≥ {TARGET_RATIO:.0%}", met,
            "" if met else _profiled(r, f"Góp ý on {pair.database}")))
        if pair.paced is not None:
            met = pair.paced.p99_ms < TARGET_P99_MS
            found.append(Target(
                f"p99 latency at half our max rate, {pair.database}",
                f"{pair.paced.p99_ms:.0f} ms at {pair.paced.offered:.0f} updates/s "
                f"(p50 {pair.paced.p50_ms:.0f} ms)",
                f"< {TARGET_P99_MS:.0f} ms", met,
                "" if met else f"bot CPU {pair.paced.bot_cpu_ms:.1f} ms/update at that pace; "
                + _profiled(r, f"Góp ý on {pair.database}")))
    every = next((st for st in r.statements if st.kind.startswith("all")), None)
    if every is not None:
        met = every.statements <= TARGET_STATEMENTS
        found.append(Target(
            "SQL statements per typical update (the mix), BEGIN and COMMIT included",
            f"{every.statements:.1f}", f"≤ {TARGET_STATEMENTS:.0f}", met,
            "" if met else ("5 before any handler runs: BEGIN, the handled-update insert, the "
                            "identity and round read, the outbox insert, COMMIT; the member "
                            "handlers' own reads and writes come on top (table in section 1)")))
    found += _worker_targets(r)
    for fan in r.fanout:
        found.append(Target(
            f"Reminder fan-out, {fan.recipients:,} members",
            f"{fan.rate:.1f} msg/s = {fan.rate / TELEGRAM_RATE:.0%} of 30; {fan.duplicates} duplicates",
            f"≥ {TARGET_FANOUT:.0%}, 0 duplicates",
            fan.rate / TELEGRAM_RATE >= TARGET_FANOUT and fan.duplicates == 0))
    for e in r.exports:
        if e.kind == "csv" and e.ratio is not None:
            met = e.ratio <= TARGET_CSV_RATIO
            found.append(Target(
                f"CSV export vs sqlite3, {e.comments:,} comments",
                f"{e.seconds:.1f} s vs {e.sqlite3_seconds:.1f} s = {e.ratio:.1f}×",
                f"≤ {TARGET_CSV_RATIO:.0f}×", met, "" if met else _profiled(r, "CSV export")))
        if e.kind == "xlsx" and e.comments >= 1_000_000:
            met = e.seconds <= TARGET_XLSX_SECONDS
            found.append(Target(
                f"XLSX export, {e.comments:,} comments",
                f"{e.seconds:.1f} s ({e.cpu_seconds:.1f} s CPU; CSV of the same rows "
                f"{_csv_seconds(r, e.comments)})",
                f"≤ {TARGET_XLSX_SECONDS:.0f} s", met, "" if met else _profiled(r, "XLSX export")))
    biggest = max((e.comments for e in r.exports), default=0)
    for e in r.exports:
        if e.comments == biggest and biggest >= 1_000_000:
            found.append(Target(
                f"Peak memory, {e.kind.upper()} export of {e.comments:,} comments",
                f"{e.peak_mb:.0f} MB", f"< {TARGET_MEMORY_MB:.0f} MB", e.peak_mb < TARGET_MEMORY_MB))
    for g in r.growth:
        if g.members == 100_000:
            found.append(Target("Secretary's progress view, 100,000 members",
                                f"{g.secretary_ms:.1f} ms ({g.secretary_cpu_ms:.1f} ms CPU)",
                                f"< {TARGET_VIEW_MS:.0f} ms", g.secretary_ms < TARGET_VIEW_MS))
        if g.members in (100_000, 1_000_000):
            smallest = min(r.growth, key=lambda x: x.members)
            met = g.office_ms < TARGET_OFFICE_MS
            found.append(Target(
                f"Office overview, {g.members:,} members",
                f"{g.office_ms:.1f} ms ({g.office_cpu_ms:.1f} ms CPU); "
                f"{smallest.office_ms:.1f} ms at {smallest.members:,}",
                f"< {TARGET_OFFICE_MS:.0f} ms, flat", met,
                "" if met else "see the plans in section 4"))
    if r.memory is not None:
        m = r.memory
        met = m.growth_mb <= TARGET_GROWTH_MB
        found.append(Target(
            f"Engine resident memory over {m.updates:,} updates",
            f"{m.idle_mb:.0f} MB idle, {m.warm_mb:.0f} MB warm, {m.after_mb:.0f} MB after "
            f"(+{m.growth_mb:.1f} MB)",
            f"≤ {TARGET_GROWTH_MB:.0f} MB growth once warm", met,
            "" if met else "RSS curve in section 5"))
    return found


def _worker_targets(r: Results) -> list[Target]:
    found: list[Target] = []
    one = next((w for w in r.workers if w.feed == "max" and w.workers == 1), None)
    two = next((w for w in r.workers if w.feed == "max" and w.workers == 2), None)
    killed = next((w for w in r.workers if w.feed == "kill"), None)
    if two is not None:
        least = min(two.per_worker) / max(sum(two.per_worker), 1)
        found.append(Target(
            "Two webhook workers: updates spread across both",
            " + ".join(f"{n:,}" for n in two.per_worker) + f" updates (the fewer {least:.0%})",
            "each ≥ 25%", least >= 0.25))
        if one is not None:
            found.append(Target(
                "Two webhook workers vs one, PostgreSQL, same proxy",
                f"{two.rate:.0f} vs {one.rate:.0f} updates/s = {two.rate / one.rate:.2f}×",
                "reported (2 cores for both workers, PostgreSQL and Telegram)", None,
                f"CPU per update, all workers: {two.cpu_ms:.1f} vs {one.cpu_ms:.1f} ms"))
    if killed is not None:
        c = killed.checks
        safe = (c["updates_recorded"] == c["updates_sent"] and c["texts_saved"] == c["texts_sent"]
                and c["texts_saved_twice"] == 0 and c["confirmations"] >= c["texts_sent"])
        found.append(Target(
            "One of two workers SIGKILLed mid-run: nothing lost or handled twice",
            (f"{c['updates_recorded']:,}/{c['updates_sent']:,} updates recorded once, "
             f"{c['texts_saved']:,}/{c['texts_sent']:,} comments saved, "
             f"{c['texts_saved_twice']} twice, {c['confirmations']:,} confirmations"),
            "all, once; every comment confirmed", safe))
    return found


def _csv_seconds(r: Results, comments: int) -> str:
    csv = next((e for e in r.exports if e.kind == "csv" and e.comments == comments), None)
    return f"{csv.seconds:.1f} s" if csv else "not measured"


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[str(c) for c in row] for row in rows]
    return ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|",
            *("| " + " | ".join(row) + " |" for row in cells)]


def _verdict(met: bool | None, yes: str, no: str) -> str:
    return "reported" if met is None else yes if met else no


def console(r: Results) -> str:
    """The summary table for the terminal: target, figure, met or not."""
    found = targets(r)
    width = max((len(t.name) for t in found), default=10)
    fig = max((len(t.figure) for t in found), default=10)
    lines = [f"{'target':<{width}}  {'figure':<{fig}}  {'goal':<22} met"]
    lines += [f"{t.name:<{width}}  {t.figure:<{fig}}  {t.goal:<22} {_verdict(t.met, 'yes', 'NO')}"
              for t in found]
    lines += [f"({section}: {note})" for section, note in r.notes.items()]
    return "\n".join(lines)


def markdown(r: Results, profile_notes: str) -> str:
    m = r.machine
    out = [
        "# Benchmarks",
        "",
        (f"Generated by `{r.command}` on {m.date}, in {r.seconds / 60:.1f} minutes. "
         "Every figure below comes from that one run (`make bench` runs it with no options; "
         "`--quick` is the CI size). Do not edit by hand: run it again."),
        "",
        ("The machine is shared and noisy, so each figure is paired with a ceiling measured in the "
         "same run, right before it, and the ratio is what to compare between runs."),
        "",
        "## Machine",
        "",
        f"- {m.cores} cores, {m.cpu}, {m.memory_gib} GiB RAM; load average at start: {m.load}",
        (f"- Python {m.python}; SQLite {m.sqlite_library} (library), "
         f"sqlite3 CLI {m.sqlite_cli or 'not installed'}; PostgreSQL {m.postgresql or 'not installed'}"),
        f"- {m.packages}",
        "",
        "## Targets",
        "",
        *_table(["target", "figure", "goal", "met", "where not met: what the profile shows"],
                [[t.name, t.figure, t.goal, _verdict(t.met, "**met**", "**not met**"), t.why]
                 for t in targets(r)]),
        "",
    ]
    out += _updates(r) + _workers(r) + _fanout(r) + _exports(r) + _growth(r) + _memory(r)
    out += _profiles(r, profile_notes)
    return "\n".join(out).rstrip() + "\n"


def _note(r: Results, section: str) -> list[str]:
    return [f"> {r.notes[section]}", ""] if section in r.notes else []


def _updates(r: Results) -> list[str]:
    out = ["## 1. Updates: throughput and latency", ""]
    out += [
        ("A fake Telegram Bot API (tests/fakes, over real HTTP, every request checked against the "
         "official spec) runs in the benchmark's process; the bot runs in a child process of its own, "
         "wired as `gopy run` wires it (long polling, SQLite in WAL with synchronous=FULL, or "
         "PostgreSQL with fsync on). Members are already linked; they send a round-robin mix per "
         "10 updates: 4 taps on a choice (`m:c:<section>:<i>`; 2 of them ask for text), 2 typed "
         "comments, 3 section openings (`m:p:k`), 1 table of contents. The ceiling is a bare aiogram "
         "bot (Dispatcher, one Router, one message and one callback handler that answers the tap and "
         "sends one message back; no database) driven by the same fake with the same updates, right "
         "before ours."),
        "",
        ("- *max*: all updates queued before the bot polls; rate = updates / (first update served → "
         "last reply received)."),
        ("- *paced*: fed at half of our max rate. Latency is timed by the fake: update handed out by "
         "getUpdates → the last message of its answer received (p99 first message also shown); "
         "*sent→answer* starts when the member sent it, so it includes waiting in Telegram's queue "
         "for the bot's next poll."),
        ("- The production pace of 30 messages/s overall is lifted here (it is Telegram's limit, "
         "measured in section 2); with it on, replies to a burst leave at 30/s. The per-chat pace "
         "(1/s, bursts of 3) stays."),
        "",
    ]
    out += _note(r, "updates")
    rows = []
    for pair in r.updates:
        for run, ratio in ((pair.echo, ""), (pair.ours, f"{pair.ratio:.0%}"), (pair.paced, "")):
            if run is None:
                continue
            name = "aiogram echo" if run.bot == "echo" else f"Góp ý, {run.database}"
            mode = "max" if run.mode == "max" else f"paced {run.offered:.0f}/s"
            rows.append([
                name, mode, run.updates, f"{run.rate:.0f}", ratio, f"{run.p50_ms:.0f}",
                f"{run.p99_ms:.0f}", f"{run.p99_first_ms:.0f}", f"{run.p99_pushed_ms:.0f}",
                f"{run.bot_cpu_ms:.1f}", f"{run.fake_cpu_ms:.1f}",
                f"{run.replies}/{run.unanswered}/{run.problems}/{run.violations}",
            ])
    out += _table(["bot", "feed", "updates", "updates/s", "of echo", "p50 ms", "p99 ms",
                   "p99 first msg ms", "p99 sent→answer ms", "bot CPU ms/update",
                   "fake CPU ms/update", "replies/unanswered/errors/spec violations"], rows)
    if r.statements:
        out += ["", ("SQL statements per update (BEGIN and COMMIT included), counted on the "
                     "engine alone in the benchmark's process on SQLite, one update at a time "
                     "with no network; time is the median per update:"), ""]
        out += _table(["update", "count", "statements", "ms"],
                      [[s.kind, s.updates, f"{s.statements:.1f}", f"{s.ms:.1f}"]
                       for s in r.statements])
    return out + [""]


def _workers(r: Results) -> list[str]:
    out = ["## 1b. Two webhook workers on one PostgreSQL database", "",
           ("bench/workers.py: real `gopy run` processes (`python -m bot run`) in Telegram webhook "
            "mode, on one PostgreSQL database (fsync on), behind one address: bench/proxy.py, a "
            "round-robin HTTP proxy standing for nginx (a worker that refuses the connection is "
            "left out for 5 s and the request goes to the next; one that dies with a request "
            "under way costs a 502). The fake Telegram posts the updates mix of section 1 to that "
            "address over 40 connections (Telegram's default `max_connections`), one update of a "
            "chat at a time, and posts again whatever gets no 2xx. *max*: all queued at once; "
            "rate = updates / (first post → last reply received). *kill*: a steady feed at half "
            f"of one worker's rate, each typed comment unique, and worker 2 SIGKILLed once "
            f"{KILL_AT:.0%} of the updates were acknowledged (outbox lease {KILL_LEASE} s, so the "
            "replies it had taken are sent by the other worker). p50/p99: post → 2xx, that is "
            "the update saved with its replies, redeliveries included. Everything — both workers, "
            "PostgreSQL, the proxy and the fake Telegram — shares this machine's cores, so two "
            "workers cannot be twice one here."), ""]
    out += _note(r, "workers")
    if r.workers:
        out += _table(["workers", "feed", "updates", "updates/s", "per worker", "p50 ms",
                       "p99 ms", "posted again", "refused → next", "replies",
                       "workers' CPU ms/update"],
                      [[w.workers, w.feed, f"{w.updates:,}", f"{w.rate:.0f}",
                        " + ".join(f"{n:,}" for n in w.per_worker), f"{w.p50_ms:.0f}",
                        f"{w.p99_ms:.0f}", w.redelivered, w.refused, f"{w.replies:,}",
                        f"{w.cpu_ms:.1f}" if w.cpu_ms else ""]
                       for w in r.workers])
        killed = next((w for w in r.workers if w.feed == "kill"), None)
        if killed is not None:
            c = killed.checks
            out += ["", (f"Kill run: worker 2 killed after {c['killed_after']:,} of "
                         f"{c['updates_sent']:,} updates were acknowledged (it had answered "
                         f"{c['victim_answered']:,}). Afterwards the database holds "
                         f"{c['updates_recorded']:,} of the {c['updates_sent']:,} update keys "
                         f"(each at most once: the key is unique), {c['texts_saved']:,} of the "
                         f"{c['texts_sent']:,} typed comments, {c['texts_saved_twice']} of them "
                         f"twice; members received {c['confirmations']:,} «Đã lưu ý kiến» "
                         f"confirmations for {c['texts_sent']:,} comments (a second one is "
                         "allowed when a worker dies between sending a reply and marking it "
                         "sent).")]
    return out + [""]


def _fanout(r: Results) -> list[str]:
    out = ["## 2. Reminder fan-out", "",
           ("bench/reminders.py: every member linked and unfinished, so all are due in one slot; "
            "the bot wired as `gopy run` wires it runs the slot (`Reminders.run_due`) through its "
            "paced sender against the fake Telegram with its flood limits on (30 messages/s "
            "overall, 1/s per chat; beyond them it answers 429). A whole round's rate is messages "
            "/ the slot's whole time (planning, composing, sending, recording). A 100,000-member "
            "round would take ~55 minutes, so unless `--full` is given it runs for a fixed window "
            "of sending and is stopped (`Reminders.stop`); its rate is measured over the messages "
            "in that window and the round's time extrapolated as planning + members / rate. "
            "Duplicates: messages beyond the first to any one chat."), ""]
    out += _note(r, "reminders")
    if r.fanout:
        out += _table(["members", "measured", "messages sent", "round seconds", "msg/s", "of 30/s",
                       "duplicates", "429 answers"],
                      [[f"{f.recipients:,}", f.how, f"{f.sent:,}", f"{f.seconds:.1f}",
                        f"{f.rate:.2f}", f"{f.rate / TELEGRAM_RATE:.1%}", f.duplicates, f.refused]
                       for f in r.fanout])
    return out + [""]


def _exports(r: Results) -> list[str]:
    out = ["## 3. Export", "",
           ("Comments generated in bulk (bench/seed.py: 10 sections per member, 30% with text, one "
            "cell opinion per cell) into a SQLite file; each export runs in a child process through "
            "storage/exports.py into a file; peak memory is that process's VmHWM (the interpreter "
            "with its imports is the *RSS before* column). The ceiling is the `sqlite3` CLI running "
            "the same statement (same joins, columns and order, compiled from storage/exports.py) "
            "with `.mode csv`."), ""]
    out += _note(r, "export")
    out += _table(["comments", "format", "rows", "seconds", "rows/s", "sqlite3 s", "ratio",
                   "CPU s", "peak RSS MB", "RSS before MB", "file MB"],
                  [[f"{e.comments:,}", e.kind.upper(), f"{e.rows:,}", f"{e.seconds:.1f}",
                    f"{e.rows_per_second:,.0f}",
                    f"{e.sqlite3_seconds:.1f}" if e.sqlite3_seconds else "",
                    f"{e.ratio:.1f}×" if e.ratio else "", f"{e.cpu_seconds:.1f}",
                    f"{e.peak_mb:.0f}", f"{e.rss_before_mb:.0f}", f"{e.megabytes:.0f}"]
                   for e in r.exports])
    return out + [""]


def _growth(r: Results) -> list[str]:
    out = ["## 4. Growth: progress views", "",
           ("A bloc of each size generated in SQL (20 members per cell, 4 cells per organization; 60% "
            "of members commented on 3 sections and have progress, 30% confirmed, 80% linked, 25% of "
            "cells submitted). Times are the median of warm runs of storage/progress.py's queries "
            "through the production engine: the secretary's view is `cell_members` + `cell_tallies` "
            "for one cell; the Office overview is `totals` + `overview` for one page of 19 cells "
            "(handlers/office.py runs both for every page; each is also timed alone, and the "
            "last page alone). CPU times count all threads of the process, so they are less at "
            "the mercy of the neighbours than wall times. The last column times the Office "
            "overview again after adding a candidate index to the file: "
            f"`{CANDIDATE[1]}`."), ""]
    out += _note(r, "growth")
    out += _table(["members", "cells", "comments", "generated in s", "secretary ms",
                   "secretary CPU ms", "office ms = totals + page", "office CPU ms",
                   "last page ms", "office ms / CPU ms with candidate index"],
                  [[f"{g.members:,}", f"{g.cells:,}", f"{g.comments:,}", f"{g.seed_seconds:.1f}",
                    f"{g.secretary_ms:.1f}", f"{g.secretary_cpu_ms:.1f}",
                    f"{g.office_ms:.1f} = {g.totals_ms:.1f} + {g.page_ms:.1f}",
                    f"{g.office_cpu_ms:.1f}", f"{g.last_page_ms:.1f}",
                    f"{g.office_candidate_ms:.1f} / {g.office_candidate_cpu_ms:.1f}"]
                   for g in r.growth])
    if r.plans:
        biggest = max(g.members for g in r.growth)
        out += ["", f"Query plans at {biggest:,} members (SQLite `EXPLAIN QUERY PLAN`):", ""]
        for plan in r.plans:
            if plan.steps:
                out.append(f"- {plan.view}: `{plan.query}`")
                out += [f"  - {step}" for step in plan.steps]
    return out + [""]


def _memory(r: Results) -> list[str]:
    out = ["## 5. Memory: the engine over many updates", "",
           ("bench/memory.py: the engine wired as `gopy run` wires it (SQLite), in a child process, "
            "handles the updates mix of section 1 straight through `engine.handle` (no network); "
            "the child reads its own VmRSS after a garbage collection at idle (built, nothing "
            "handled), after 1,000 updates (caches warm), and ten times over the run. The "
            "target is on what the updates add once the caches are warm."), ""]
    out += _note(r, "memory")
    if r.memory is not None:
        m = r.memory
        out += _table(["members", "updates", "idle MB", "warm MB", "after MB", "peak MB",
                       "growth once warm MB", "RSS at each tenth MB"],
                      [[m.members, f"{m.updates:,}", m.idle_mb, m.warm_mb, m.after_mb, m.peak_mb,
                        f"{m.growth_mb:+.1f}", " ".join(str(v) for v in m.curve_mb)]])
    return out + [""]


def _profiles(r: Results, notes: str) -> list[str]:
    out = ["## What the profiles showed", ""]
    out += _note(r, "profiles")
    for p in r.profiles:
        out += [(f"**{p.what}** — {p.samples} samples (py-spy, `--gil`: only while holding the "
                "GIL, i.e. Python CPU):"), ""]
        out += _table(["layer", "share"], [[k, f"{v:.0%}"] for k, v in p.layers if v >= 0.01])
        out += ["", "Hottest innermost frames: " + "; ".join(
            f"`{k}` {v:.0%}" for k, v in p.hottest if v >= 0.01), ""]
    if not r.profiles:
        out += ["(run with `--profile` to include py-spy profiles here)", ""]
    return out + [notes, ""]
