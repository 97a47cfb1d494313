"""Several workers, one scheduler: only the lock holder reminds; another takes over when it dies."""

from __future__ import annotations

from pathlib import Path

from bot.leader import Leadership
from storage.db import create_engine


async def test_one_worker_leads_and_another_takes_over(database_url: str, tmp_path: Path) -> None:
    sqlite_file = Path(database_url.split("///", 1)[1]) if database_url.startswith("sqlite") else None
    first_db, second_db = create_engine(database_url), create_engine(database_url)
    first, second = Leadership(first_db, sqlite_file), Leadership(second_db, sqlite_file)
    try:
        assert await first.acquire() is True
        assert await second.acquire() is False
        assert await first.acquire() is True  # still the leader at its next tick
        await first.release()  # the leading worker stops (or dies: the lock goes with it)
        assert await second.acquire() is True
        assert await first.acquire() is False
    finally:
        await first.release()
        await second.release()
        await first_db.dispose()
        await second_db.dispose()
