"""`gopy backup` copies a live database: the copy opens, is whole, and holds what was saved."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.engine import ConversationEngine
from storage.backup import backup_sqlite
from tests.conftest import POSTGRES_URL, Bloc
from tests.support.chat import Chat

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's online backup")


async def test_backup_while_members_keep_commenting(
    engine: ConversationEngine, bloc: Bloc, database_url: str, tmp_path: Path
) -> None:
    source = Path(database_url.split("///", 1)[1])
    chat = Chat(engine)
    await chat.say("11112222")
    await chat.press("m:p:2")

    async def keep_writing() -> int:
        sent = 0
        for n in range(60):
            await chat.say(f"ý kiến {n}")
            sent += 1
        return sent

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    target = tmp_path / "copies" / "gopy-backup.db"
    size = await asyncio.to_thread(backup_sqlite, source, target)
    sent = await writer

    assert size > 0 and not target.with_name(target.name + ".partial").exists()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    [(text,)] = copy.execute("SELECT text FROM comment").fetchall() or [("",)]
    parts = text.split("\n") if text else []
    assert parts == [f"ý kiến {n}" for n in range(len(parts))]  # a prefix: never half a write
    assert copy.execute("SELECT count(*) FROM member").fetchone() == (5,)
    assert sent == 60


def test_backup_refuses_to_overwrite_the_database(tmp_path: Path) -> None:
    db = tmp_path / "gopy.db"
    sqlite3.connect(db).close()
    with pytest.raises(ValueError):
        backup_sqlite(db, db)
    with pytest.raises(FileNotFoundError):
        backup_sqlite(tmp_path / "missing.db", tmp_path / "x.db")
