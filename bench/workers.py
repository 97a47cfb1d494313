"""Two `gopy run` webhook workers on one PostgreSQL database, behind one address.

The fake Telegram of the tests plays Telegram in this process: it posts each update to
the webhook address (40 connections at once, Telegram's default `max_connections`, and one
update of a chat at a time), delivers again whatever does not get a 2xx, and receives the
replies. The address is bench/proxy.py, round robin over real `python -m bot run`
processes (as `gopy run`) in Telegram webhook mode. Three runs on one database:

- one worker behind the proxy, the updates mix all queued at once (the ceiling);
- two workers behind it, the same mix: updates per worker, throughput against one;
- two workers, a steady feed of typed comments (each text unique) and the mix around them,
  one worker SIGKILLed at 40% of the feed: every text must be saved exactly once, every
  update recorded once, and every comment confirmed to its member.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from aiohttp import ClientError, ClientSession, ClientTimeout
from sqlalchemy import func, select

from bench.proxy import RoundRobinProxy
from bench.timed_fake import TimedTelegramServer
from bench.updates import fresh_database
from bench.workload import ROOT, Action, Roster, plan
from content import strings
from storage.db import create_engine, create_session_factory
from storage.models import CommentPart, HandledUpdate, OutboxMessage, OutboxStatus
from storage.uow import UnitOfWork

SECRET = "bench-webhook-secret-0123456789"
WEBHOOK_PATH = "/tg"
CONNECTIONS = 40  # Telegram's default max_connections for a webhook
RETRY_AFTER = 0.2  # seconds before an update without a 2xx is posted again
KILL_AT = 0.4  # share of the kill run's updates acknowledged when a worker is killed
KILL_LEASE = 2  # OUTBOX_LEASE_SECONDS in the kill run: a dead worker's replies wait this long
SAVED = strings.TEXT_SAVED.split("{", 1)[0]  # «✅ Đã lưu ý kiến của đồng chí về mục »


@dataclass(frozen=True)
class WorkersRun:
    """One stream of updates through the proxy to `workers` workers."""

    workers: int
    feed: str  # "max": all queued at once; "kill": paced, one worker killed
    updates: int
    seconds: float  # first post → last reply received
    per_worker: tuple[int, ...]  # 2xx answers per worker
    p50_ms: float  # post → 2xx (the update saved with its replies), retries included
    p99_ms: float
    redelivered: int  # posts that got no 2xx (a 502 from the proxy, a 503) and were sent again
    refused: int  # connections refused by a dead worker, moved to the next one by the proxy
    replies: int
    cpu_ms: float  # CPU per update of all workers together
    checks: dict[str, int] = field(default_factory=dict)  # the kill run's counts

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Delivered:
    """What Telegram saw of one delivery run."""

    first_post: float = 0.0
    took: list[float] = field(default_factory=list)  # seconds, first post → 2xx
    redelivered: int = 0


class WebhookTelegram:
    """Telegram's side of a webhook: posts updates, one per chat at a time, until each is 2xx."""

    def __init__(self, server: TimedTelegramServer, url: str) -> None:
        self.server, self.url = server, url
        self.acknowledged = 0

    def updates(self, actions: Sequence[Action]) -> list[dict[str, Any]]:
        """The fake's own updates for these actions (a tap on the chat's last message…),
        taken out of its getUpdates queue: with a webhook set, Telegram posts them."""
        for action in actions:
            if action.tap is not None:
                self.server.push_callback(action.user_id, action.tap)
            else:
                assert action.text is not None
                self.server.push_text(action.user_id, action.text)
        batch = self.server.updates.take(len(actions))
        self.server.updates.confirm(batch[-1]["update_id"] + 1)
        return batch

    async def deliver(self, updates: Sequence[dict[str, Any]], rate: float | None = None,
                      at: Callable[[int], None] | None = None) -> Delivered:
        """Post every update (all at once, or `rate` per second); `at(n)` after each 2xx."""
        done = Delivered(first_post=time.perf_counter())
        queue: asyncio.Queue[tuple[dict[str, Any], float]] = asyncio.Queue()
        chats: dict[int, asyncio.Lock] = {}
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        async def connection(http: ClientSession) -> None:
            while True:
                update, ready = await queue.get()
                lock = chats.setdefault(_chat(update), asyncio.Lock())
                async with lock:
                    await asyncio.sleep(max(0.0, ready - time.perf_counter()))
                    start = time.perf_counter()
                    while not await _posted(http, self.url + WEBHOOK_PATH, update, headers):
                        done.redelivered += 1
                        await asyncio.sleep(RETRY_AFTER)
                    done.took.append(time.perf_counter() - start)
                    self.acknowledged += 1
                    if at is not None:
                        at(self.acknowledged)
                queue.task_done()

        for n, update in enumerate(updates):
            queue.put_nowait((update, done.first_post + (n / rate if rate else 0.0)))
        async with ClientSession(timeout=ClientTimeout(total=120)) as http:
            tasks = [asyncio.create_task(connection(http)) for _ in range(CONNECTIONS)]
            try:
                await queue.join()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return done


