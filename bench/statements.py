"""SQL statements per update, by kind: the engine alone, in this process, on SQLite.

Every statement is a round trip (to the connection's thread on SQLite, to the server
on PostgreSQL), which is where the bot's time per update goes.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.updates import fresh_database, sqlite_url
from bench.workload import Action, plan
from bot import bootstrap
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from handlers.conversation import Inbound, Kind

STEPS_PER_MEMBER = 10  # one cycle of the workload


@dataclass(frozen=True)
class Statements:
    kind: str
    updates: int
    statements: float  # per update, BEGIN and COMMIT included
    ms: float  # median wall time per update, sequential, no network


def kind_of(action: Action) -> str:
    if action.text is not None:
        return "typed comment"
    assert action.tap is not None
    if action.tap.startswith("m:p:"):
        return "open a section"
    if action.tap.startswith("m:t:"):
        return "table of contents"
    asks = action.tap.rsplit(":", 1)[1] in ("1", "2")
    return "choice that asks for text" if asks else "choice (next section shown)"


async def count(members: int, workdir: Path) -> list[Statements]:
    url = sqlite_url(workdir, "statements.db")
    roster = await fresh_database(url, members)
    app = await bootstrap.build(Settings(database_url=url, log_level="WARNING", _env_file=None))
    app.engine.register("telegram", TelegramChannel.caps)
    seen: list[str] = []

    def catch(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.db.sync_engine, "before_cursor_execute", catch)
    event.listen(app.db.sync_engine, "commit", lambda conn: seen.append("COMMIT"))
    counts: dict[str, list[int]] = defaultdict(list)
    times: dict[str, list[float]] = defaultdict(list)
    actions = plan(roster.user_ids, roster.section_ids, 0, members * STEPS_PER_MEMBER)
    try:
        for number, action in enumerate(actions, start=1):
            seen.clear()
            start = time.perf_counter()
            await app.engine.handle(_inbound(number, action))
            times[kind_of(action)].append(time.perf_counter() - start)
            counts[kind_of(action)].append(len(seen))
    finally:
        await app.close()
    rows = [Statements(kind, len(n), statistics.mean(n), statistics.median(times[kind]) * 1000)
            for kind, n in sorted(counts.items())]
    every = [n for ns in counts.values() for n in ns]
    all_times = [t for ts in times.values() for t in ts]
    rows.append(Statements("all (the workload's mix)", len(every), statistics.mean(every),
                           statistics.median(all_times) * 1000))
    return rows


def _inbound(number: int, action: Action) -> Inbound:
    user = str(action.user_id)
    key = f"telegram:{number}"
    if action.tap is not None:
        return Inbound(channel="telegram", user_id=user, chat_id=user, kind=Kind.BUTTON,
                       data=action.tap, message_id="1", update_key=key)
    return Inbound(channel="telegram", user_id=user, chat_id=user, kind=Kind.TEXT,
                   text=action.text or "", message_id=str(number), update_key=key)
