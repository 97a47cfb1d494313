"""What the profiles showed and what changed: prose for BENCHMARKS.md, kept beside the code
that measures it. Its few figures are filled in from the same run's results."""

from __future__ import annotations

from bench.report import TARGET_P99_MS, TARGET_RATIO, Results
from bench.workers import WorkersRun

UPDATES = """\
**Updates.** On SQLite the bot uses {cpu_times} the echo bot's CPU per update ({ours_cpu} vs
{echo_cpu} ms, *bot CPU ms/update*), and its throughput ratio follows: on this machine both
bots are bound by CPU, not by the fake (*fake CPU ms/update*) nor by waiting. {profile}
The echo bot's {echo_cpu} ms is aiogram reading the update and aiohttp sending one message:
ours does that too. On top, every update is one transaction that must be on disk before
Telegram is told (synchronous=FULL on SQLite, fsync on PostgreSQL): BEGIN, the
handled-update insert (Telegram delivers at least once), the identity and round read, the
handler's own reads and writes, the replies written into the outbox, COMMIT; then the
reply is sent and marked sent in a second, batched write. The statements table shows the
count per kind of update: 5 of them come before any handler runs, the member handlers' own
reads and writes (progress, comment, cell submission, each an ORM query) add 1 to 6.{postgres}

So the {target} target is out of reach of this design: it needs the CPU per update cut from
{ours_cpu} ms to about {target_cpu} ms (twice the echo bot's), and the engine alone, with
no network at all, takes {engine_ms} ms per update (the statements table's median).
Done for the hot path: the handled-update check is one `INSERT … ON CONFLICT DO NOTHING`;
identity and round come in one query; the draft's pages are cached; on SQLite every
statement is one hand-off to aiosqlite's thread instead of four (storage/sqlite_driver.py:
cursor, execute, fetch and close in one call); the page a sent message shows is recorded
in the transaction that marks it sent, one per burst, instead of a transaction per page.
What would move it further, none of it small and none of it in the engine or the outbox:
1. the member handlers' reads of one update in one query (handlers/member.py and its
   storage, being reworked for several documents per round), and Core instead of the ORM;
2. on SQLite, one hand-off per unit of work instead of one per statement: the whole
   handler run with the sync driver in the connection's thread;
3. fewer durable writes per reply: the outbox row is written with the update and marked
   sent after it leaves, two writes that make "saved first, then answered" crash-safe.

{latency}
"""

WORKERS = """\
**Two workers.** Behind the round-robin proxy both workers take updates ({spread}), and
with one of them SIGKILLed mid-run nothing was lost or handled twice: every update key is
recorded once (the handled-update key is unique, and a second worker handling a
redelivered update waits on it, then drops its copy), every typed comment is saved once,
and the replies the dead worker had taken went out from the other once their lease ran
out (members received {extra} confirmation(s) more than comments: a worker killed between
sending a reply and marking it sent, the window the README describes). Two workers
answered {two_rate} updates/s against one worker's {one_rate} ({ratio}), with the workers'
CPU per update at {two_cpu} ms against {one_cpu}. {scaling}
"""

SCALES = """\
This machine has 2 cores for both workers, PostgreSQL, the proxy and the fake Telegram,
so a second worker mostly competes for the same cores: the gain is what one worker left
idle while waiting on PostgreSQL's commits, not how a second machine would scale."""

SLOWER = """\
Two were slower than one. Two Python processes, PostgreSQL, the proxy and the fake
Telegram share 2 cores here, and every member's change also updates its cell's counter
row and the round's totals row (the triggers of migration 0008), which concurrent
transactions take one after the other until they commit; this run does not tell these
apart (no lock-wait profile was taken). It says nothing about two workers on two machines,
and it does say that on one 2-core machine a second worker buys crash tolerance, not
throughput."""

REMINDERS = """\
**Reminders.** The paced sender stays just under 30/s by design (5% slack per one-second
window, so network jitter never squeezes a 31st message into one): {refused} 429 answers
and {duplicates} duplicates over all rounds. A round first plans its slot — one pending row
per recipient, now written by one `INSERT … SELECT` in the database instead of every
recipient read into Python and written back (storage/reminders.py; the national section
times both on the same database) — before its first message leaves.
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
storage/progress.py with `recount` and `rebuild_counters`); reminder planning is one
`INSERT … SELECT` (storage/reminders.py); on SQLite one hand-off to the driver's thread
per statement (storage/sqlite_driver.py); the outbox sender records the pages its messages
show with their "sent" mark (bot/outbox_sender.py). Measured: the engine's memory over many
updates (bench/memory.py), two webhook workers behind a round-robin proxy, one of them
killed (bench/workers.py, bench/proxy.py), and `make bench-national` (bench/national.py):
the views, the export and reminder planning at national scale on PostgreSQL.
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
        engine = next((st.ms for st in results.statements if st.kind.startswith("all")), None)
        parts.append(UPDATES.format(
            postgres=postgres_text, profile=_bot_profile(results),
            cpu_times=f"{sqlite.ours.bot_cpu_ms / sqlite.echo.bot_cpu_ms:.0f}×",
            target=f"{TARGET_RATIO:.0%}", ours_cpu=f"{sqlite.ours.bot_cpu_ms:.1f}",
            echo_cpu=f"{sqlite.echo.bot_cpu_ms:.1f}",
            engine_ms=f"{engine:.1f}" if engine is not None else "(not measured)",
            target_cpu=f"{sqlite.echo.bot_cpu_ms / TARGET_RATIO:.1f}", latency=latency))
    one = next((w for w in results.workers if w.feed == "max" and w.workers == 1), None)
    two = next((w for w in results.workers if w.feed == "max" and w.workers == 2), None)
    killed = next((w for w in results.workers if w.feed == "kill"), None)
    if one is not None and two is not None and killed is not None:
        parts.append(workers_text(one, two, killed))
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


def workers_text(one: WorkersRun, two: WorkersRun, killed: WorkersRun) -> str:
    return WORKERS.format(
        spread=" and ".join(f"{n:,}" for n in two.per_worker),
        extra=max(0, killed.checks["confirmations"] - killed.checks["texts_sent"]),
        two_rate=f"{two.rate:.0f}", one_rate=f"{one.rate:.0f}",
        ratio=f"{two.rate / one.rate:.2f}×", two_cpu=f"{two.cpu_ms:.1f}",
        one_cpu=f"{one.cpu_ms:.1f}", scaling=SCALES if two.rate >= one.rate else SLOWER)


def _bot_profile(results: Results) -> str:
    """Where the bot's CPU went, from the profile of this run (if one was taken)."""
    bot = next((p for p in results.profiles
                if p.what.startswith("Góp ý on SQLite") and "bot process" in p.what), None)
    if bot is None:
        return ""
    share = dict(bot.layers)
    select = sum(v for frame, v in bot.hottest if "Selector.select" in frame)

    def of(*names: str) -> str:
        return f"{sum(v for k, v in share.items() if k.startswith(names)):.0%}"

    return (
        f"In its profile (SQLite) our own code (`bot/`, `handlers/`, `storage/`, `content/`) is "
        f"{of('ours')} of the samples. The database layer is {of('SQLAlchemy', 'aiosqlite')}: "
        "SQLAlchemy's ORM (cache keys, flush, result rows) and aiosqlite handing each statement "
        "to the connection's thread (`Connection._execute`) and back. aiogram, aiohttp and "
        f"pydantic — the part the echo bot has too — are {of('aiogram', 'aiohttp', 'pydantic')}; "
        f"the event loop {of('asyncio')} (`select` {select:.0%})."
    )