async def _posted(http: ClientSession, url: str, update: dict[str, Any],
                  headers: dict[str, str]) -> bool:
    try:
        async with http.post(url, json=update, headers=headers) as answer:
            return 200 <= answer.status < 300
    except (ClientError, TimeoutError):
        return False


def _chat(update: dict[str, Any]) -> int:
    if "callback_query" in update:
        return int(update["callback_query"]["from"]["id"])
    return int(update["message"]["chat"]["id"])


class Worker:
    """`python -m bot run` (what `gopy run` runs) as a Telegram webhook worker."""

    def __init__(self, number: int, port: int, env: dict[str, str], workdir: Path) -> None:
        self.number, self.port, self.workdir = number, port, workdir
        self.env = {**env, "WEBHOOK_PORT": str(port)}
        self.log = workdir / f"worker-{number}.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env,
                stdout=out, stderr=out)
        deadline = time.monotonic() + 90
        async with ClientSession(timeout=ClientTimeout(total=2)) as http:
            while True:
                if self.process.returncode is not None:
                    raise RuntimeError(f"worker {self.number} exited; see {self.log}")
                try:
                    async with http.get(self.url + "/health") as answer:
                        if answer.status == 200:
                            return
                except (ClientError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"worker {self.number} never listened; see {self.log}")
                await asyncio.sleep(0.1)

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def kill(self) -> None:
        """SIGKILL: no cleanup, requests under way and replies taken by it included."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def worker_env(server: TimedTelegramServer, database_url: str, lease: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "DATABASE_", "OUTBOX_"))}
    env.update(
        DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.url, TELEGRAM_WEBHOOK_URL=f"https://bench.example{WEBHOOK_PATH}",
        TELEGRAM_WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1", LOG_LEVEL="WARNING",
        # As in section 1: Telegram's 30 messages/s would only measure the pacer here.
        TELEGRAM_MESSAGES_PER_SECOND="1000000", OUTBOX_LEASE_SECONDS=str(lease),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def free_ports(n: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Cluster:
    """Workers behind one proxy, all on one database, talking to one fake Telegram."""

    def __init__(self, harness: Bench, count: int, lease: float) -> None:
        env = worker_env(harness.server, harness.url, lease)
        self.workers = [Worker(i + 1, port, env, harness.workdir)
                        for i, port in enumerate(free_ports(count))]

    async def __aenter__(self) -> Self:
        await asyncio.gather(*(w.start() for w in self.workers))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(w.stop() for w in self.workers))

    def cpu(self) -> float:
        return sum(w.cpu_seconds() for w in self.workers
                   if w.process is not None and w.process.returncode is None)


class Bench:
    """The database, the fake Telegram and the stream of updates the runs share."""

    def __init__(self, url: str, roster: Roster, workdir: Path) -> None:
        self.url, self.roster, self.workdir = url, roster, workdir
        self.server = TimedTelegramServer()
        self.server.keep_history = False
        self.step = 0
        self.engine = create_engine(url)
        self.sessions = create_session_factory(self.engine)

    async def __aenter__(self) -> Self:
        await self.server.start()
        for user_id in self.roster.user_ids:
            self.server.chats.add_bot_message(user_id, text="Góp ý")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.server.close()
        await self.engine.dispose()

    def take(self, count: int) -> list[Action]:
        actions = plan(self.roster.user_ids, self.roster.section_ids, self.step, count)
        self.step += count
        return actions

    async def count(self, query: Any) -> int:
        async with UnitOfWork(self.sessions, write=False) as uow:
            return int((await uow.session.execute(query)).scalar_one())

    async def drained(self, timeout: float) -> None:
        """Until no reply waits in the outbox (a dead worker's wait for their lease)."""
        pending = select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING)
        deadline = time.monotonic() + timeout
        while await self.count(pending):
            if time.monotonic() > deadline:
                raise TimeoutError("replies still in the outbox")
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)

    async def run(self, workers: int, count: int) -> WorkersRun:
        """The mix, all queued at once, through `workers` workers (after a warm-up)."""
        async with Cluster(self, workers, lease=30) as cluster, \
                RoundRobinProxy([w.url for w in cluster.workers]) as proxy:
            telegram = WebhookTelegram(self.server, proxy.url)
            await telegram.deliver(telegram.updates(self.take(len(self.roster.user_ids))))
            await self.drained(60)
            # Every measured run starts at the same step of the members' ten-step cycle,
            # so one and two workers answer the same mix.
            self.step += -self.step % (10 * len(self.roster.user_ids))
            before = [proxy.ok(i) for i in range(workers)]
            updates = telegram.updates(self.take(count))
            self.server.reset_clocks()
            cpu = cluster.cpu()
            done = await telegram.deliver(updates)
            await self.drained(120)
            used = cluster.cpu() - cpu
            return self._measured(workers, "max", len(updates), done, proxy, before, used)

    async def kill_run(self, count: int, rate: float) -> WorkersRun:
        """Two workers, one SIGKILLed once KILL_AT of the updates are acknowledged. Each
        member opens a section, then types comments on it, each text unique."""
        users, sections = self.roster.user_ids, self.roster.section_ids
        actions = [Action(user, tap=f"m:p:{i % len(sections) + 1}") for i, user in enumerate(users)]
        while len(actions) < count:
            n = len(actions)
            actions.append(Action(users[n % len(users)], text=f"Ý kiến thử số {n} [#{n}]"))
        texts = Counter(a.text for a in actions if a.text is not None)
        async with Cluster(self, 2, lease=KILL_LEASE) as cluster, \
                RoundRobinProxy([w.url for w in cluster.workers]) as proxy:
            telegram = WebhookTelegram(self.server, proxy.url)
            updates = telegram.updates(actions)
            ids = [u["update_id"] for u in updates]
            self.server.reset_clocks()
            victim = cluster.workers[1]
            killed = asyncio.Event()
            at_kill: list[int] = []

            def maybe_kill(acknowledged: int) -> None:
                if acknowledged >= KILL_AT * len(updates) and not killed.is_set():
                    killed.set()
                    at_kill.append(acknowledged)
                    asyncio.ensure_future(victim.kill())

            done = await telegram.deliver(updates, rate, at=maybe_kill)
            await self.drained(120)
            await victim.kill()
            # CPU is not comparable here: the killed worker's is gone with it.
            run = self._measured(2, "kill", len(updates), done, proxy, [0, 0], 0.0)
        saved = await self._saved(texts)
        handled = await self.count(select(func.count()).select_from(HandledUpdate)
                                   .where(HandledUpdate.key.in_([f"telegram:{i}" for i in ids])))
        confirmations = sum(1 for _, _, text in self.server.received if text.startswith(SAVED))
        run.checks.update(
            updates_sent=len(ids), updates_recorded=handled, texts_sent=len(texts),
            texts_saved=sum(1 for t in texts if saved[t] >= 1),
            texts_saved_twice=sum(1 for t in texts if saved[t] > 1),
            confirmations=confirmations, killed_after=at_kill[0] if at_kill else 0,
            victim_answered=proxy.ok(1),
        )
        return run

    async def _saved(self, texts: Counter[str]) -> Counter[str]:
        async with UnitOfWork(self.sessions, write=False) as uow:
            rows = await uow.session.execute(select(CommentPart.text).where(
                CommentPart.text.in_(list(texts))))
            return Counter(text for (text,) in rows)

    def _measured(self, workers: int, feed: str, updates: int, done: Delivered,
                  proxy: RoundRobinProxy, before: list[int], cpu: float) -> WorkersRun:
        received = self.server.received
        last = max((at for _, at, _ in received), default=time.perf_counter())
        took = sorted(done.took)
        return WorkersRun(
            workers=workers, feed=feed, updates=updates, seconds=last - done.first_post,
            per_worker=tuple(proxy.ok(i) - before[i] for i in range(workers)),
            p50_ms=statistics.median(took) * 1000,
            p99_ms=statistics.quantiles(took, n=100, method="inclusive")[98] * 1000,
            redelivered=done.redelivered, refused=sum(proxy.refused.values()),
            replies=len(received), cpu_ms=cpu * 1000 / updates,
        )


async def measure(url: str, members: int, updates: int, workdir: Path) -> list[WorkersRun]:
    """One worker, two workers, then two with one killed: all on a fresh database at `url`."""
    roster = await fresh_database(url, members)
    async with Bench(url, roster, workdir) as bench:
        one = await bench.run(1, updates)
        two = await bench.run(2, updates)
        # Fed steadily at half of what one worker took, so the kill lands mid-stream.
        killed = await bench.kill_run(updates, one.rate / 2)
    return [one, two, killed]

