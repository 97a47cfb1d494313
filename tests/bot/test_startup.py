"""Commands that send nothing to Telegram start without aiogram.

Importing aiogram's types costs 8-9 s and 170 MB on a small server, so only the code that
talks to Telegram may import it: each command below runs in a fresh interpreter, on its own
SQLite file, and fails if any `aiogram` module was loaded by the time it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.caps import TELEGRAM_CAPS
from tests.bot.channels.test_telegram_webhook import free_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DRAFT = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
SAMPLE_ROSTER = ROOT / "content" / "sample_roster.csv"

# `gopy ARGS`, then the exit code, or 99 when aiogram was imported along the way.
GUARD = """
import runpy, sys
sys.argv = ["gopy", *sys.argv[1:]]
try:
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as exit:
    code = exit.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "aiogram")
if loaded:
    print("aiogram imported:", ", ".join(loaded[:5]), file=sys.stderr)
    code = 99
sys.exit(code)
"""


def gopy(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "WEB_"))}
    env["WEBHOOK_PORT"] = str(free_port())  # the terminal trial serves the console too
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'gopy.db'}", "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", GUARD, *args], check=False, cwd=cwd, env=env, input="",
        capture_output=True, text=True, timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> None:
    assert "aiogram imported" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the sample draft and roster, loaded by the commands themselves."""
    cwd = tmp_path_factory.mktemp("startup")
    deadline = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d 17:00")
    ok(gopy(["draft", "load", str(SAMPLE_DRAFT), "--deadline", deadline], cwd))
    ok(gopy(["roster", "import", str(SAMPLE_ROSTER)], cwd))
    return cwd


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["progress"],
        ["export", "--out", "gop-y.csv"],
        ["roster", "import", str(SAMPLE_ROSTER)],
        ["draft", "show"],
        ["draft", "show", "--channel", "zalo"],
        ["codes"],
        ["reminders", "show"],
        ["chat"],  # stdin closed at once: the introduction, then Ctrl-D
        ["run"],  # no token: the terminal trial
    ],
    ids=lambda args: " ".join(Path(a).name if "/" in a else a for a in args),
)
def test_command_does_not_import_aiogram(loaded: Path, args: list[str]) -> None:
    ok(gopy(args, loaded))


def test_terminal_trial_on_an_empty_database_does_not_import_aiogram(tmp_path: Path) -> None:
    result = gopy(["run"], tmp_path)
    ok(result)
    assert "0912345678" in result.stdout  # the sample member the README's trial uses


def test_telegram_caps_are_the_channels_own() -> None:
    from bot.channels.telegram import TelegramChannel

    assert TelegramChannel.caps == TELEGRAM_CAPS
