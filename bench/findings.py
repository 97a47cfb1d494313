"""What the profiles showed and what changed: prose for BENCHMARKS.md, kept beside the code
that measures it. Its few figures are filled in from the same run's results."""

from __future__ import annotations

from bench.report import TARGET_P99_MS, TARGET_RATIO, Results

UPDATES = """\
**Updates.** On SQLite the bot uses {cpu_times} the echo bot's CPU per update (*bot CPU
ms/update*), and its throughput ratio follows: on this machine both bots are bound by CPU,
not by the fake (*fake CPU ms/update*) nor by waiting. {profile}
The statements table shows what every update must do, being one transaction: BEGIN, the
handled-update check and insert (Telegram delivers at least once), the identity read and
its last-seen update, the current consultation, the handler's own reads and writes,
COMMIT.{postgres} The aiogram/aiohttp/pydantic share is the getUpdates,
answerCallbackQuery and sendMessage work the echo bot does too.

So the {target} target is out of reach of a targeted fix: it needs the CPU per update cut
from {ours_cpu} ms to about {target_cpu} ms (twice the echo bot's). What would move it, in
order of effect, none of them small:
1. fewer round trips per update: the handled-update check and insert as one
   `INSERT … ON CONFLICT DO NOTHING`; the current consultation and its section count
   (fixed once a draft is loaded) read once per update, not once per use (a tap on a
   choice counts the sections twice);
2. the hot path (identity, progress, comment) in SQLAlchemy Core instead of the ORM;
3. on SQLite, one hand-off per unit of work instead of one per call (the sync driver in
   one worker thread per event); or PostgreSQL.

{latency}

An in-process writer lock for SQLite (write units of work queueing in asyncio rather than
in SQLite's sleeping busy handler) was tried while profiling: it removed the waiting in
`BEGIN IMMEDIATE` but changed neither CPU per update nor throughput beyond this machine's
noise, so it was not kept.
"""

REMINDERS = """\
**Reminders.** The paced sender stays just under 30/s by design (5% slack per one-second
window, so network jitter never squeezes a 31st message into one): {refused} 429 answers
and {duplicates} duplicates over all rounds. A 100,000-member round first plans (one
pending row per member) for a few seconds before its first message leaves.
"""

EXPORT = """\
**Export.** Memory is flat: the highest peak RSS of any export here is {peak} MB, against
{before} MB for the interpreter with its imports before exporting (*RSS before*). Speed is
{csv_verdict} of sqlite3's. The database now writes each row as it goes into the file
(storage/export_rows.py): a CSV line quoted and neutralised in SQL, timestamps in the local
zone by `strftime`/`to_char` (storage/sql_time.py), built in one `printf`/`format` call
(a chain of `||` copies the line once per field); what belongs to a section or a cell is
formatted once per section and per cell (materialised CTEs); rows sort by one number per
cell instead of two strings. Python only joins the lines, fetching the next batch while it
writes this one. What is left over sqlite3's own dump is that formatting, done by SQLite in
C but on every row (the CLI's `.mode csv` prints its raw columns), and the fetch into Python
strings. XLSX: xlsxwriter lays out the workbook (styles, widths, frozen header, filter,
summary sheet) and the rows' XML, also built by the database, is streamed into its first
sheet at the fastest deflate level; what remains is deflate and the XML's size. A download
in chat is still built in memory before it is sent (bot/delivery.py, the lead's), so it
costs about the *file MB* column in RAM, and Telegram takes at most 50 MB from a bot.
"""

GROWTH = """\
**Growth.** The secretary's view is flat: every step of its plan is an index search
(`ix_member_cell_id`, the progress and comment unique keys, `ix_comment_cell_section`,
`ix_identity_member_id`). The Office overview is flat too: it reads counters per round and
cell (`cell_progress`) and per round (`consultation_progress`), kept by database triggers
in the same transaction as each change to a member, progress row, comment, cell,
organization or submission (migration 0008, storage/progress_counters.py), and a page comes
in the order of `ix_cell_progress_attention` (not submitted, share finished, organization,
code; the share is a stored generated column), chosen from the index before its rows are
joined. The candidate covering index on progress (last column) no longer matters. The
price is on the write path: a new comment or a change of progress runs a few index probes
in its trigger, and a member's change of state updates its cell's row and the round's
totals row (in PostgreSQL both stay locked until the transaction commits).
"""

