"""Update throughput and latency: the real bot against aiogram's bare echo bot, same fake Telegram.

The fake runs in this process, the bot in a child process (as Telegram and the bot are
on different machines), so the bot has a core of its own. Every time is taken by the
fake: when getUpdates hands an update out, when a sendMessage arrives.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from bench.profile import attached
from bench.timed_fake import TimedTelegramServer
from bench.workload import FIRST_USER, ROOT, Action, Roster, load_roster, now_utc, plan
from content import strings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWork

PROBLEMS = (strings.ERROR, strings.STALE_BUTTON)


@dataclass(frozen=True)
class Run:
    """One measured stream of updates through one bot."""

    bot: str  # "echo" | "ours"
    database: str  # "" for echo
    mode: str  # "max": all queued at once; "paced": fed at `offered` updates/s
    updates: int
    seconds: float  # first update served → last reply received
    offered: float | None
    p50_ms: float  # served by getUpdates → last message of the answer received
    p99_ms: float
    p99_first_ms: float  # … → first message of the answer
    p50_pushed_ms: float  # pushed into the fake (the member sent it) → last message
    p99_pushed_ms: float
    replies: int
    unanswered: int
    problems: int  # apologies and stale-button answers: the workload went wrong
    violations: int  # requests real Telegram would refuse
    bot_cpu_ms: float  # CPU per update, bot process (all its threads)
    fake_cpu_ms: float  # CPU per update, the fake Telegram's process (this one)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class BotHandle:
    """A running bot: its process id (for CPU accounting) and why it stopped, if it did."""

    pid: int
    stopped: Callable[[], str | None]


@asynccontextmanager
async def running_bot(kind: str, api_url: str, database_url: str | None, log: Path,
                      in_process: bool = False) -> AsyncIterator[BotHandle]:
    """The bot in a child process; `in_process` runs it as a task here (smoke test only:
    it then shares this process's CPU with the fake, so its figures are not comparable)."""
    if in_process:
        async with _bot_task(kind, api_url, database_url) as handle:
            yield handle
        return
    args = [sys.executable, "-m", "bench.bots", kind, api_url]
    if database_url:
        args.append(database_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            *args, cwd=ROOT, env=env, stdout=err, stderr=err)
        try:
            yield BotHandle(process.pid, lambda: None if process.returncode is None
                            else f"the bot exited with {process.returncode}; see {log}")
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()


@asynccontextmanager
async def _bot_task(kind: str, api_url: str, database_url: str | None) -> AsyncIterator[BotHandle]:
    from bench.bots import run

    stop = asyncio.Event()
    task = asyncio.create_task(run(kind, api_url, database_url, stop))

    def stopped() -> str | None:
        if not task.done():
            return None
        return f"the bot stopped: {task.exception()!r}" if task.exception() else "the bot stopped"

    try:
        yield BotHandle(os.getpid(), stopped)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def fresh_database(url: str, members: int) -> Roster:
    """Empty the database (a SQLite file is new; PostgreSQL's schema is dropped), migrate, load."""
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")
    await upgrade(engine)
    async with UnitOfWork(create_session_factory(engine)) as uow:
        roster = await load_roster(uow.session, members, now_utc())
        await uow.commit()
    await engine.dispose()
    return roster


class Harness:
    """One fake Telegram, members in it, and the update stream they send."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.server = TimedTelegramServer()
        self.server.keep_history = False
        self.next_step = 0
        self.chat_of: dict[int, int] = {}
        self.pushed_at: dict[int, float] = {}

    async def __aenter__(self) -> Self:
        await self.server.start()
        for user_id in self.roster.user_ids:  # something on screen to tap on
            self.server.chats.add_bot_message(user_id, text="Góp ý")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.server.close()

    def take(self, count: int) -> list[Action]:
        actions = plan(self.roster.user_ids, self.roster.section_ids, self.next_step, count)
        self.next_step += count
        return actions

    def push(self, action: Action) -> int:
        if action.tap is not None:
            update_id = self.server.push_callback(action.user_id, action.tap)
        else:
            assert action.text is not None
            update_id = self.server.push_text(action.user_id, action.text)
        self.chat_of[update_id] = action.user_id
        self.pushed_at[update_id] = time.perf_counter()
        return update_id

    async def listening(self, bot: BotHandle, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.server.long_polls_waiting == 0:
            if (why := bot.stopped()) is not None:
                raise RuntimeError(why)
            if time.monotonic() > deadline:
                raise TimeoutError("the bot never polled")
            await asyncio.sleep(0.05)

    async def drive(self, kind: str, database: str, count: int, rate: float | None,
                    bot: BotHandle) -> Run:
        """Send `count` updates (all at once, or `rate` per second) and time the answers."""
        self.server.reset_clocks()
        actions = self.take(count)
        cpu = (_cpu_seconds(bot.pid), time.process_time())
        ids: list[int] = []
        if rate is None:
            ids = [self.push(a) for a in actions]
        else:
            start = time.perf_counter()
            for i, action in enumerate(actions):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                ids.append(self.push(action))
        await self._until(self._done(kind, ids), bot, timeout=max(120.0, count / 10))
        used = (_cpu_seconds(bot.pid) - cpu[0], time.process_time() - cpu[1])
        return self._measure(kind, database, ids, rate, used)

    def _done(self, kind: str, ids: list[int]) -> Callable[[], bool]:
        last = ids[-1]
        if kind == "ours":  # the offset moves past a batch only after its replies went out
            return lambda: self.server.acknowledged_offset > last
        wanted = set(ids)

        def all_echoed() -> bool:
            return wanted <= {_echoed(text) for _, _, text in self.server.received}

        return all_echoed

    async def _until(self, done: Callable[[], bool], bot: BotHandle, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if (why := bot.stopped()) is not None:
                raise RuntimeError(why)
            if time.monotonic() > deadline:
                raise TimeoutError(f"not all updates answered within {timeout:.0f}s")
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # nothing should still be on the way; counted if it is

    def _measure(self, kind: str, database: str, ids: list[int], rate: float | None,
                 used: tuple[float, float]) -> Run:
        served = self.server.served
        received = self.server.received
        answers = _answers_by_echo(ids, received) if kind == "echo" else \
            _answers_by_chat(ids, served, self.chat_of, received)
        last = [max(times) - served[i] for i, times in answers.items() if times]
        first = [min(times) - served[i] for i, times in answers.items() if times]
        pushed = [max(times) - self.pushed_at[i] for i, times in answers.items() if times]
        reply_times = [t for times in answers.values() for t in times]
        start = min(served[i] for i in ids)
        return Run(
            bot=kind, database=database, mode="max" if rate is None else "paced",
            updates=len(ids), seconds=max(reply_times) - start, offered=rate,
            p50_ms=_ms(statistics.median(last)), p99_ms=_ms(_p99(last)),
            p99_first_ms=_ms(_p99(first)),
            p50_pushed_ms=_ms(statistics.median(pushed)), p99_pushed_ms=_ms(_p99(pushed)),
            replies=len(reply_times),
            unanswered=sum(1 for times in answers.values() if not times),
            problems=sum(1 for _, _, text in received if text.startswith(PROBLEMS)),
            violations=len(self.server.violations),
            bot_cpu_ms=used[0] * 1000 / len(ids), fake_cpu_ms=used[1] * 1000 / len(ids),
        )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _echoed(text: str) -> int:
    return int(text.split()[1]) if text.startswith("echo ") else -1


def _answers_by_echo(ids: list[int], received: list[tuple[int, float, str]]) -> dict[int, list[float]]:
    answers: dict[int, list[float]] = {i: [] for i in ids}
    for _, at, text in received:
        if (update_id := _echoed(text)) in answers:
            answers[update_id].append(at)
    return answers


def _answers_by_chat(ids: list[int], served: dict[int, float], chat_of: dict[int, int],
                     received: list[tuple[int, float, str]]) -> dict[int, list[float]]:
    """A chat's messages between one of its updates being served and the next belong to it.

    Exact for our bot: it handles one chat's updates in order, and confirms a batch
    only after all of its replies were sent.
    """
    by_chat: dict[int, list[float]] = defaultdict(list)
    for chat, at, _ in received:
        by_chat[chat].append(at)
    updates: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i in ids:
        updates[chat_of[i]].append((served[i], i))
    answers: dict[int, list[float]] = {}
    for chat, mine in updates.items():
        mine.sort()
        times = sorted(by_chat.get(chat, []))
        for n, (at, update_id) in enumerate(mine):
            until = mine[n + 1][0] if n + 1 < len(mine) else float("inf")
            answers[update_id] = times[bisect_left(times, at):bisect_left(times, until)]
    return answers


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


BATCH = 100  # getUpdates' default limit: the most updates one poll hands out


@dataclass(frozen=True)
class UpdateSizes:
    members: int = 500
    updates: int = 3000
    warmup: int = 300
    paced_seconds: float = 20.0

    def __post_init__(self) -> None:
        if self.members < BATCH:
            # Fewer members than a batch would put two updates of one chat in one batch, and
            # their answers could no longer be told apart (see _answers_by_chat).
            raise ValueError(f"at least {BATCH} members are needed, not {self.members}")


async def bench_echo(sizes: UpdateSizes, workdir: Path, in_process: bool = False) -> Run:
    roster = Roster(list(range(FIRST_USER, FIRST_USER + sizes.members)), list(range(1, 24)))
    async with Harness(roster) as harness, running_bot(
        "echo", harness.server.url, None, workdir / "echo.log", in_process
    ) as bot:
        await harness.listening(bot)
        await harness.drive("echo", "", sizes.warmup, None, bot)
        return await harness.drive("echo", "", sizes.updates, None, bot)


async def bench_ours(database: str, url: str, sizes: UpdateSizes, workdir: Path,
                     paced: Callable[[float], float] | None = None,
                     in_process: bool = False) -> list[Run]:
    """The max-rate run, then (if `paced`) a run fed at paced(max rate) updates/s."""
    roster = await fresh_database(url, sizes.members)
    log = workdir / f"ours-{database.lower()}.log"
    async with Harness(roster) as harness, running_bot(
        "ours", harness.server.url, url, log, in_process
    ) as bot:
        await harness.listening(bot)
        await harness.drive("ours", database, sizes.warmup, None, bot)
        runs = [await harness.drive("ours", database, sizes.updates, None, bot)]
        if paced is not None:
            rate = paced(runs[0].rate)
            count = max(20, int(rate * sizes.paced_seconds))
            runs.append(await harness.drive("ours", database, count, rate, bot))
        return runs


async def profile_ours(database: str, url: str, sizes: UpdateSizes, workdir: Path,
                       raw: Path) -> None:
    """One more max-rate run, with py-spy sampling the bot (not a measured run)."""
    roster = await fresh_database(url, sizes.members)
    async with Harness(roster) as harness, running_bot(
        "ours", harness.server.url, url, workdir / f"ours-profiled-{database.lower()}.log"
    ) as bot:
        await harness.listening(bot)
        await harness.drive("ours", database, sizes.warmup, None, bot)
        with attached(bot.pid, raw):
            await harness.drive("ours", database, sizes.updates, None, bot)


def sqlite_url(workdir: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{workdir / name}"


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gopy-bench."))
