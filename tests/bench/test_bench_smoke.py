"""The benchmark harness at toy size, so it cannot rot: figures come out (never timed here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import workers
from bench.__main__ import main

TOY = [
    "--members", "100", "--updates", "20", "--warmup", "5", "--paced-seconds", "0.5",
    "--statement-members", "2", "--no-profile",
    "--no-postgres", "--reminder-sizes", "10", "--reminder-window-sizes", "40", "--window", "0.5",
    "--export-sizes", "200", "--growth-sizes", "200", "--memory-updates", "20", "--in-process",
]


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_every_benchmark_produces_figures(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    results = main([*TOY, "--output", str(output)])

    (sqlite,) = results.updates
    assert sqlite.echo.rate > 0 and sqlite.ours.rate > 0 and sqlite.paced is not None
    assert sqlite.ours.unanswered == 0 and sqlite.ours.problems == 0
    assert sqlite.ours.violations == 0
    assert results.statements and all(s.statements > 0 for s in results.statements)
    assert [f.recipients for f in results.fanout] == [10, 40]
    assert all(f.rate > 0 and f.duplicates == 0 for f in results.fanout)
    assert {(e.kind, e.rows) for e in results.exports} == {("csv", 201), ("xlsx", 201)}
    assert results.growth[0].members == 200 and results.growth[0].office_ms > 0
    assert results.plans
    assert results.memory is not None and results.memory.after_mb > 0
    text = output.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Targets", "## 1. Updates", "## 2. Reminder fan-out",
                    "## 3. Export", "## 4. Growth", "## 5. Memory"):
        assert heading in text


async def test_two_webhook_workers_share_the_updates_and_survive_a_kill(
    database_url: str, tmp_path: Path
) -> None:
    """bench/workers.py at toy size: real `gopy run` workers need one PostgreSQL to share."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two workers share a PostgreSQL database")
    one, two, killed = await workers.measure(database_url, members=100, updates=150,
                                             workdir=tmp_path)
    assert one.per_worker == (150,) and len(two.per_worker) == 2 and min(two.per_worker) > 0
    checks = killed.checks
    assert checks["updates_recorded"] == checks["updates_sent"] == 150
    assert checks["texts_saved"] == checks["texts_sent"] > 0 and checks["texts_saved_twice"] == 0
    assert checks["confirmations"] >= checks["texts_sent"]