MEMORY = """\
**Memory.** Over the run the engine's resident memory grows by {growth} MB once its caches
are warm (the statement cache, the draft's pages): nothing held per update.
"""

CHANGED = """\
### What changed

Issue 14 (performance at the ceiling): the CSV and XLSX exports are formatted by the
database (storage/export_rows.py, storage/sql_time.py, storage/exports.py); the Office
overview and totals read trigger-kept counters (migration 0008, storage/progress_counters.py,
storage/progress.py with `recount` and `rebuild_counters`); bench/memory.py measures the
engine's memory over many updates; `make bench-national` (bench/national.py) measures the
views, the export and reminder planning at national scale on PostgreSQL, into its own
file, BENCHMARKS-national.md.
"""


def findings(results: Results) -> str:
    parts = ["### Reading them", ""]
    sqlite = next((p for p in results.updates if p.database == "SQLite"), None)
    if sqlite is not None:
        paced = [p.paced for p in results.updates if p.paced is not None]
        worst = max(paced, key=lambda run: run.p99_ms)
        if worst.p99_ms < TARGET_P99_MS:
            latency = ("Latency is not the problem: at half our maximum rate p99 stays under "
                       f"{TARGET_P99_MS:.0f} ms on every database, from the update being handed "
                       "out to the last message of its answer.")
        else:
            latency = (f"At half our maximum rate p99 reaches {worst.p99_ms:.0f} ms on "
                       f"{worst.database}: over the {TARGET_P99_MS:.0f} ms target.")
        postgres = next((p for p in results.updates if p.database == "PostgreSQL"), None)
        if postgres is not None and postgres.ours.bot_cpu_ms < sqlite.ours.bot_cpu_ms:
            postgres_text = (" PostgreSQL runs the same statements with less CPU each (no "
                             "thread hand-off), hence its better ratio.")
        else:
            postgres_text = ""
        parts.append(UPDATES.format(
            postgres=postgres_text, profile=_bot_profile(results),
            cpu_times=f"{sqlite.ours.bot_cpu_ms / sqlite.echo.bot_cpu_ms:.0f}×",
            target=f"{TARGET_RATIO:.0%}", ours_cpu=f"{sqlite.ours.bot_cpu_ms:.1f}",
            target_cpu=f"{sqlite.echo.bot_cpu_ms / TARGET_RATIO:.1f}", latency=latency))
    if results.fanout:
        parts.append(REMINDERS.format(refused=sum(f.refused for f in results.fanout),
                                      duplicates=sum(f.duplicates for f in results.fanout)))
    if results.exports:
        ratios = [e.ratio for e in results.exports if e.ratio is not None]
        verdict = ("not within 2×" if ratios and max(ratios) > 2 else "within 2×")
        parts.append(EXPORT.format(
            peak=f"{max(e.peak_mb for e in results.exports):.0f}",
            before=f"{max(e.rss_before_mb for e in results.exports):.0f}",
            csv_verdict=verdict))
    if results.growth:
        parts.append(GROWTH)
    if results.memory is not None:
        parts.append(MEMORY.format(growth=f"{results.memory.growth_mb:+.1f}"))
    parts.append(CHANGED)
    return "\n".join(parts)


def _bot_profile(results: Results) -> str:
    """Where the bot's CPU went, from the profile of this run (if one was taken)."""
    bot = next((p for p in results.profiles if "bot process" in p.what), None)
    if bot is None:
        return ""
    share = dict(bot.layers)
    select = sum(v for frame, v in bot.hottest if "Selector.select" in frame)

    def of(*names: str) -> str:
        return f"{sum(v for k, v in share.items() if k.startswith(names)):.0%}"

    return (
        f"In its profile our own code (`bot/`, `handlers/`, `storage/`, `content/`) is {of('ours')} "
        f"of the samples. The database layer is {of('SQLAlchemy', 'aiosqlite')}: SQLAlchemy's ORM "
        "(cache keys, flush, result rows) and aiosqlite handing every call to the connection's "
        "thread (`Connection._execute`; one ORM query is several calls: cursor, execute, "
        f"fetch, close). The event loop is {of('asyncio')}, of which `select` alone is "
        f"{select:.0%}: waking up for the result of each of those calls, and of each HTTP "
        "request."
    )
