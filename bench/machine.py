"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench.pg import pg_version


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    memory_gib: float
    load: str  # load average when the run started: these machines are shared
    python: str
    sqlite_library: str
    sqlite_cli: str | None
    postgresql: str | None
    packages: str
    date: str


def describe() -> Machine:
    return Machine(
        cores=os.cpu_count() or 0,
        cpu=_cpu_model(),
        memory_gib=round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        load=" ".join(Path("/proc/loadavg").read_text().split()[:3]),
        python=platform.python_version(),
        sqlite_library=sqlite3.sqlite_version,
        sqlite_cli=_sqlite_cli(),
        postgresql=pg_version(),
        packages=", ".join(f"{name} {version(name)}" for name in
                           ("aiogram", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg", "xlsxwriter")),
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _sqlite_cli() -> str | None:
    cli = shutil.which("sqlite3")
    if cli is None:
        return None
    out = subprocess.run([cli, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.split()[0] if out.returncode == 0 and out.stdout else None
