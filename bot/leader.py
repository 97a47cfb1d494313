"""Exactly one scheduler among several workers: whoever holds the lock sends reminders.

PostgreSQL: a session-level advisory lock on a connection kept open for the purpose;
the server releases it when that process dies, and another worker takes it at its next
tick. SQLite: an exclusive lock on a file beside the database (one machine only).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LOCK_KEY = 0x60_70_79  # "gopy" scheduler; any constant shared by all workers


class Leadership:
    def __init__(self, engine: AsyncEngine, sqlite_file: Path | None) -> None:
        self._engine = engine
        self._lock_path = (
            sqlite_file.with_name(sqlite_file.name + ".scheduler.lock") if sqlite_file else None
        )
        self._conn: AsyncConnection | None = None
        self._fd: int | None = None

    async def acquire(self) -> bool:
        """True while this process is the one that should run the scheduler."""
        if self._engine.dialect.name == "postgresql":
            return await self._acquire_postgres()
        return self._acquire_file()

    async def _acquire_postgres(self) -> bool:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except DBAPIError:
                log.warning("scheduler lock connection lost; trying to take the lock again")
                await self._drop_connection()
        conn = await self._engine.connect()
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}))
        await conn.commit()  # the lock belongs to the session, not the transaction
        if not got:
            await conn.close()
            return False
        self._conn = conn
        log.info("this worker runs the scheduler")
        return True

    def _acquire_file(self) -> bool:
        if self._lock_path is None:
            return True  # an in-memory database has only this process
        if self._fd is not None:
            return True
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        log.info("this process runs the scheduler")
        return True

    async def release(self) -> None:
        await self._drop_connection()
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None

    async def _drop_connection(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                # Really close it: back in the pool, the session (and its lock) would live on.
                await conn.invalidate()
                await conn.close()
            except DBAPIError:
                pass
