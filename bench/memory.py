"""Resident memory of the bot's engine over 10,000 updates: does it grow beyond its caches?

The engine is wired as `gopy run` wires it (bot.bootstrap.build, on SQLite) in a child
process of its own, with no network: the workload's mix of updates (bench/workload.py)
goes straight to `engine.handle`, and the child reads its own VmRSS from /proc at idle
(built, nothing handled), after a first batch (caches warm: statement cache, identity
map of each unit of work, the draft's pages) and after every further batch. Growth after
the first batch is what would grow without bound in a long-running `gopy run`.

  python -m bench.memory DATABASE_URL MEMBERS UPDATES
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.statements import _inbound
from bench.updates import fresh_database, sqlite_url
from bench.workload import ROOT, plan
from bot import bootstrap
from bot.channels.telegram import TelegramChannel
from bot.config import Settings

CHECKPOINTS = 10  # RSS read this many times over the run
WARM = 1000  # updates after which the caches are taken as full


@dataclass(frozen=True)
class Memory:
    members: int
    updates: int
    idle_mb: float  # built, nothing handled
    warm_mb: float  # after WARM updates
    after_mb: float  # after all updates
    peak_mb: float  # VmHWM
    curve_mb: list[float]  # RSS at each checkpoint

    @property
    def growth_mb(self) -> float:
        """What the updates after the caches were warm added."""
        return self.after_mb - self.warm_mb


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(url: str, members: int, updates: int) -> dict[str, object]:
    roster = await fresh_database(url, members)
    app = await bootstrap.build(Settings(database_url=url, log_level="WARNING", _env_file=None))
    app.engine.register("telegram", TelegramChannel.caps)
    gc.collect()
    idle = _status_mb("VmRSS")
    curve: list[float] = []
    warm = idle
    step = max(1, updates // CHECKPOINTS)
    try:
        for number, action in enumerate(plan(roster.user_ids, roster.section_ids, 0, updates),
                                        start=1):
            await app.engine.handle(_inbound(number, action))
            if number == WARM:
                gc.collect()
                warm = _status_mb("VmRSS")
            if number % step == 0:
                gc.collect()
                curve.append(round(_status_mb("VmRSS"), 1))
    finally:
        await app.close()
    gc.collect()
    return {"idle": idle, "warm": warm, "after": curve[-1] if curve else idle,
            "peak": _status_mb("VmHWM"), "curve": curve}


def measure(workdir: Path, members: int = 500, updates: int = 10_000) -> Memory:
    """One run in a child process, so the RSS is the engine's alone."""
    url = sqlite_url(workdir, "memory.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", url, str(members), str(updates)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for leftover in workdir.glob("memory.db*"):
        leftover.unlink()
    return Memory(members, updates, round(figures["idle"], 1), round(figures["warm"], 1),
                  round(figures["after"], 1), round(figures["peak"], 1), figures["curve"])


if __name__ == "__main__":
    db_url, member_count, update_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(run(db_url, member_count, update_count))))
