"""Sampling profiles with py-spy (`--profile`): where a process spends its CPU, by layer."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Innermost frame that matches decides the layer a sample is charged to.
LAYERS = (
    ("aiosqlite (hand-off to the connection's thread)", "aiosqlite/"),
    ("asyncpg", "asyncpg/"),
    ("SQLAlchemy", "sqlalchemy/"),
    ("xlsxwriter", "xlsxwriter/"),
    ("zipfile", "zipfile.py"),
    ("aiogram", "aiogram/"),
    ("aiohttp", "aiohttp/"),
    ("pydantic", "pydantic"),
    ("json", "json/"),
    ("logging", "logging/"),
    ("ours: storage/", "storage/"),
    ("ours: handlers/", "handlers/"),
    ("ours: bot/", "bot/"),
    ("ours: content/", "content/"),
    ("asyncio event loop", "asyncio/"),
)


@dataclass(frozen=True)
class Profile:
    what: str
    samples: int
    layers: list[tuple[str, float]]  # (layer, share of samples)
    hottest: list[tuple[str, float]]  # (innermost frame, share of samples)


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


@contextmanager
def attached(pid: int, out: Path, rate: int = 100) -> Iterator[None]:
    """Sample a running process (only while it holds the GIL: its CPU) until the block ends."""
    spy = py_spy()
    if spy is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install -e '.[bench]'")
    process = subprocess.Popen(
        [spy, "record", "-p", str(pid), "-o", str(out), "-f", "raw", "-r", str(rate), "--gil",
         "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def wrapped(command: list[str], out: Path, rate: int = 100) -> list[str]:
    """`command` run under py-spy from its start."""
    spy = py_spy()
    if spy is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install -e '.[bench]'")
    return [spy, "record", "-o", str(out), "-f", "raw", "-r", str(rate), "--gil", "--nonblocking",
            "--", *command]


def summarize(what: str, raw: Path, top: int = 8) -> Profile:
    """Shares of samples per layer and for the hottest innermost frames (imports left out)."""
    layers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue  # not a "frame;frame;… count" line (a cut-off last line, say)
        frames = stack.split(";")
        if any("_find_and_load" in frame for frame in frames):
            continue  # importing modules at start: not the work being profiled
        samples = int(count)
        total += samples
        leaves[frames[-1]] += samples
        layer = next((name for frame in reversed(frames) for name, mark in LAYERS if mark in frame),
                     "other (interpreter, C extensions)")
        layers[layer] += samples
    share = (lambda n: round(n / total, 3)) if total else (lambda n: 0.0)
    return Profile(what, total, [(k, share(v)) for k, v in layers.most_common()],
                   [(k, share(v)) for k, v in leaves.most_common(top)])
