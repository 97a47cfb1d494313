"""Crash safety: the bot is SIGKILLed at random moments; no confirmed comment is lost or doubled.

Each kill lands at a random point of a run: after a random number of replies (updates saved
but not yet confirmed to Telegram), or just after a batch was confirmed. After every kill the
database must hold each confirmed comment exactly once; after the last run, every comment.

Sizes come from the environment so CI stays quick and a soak run can go big:
GOPY_CRASH_MEMBERS (20), GOPY_CRASH_KILLS (5), GOPY_CRASH_COMMENTS per member (5);
GOPY_CRASH_SEED replays the kill moments of an earlier run (every run prints its seed);
GOPY_CRASH_LOG_LEVEL (WARNING) is the bot's LOG_LEVEL, its output is in bot-output.log.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from content.draft_parser import parse_draft
from storage import roster
from storage.consultations import create_consultation
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Comment, CommentPart, Identity, Member, Section
from storage.uow import UnitOfWork
from tests.bot.channels.test_telegram_webhook import free_port
from tests.conftest import SEED_DRAFT
from tests.fakes.telegram_server import FakeTelegramServer

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = int(os.environ.get("GOPY_CRASH_MEMBERS", "20"))
KILLS = int(os.environ.get("GOPY_CRASH_KILLS", "5"))
COMMENTS = int(os.environ.get("GOPY_CRASH_COMMENTS", "5"))
LOG_LEVEL = os.environ.get("GOPY_CRASH_LOG_LEVEL", "WARNING")
FIRST_USER = 810_000  # Telegram user id of member 0; member i is FIRST_USER + i
STARTUP_TIMEOUT = 60.0  # seconds for a fresh process to reach getUpdates (imports take ~4 s)


@dataclass(frozen=True)
class Sent:
    """A comment a member typed: who, on which section, and the update that carried it."""

    text: str
    member: int
    position: int
    update_id: int


@dataclass
class Ledger:
    """Everything pushed into the fake Telegram, to check the database against."""

    comments: dict[str, Sent] = field(default_factory=dict)
    last_update_id: int = 0
    duplicates: int = 0

    def acknowledged(self, offset: int) -> set[str]:
        """Texts whose update Telegram was told is handled (update_id below the offset)."""
        return {text for text, sent in self.comments.items() if sent.update_id < offset}


class BotProcess:
    """`python -m bot run` in a child process; every start appends to one log file."""

    def __init__(self, env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self._env, self._cwd, self.log_path = env, cwd, log_path
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start at {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=self._env, cwd=self._cwd, stdout=log, stderr=subprocess.STDOUT,
            )

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no last confirmation, whatever it was doing."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self._proc.wait, 10)

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self._proc.wait, 30)

    def ensure_dead(self) -> None:
        if self.alive:
            assert self._proc is not None
            self._proc.kill()
            self._proc.wait(10)

    def log_tail(self, lines: int = 80) -> str:
        if not self.log_path.exists():
            return "(no output)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def write_roster(path: Path, members: int) -> list[str]:
    """A roster of `members` plain members in four cells; returns their phone numbers."""
    phones = [f"09{i:08d}" for i in range(members)]
    lines = ["cell_code,cell_name,organization,full_name,phone,role"]
    for i, phone in enumerate(phones):
        cell = i % 4
        cell_name = f"Chi bộ thử tải {cell}"
        lines.append(f"CT{cell},{cell_name},Đảng bộ thử tải,Đảng viên số {i},{phone},member")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return phones


async def load_consultation(sessions: async_sessionmaker[AsyncSession], roster_csv: Path) -> None:
    """The seed draft, open for two weeks from now (the bot runs on the real clock)."""
    now = datetime.now(UTC)
    async with UnitOfWork(sessions) as uow:
        await create_consultation(
            uow.session, parse_draft(SEED_DRAFT.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo chính trị (lần 4)", deadline=now + timedelta(days=14), now=now,
        )
        await roster.import_roster(uow.session, roster_csv)
        await uow.commit()


async def member_ids(sessions: async_sessionmaker[AsyncSession], phones: list[str]) -> list[int]:
    async with sessions() as session:
        by_phone = dict((await session.execute(select(Member.phone, Member.id))).all())
    return [by_phone[phone] for phone in phones]


async def count_sections(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Section))).scalar_one())


async def count_identities(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Identity))).scalar_one())


async def saved_parts(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, int]]:
    """(text, member id, section position) of every saved comment part."""
    async with sessions() as session:
        rows = await session.execute(
            select(CommentPart.text, Comment.member_id, Section.position)
            .join(Comment, CommentPart.comment_id == Comment.id)
            .join(Section, Comment.section_id == Section.id)
        )
        return [(text, member, position) for text, member, position in rows]


async def comment_texts_match_parts(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """Comments whose text is not exactly their parts joined (should be none)."""
    async with sessions() as session:
        comments = (await session.execute(select(Comment.id, Comment.text))).all()
        parts = (await session.execute(
            select(CommentPart.comment_id, CommentPart.text).order_by(CommentPart.id)
        )).all()
    joined: dict[int, list[str]] = {}
    for comment_id, text in parts:
        joined.setdefault(comment_id, []).append(text)
    return [
        f"comment {cid}: {text!r}" for cid, text in comments
        if text != "\n".join(joined.get(cid, []))
    ]


async def check_database(
    sessions: async_sessionmaker[AsyncSession], ledger: Ledger, ids: list[int], must_have: set[str]
) -> int:
    """Nothing unsent, nothing twice, nothing misfiled, and every text in `must_have` there.
    Returns how many comment texts the database holds."""
    parts = await saved_parts(sessions)
    counts = Counter(text for text, _, _ in parts)
    unsent = sorted(set(counts) - set(ledger.comments))
    assert not unsent, f"texts nobody sent: {unsent[:10]}"
    doubled = sorted(text for text, n in counts.items() if n > 1)
    assert not doubled, f"saved more than once: {doubled[:10]}"
    misfiled = [
        (text, member, position) for text, member, position in parts
        if (ids[ledger.comments[text].member], ledger.comments[text].position) != (member, position)
    ]
    assert not misfiled, f"saved for the wrong member or section: {misfiled[:10]}"
    lost = sorted(must_have - set(counts), key=lambda t: ledger.comments[t].update_id)
    assert not lost, f"{len(lost)} acknowledged comments missing, e.g. {lost[:10]}"
    assert await comment_texts_match_parts(sessions) == []
    return len(counts)


def confirmations(server: FakeTelegramServer) -> int:
    """«Đã lưu ý kiến» messages the members received, all chats together."""
    return sum(1 for m in server.sent_messages()
               if "Đã lưu ý kiến" in (m.get("text") or ""))


async def wait_for(
    predicate: Callable[[], bool], timeout: float, bot: BotProcess, what: str
) -> None:
    """Poll `predicate` until it holds; fail early if the bot process died."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if not bot.alive:
            raise AssertionError(f"the bot exited while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


async def until_polling(server: FakeTelegramServer, bot: BotProcess, since: int) -> None:
    """Until the freshly started process asks for updates (it has loaded and connected).

    Its getMe comes first: a getUpdates recorded earlier may be the killed process's last
    long poll, answered after its death."""

    def polling() -> bool:
        calls = [c.method for c in server.calls[since:]]
        return "getMe" in calls and "getUpdates" in calls[calls.index("getMe"):]

    await wait_for(polling, STARTUP_TIMEOUT, bot, "the first getUpdates")


async def kill_moment(
    server: FakeTelegramServer, bot: BotProcess, rng: random.Random, since: int, fresh: int
) -> str:
    """A random moment in the run: after a random number of replies (mid-batch: saved, not yet
    confirmed), or a little after Telegram was told that a batch with update `fresh` (pushed
    in this cycle) is done. Says which it was."""
    offset = max(server.acknowledged_offset, fresh)
    if rng.random() < 0.5:
        replies = rng.randint(1, 20)
        moment = f"after {replies} replies"

        def progressed() -> bool:
            sent = [c for c in server.calls[since:] if c.method == "sendMessage"]
            return len(sent) >= replies
    else:
        moment = "after a confirmed batch"

        def progressed() -> bool:
            return server.acknowledged_offset > offset

    try:
        await wait_for(progressed, 15, bot, "progress before the kill")
    except AssertionError:
        if not bot.alive:
            raise
        moment += " (not reached in 15 s)"
    await asyncio.sleep(rng.uniform(0, 0.5))
    return moment


class Members:
    """The members typing: each opens their section, then types COMMENTS comments.

    Their updates go into the fake Telegram steadily, whether the bot is up or not; each
    kill cycle releases a fresh share, so every run of the bot has new work in flight.
    """

    GAP = 0.04  # seconds between two updates

    def __init__(
        self, server: FakeTelegramServer, ledger: Ledger, rng: random.Random, sections: list[int]
    ) -> None:
        self.server, self.ledger, self.rng = server, ledger, rng
        self.steps: list[Callable[[], None]] = []
        for i in range(MEMBERS):
            self.steps.append(lambda i=i: self._open(i, sections[i]))
        for c in range(COMMENTS):
            order = list(range(MEMBERS))
            rng.shuffle(order)
            for i in order:
                self.steps.append(lambda i=i, c=c: self._comment(i, c, sections[i]))
                if c and rng.random() < 0.05:  # Telegram delivering an update again
                    self.steps.append(self._duplicate)
        self._allowed = 0
        self._more = asyncio.Event()

    def release(self, share: float) -> None:
        """Let this fraction (0..1) of all updates out, counting what is already out."""
        self._allowed = max(self._allowed, round(share * len(self.steps)))
        self._more.set()

    async def type_steadily(self) -> None:
        for index, step in enumerate(self.steps):
            while index >= self._allowed:
                self._more.clear()
                await self._more.wait()
            step()
            await asyncio.sleep(self.GAP)

    def _open(self, member: int, position: int) -> None:
        self._pushed(self.server.push_callback(FIRST_USER + member, f"m:p:{position}"))

    def _comment(self, member: int, n: int, position: int) -> None:
        text = f"m{member}-c{n}"
        update_id = self.server.push_text(FIRST_USER + member, text)
        self.ledger.comments[text] = Sent(text, member, position, update_id)
        self._pushed(update_id)

    def _duplicate(self) -> None:
        sent = self.rng.choice(list(self.ledger.comments.values()))
        self.server.push_duplicate(sent.update_id)
        self.ledger.duplicates += 1

    def _pushed(self, update_id: int) -> None:
        self.ledger.last_update_id = max(self.ledger.last_update_id, update_id)


def bot_env(server: FakeTelegramServer, database_url: str) -> dict[str, str]:
    """This environment without any messenger settings, plus the fake Telegram's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_API_URL=server.url,
        TELEGRAM_POLL_TIMEOUT="1", LOG_LEVEL=LOG_LEVEL,
        # A reply a killed process had taken goes out from the next one after this.
        OUTBOX_LEASE_SECONDS="1",
        # `gopy run` also serves the web console: on a port of its own, not 8080.
        WEBHOOK_PORT=str(free_port()),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


async def test_killed_bot_loses_and_doubles_no_acknowledged_comment(
    database_url: str, tmp_path: Path
) -> None:
    """Members keep typing while the bot is killed and restarted; each comment is saved once."""
    seed = int(os.environ.get("GOPY_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\ncrash test seed: {seed} (GOPY_CRASH_SEED={seed} replays it)")
    rng = random.Random(seed)
    began = time.monotonic()
    db = create_engine(database_url)
    await upgrade(db)
    sessions = create_session_factory(db)
    phones = write_roster(tmp_path / "roster.csv", MEMBERS)
    await load_consultation(sessions, tmp_path / "roster.csv")
    ids = await member_ids(sessions, phones)
    sections = [rng.randint(1, await count_sections(sessions)) for _ in range(MEMBERS)]
    ledger = Ledger()
    async with FakeTelegramServer() as server:
        # The working directory is the temp dir, so a developer's .env cannot leak in.
        bot = BotProcess(bot_env(server, database_url), tmp_path, tmp_path / "bot-output.log")
        try:
            bot.start()
            await until_polling(server, bot, 0)
            for i, phone in enumerate(phones):  # everyone links before the crashes begin
                update_id = server.push_contact(FIRST_USER + i, phone)
                ledger.last_update_id = max(ledger.last_update_id, update_id)
            linked = ledger.last_update_id
            await wait_for(lambda: server.acknowledged_offset > linked, 60, bot, "all links")
            assert await count_identities(sessions) == MEMBERS
            # Saved first, then answered: the welcomes follow the acknowledgement.
            await wait_for(lambda: all(server.chats.last_bot_message(FIRST_USER + i)
                                       for i in range(MEMBERS)), 60, bot, "all welcomes")
            print(f"{time.monotonic() - began:5.1f}s all {MEMBERS} members linked")

            members = Members(server, ledger, random.Random(seed + 1), sections)
            typing = asyncio.create_task(members.type_steadily())
            at_kill: list[tuple[int, int]] = []  # (acknowledged, found) at each kill
            for kill in range(KILLS):
                since, fresh = len(server.calls), ledger.last_update_id + 1
                members.release((kill + 1) / KILLS)
                if kill:
                    bot.start()
                    await until_polling(server, bot, since)
                moment = await kill_moment(server, bot, rng, since, fresh)
                await bot.kill()
                acknowledged = ledger.acknowledged(server.acknowledged_offset)
                found = await check_database(sessions, ledger, ids, acknowledged)
                at_kill.append((len(acknowledged), found))
                print(f"{time.monotonic() - began:5.1f}s kill {kill + 1} ({moment}): "
                      f"{len(ledger.comments)} comments sent, "
                      f"{len(acknowledged)} acknowledged, {found} in the database "
                      f"({found - len(acknowledged)} saved but not yet acknowledged)")
            await typing

            since = len(server.calls)
            bot.start()  # the last run drains everything that is left, then stops cleanly
            await until_polling(server, bot, since)
            last = ledger.last_update_id
            await wait_for(
                lambda: server.acknowledged_offset > last and len(server.updates) == 0,
                120, bot, "the queue to drain",
            )
            print(f"{time.monotonic() - began:5.1f}s drained")
            # Every saved comment is confirmed to its member, kills between commit and send
            # included (a rare second confirmation is allowed, a missing one is not).
            await wait_for(lambda: confirmations(server) >= MEMBERS * COMMENTS, 120, bot,
                           "every comment's confirmation")
            assert await bot.stop() == 0, "SIGTERM should stop the bot cleanly"
            acknowledged = ledger.acknowledged(server.acknowledged_offset)
            assert acknowledged == set(ledger.comments)
            found = await check_database(sessions, ledger, ids, acknowledged)
            assert found == len(ledger.comments) == MEMBERS * COMMENTS
            assert server.violations == []
            print(
                f"crash test figures: members={MEMBERS} kills={KILLS} "
                f"comments sent={len(ledger.comments)} (+{ledger.duplicates} repeated deliveries) "
                f"acknowledged={len(acknowledged)} found={found} "
                f"confirmations={confirmations(server)}; "
                f"at each kill (acknowledged, found): {at_kill}; seed={seed}"
            )
        except BaseException:
            print(f"---- bot output ({bot.log_path}) ----\n{bot.log_tail()}")
            raise
        finally:
            bot.ensure_dead()
            await db.dispose()
