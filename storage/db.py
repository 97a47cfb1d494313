"""Engine and session factory: SQLite in WAL mode by default, PostgreSQL through asyncpg."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite, WAL so readers never block the writer, and FKs on."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        if url.startswith("sqlite+aiosqlite"):
            kwargs.setdefault("module", sqlite_driver.dbapi())
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, hide_parameters=True, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # hide_parameters: an error's log line must not carry phones or comments.
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# Units of work that write ask for BEGIN IMMEDIATE: a deferred transaction that
# reads and then writes can fail at once with "database is locked" when another
# writer got in between, which busy_timeout cannot wait out.
WRITE = {"sqlite_begin": "IMMEDIATE"}


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's own is always deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the member is told "saved", power cut included.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and ":memory:" not in path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


# SQLSTATE classes that mean "try again later", not "this will fail every time":
# 08 connection, 53 insufficient resources, 57P0x shutting down, 40001/40P01 lost a race.
# 55P03 lock_timeout and 57014 statement_timeout: waited too long behind another writer.
_TRANSIENT_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03", "57014", "55P03", "40001",
                        "40P01")
_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "disk i/o error",
                     "unable to open database", "database is full", "disk is full")


def is_transient(error: BaseException) -> bool:
    """The database is unreachable, locked or busy: wait and try the same event again.

    Anything else that fails (a constraint nobody expected, a bug) fails the same way on
    every try, and must be parked instead of holding up everyone behind it."""
    if isinstance(error, ConnectionError | TimeoutError | PoolTimeout):
        return True  # the server went away, or every pooled connection was busy
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        original = error.orig
        state = str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")
        if state and state.startswith(_TRANSIENT_SQLSTATES):
            return True
        if isinstance(error, OperationalError):
            message = str(original).lower()
            return any(words in message for words in _TRANSIENT_SQLITE) or not state and (
                "connection" in message or "timeout" in message)
        if isinstance(original, OSError | ConnectionError | TimeoutError):
            return True
    return False


def storable(text: str) -> str:
    """Text every engine can store: half a UTF-16 pair (a JSON escape can carry one) becomes
    U+FFFD instead of failing the write; a whole pair becomes its character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


TURN_WAIT = 30.0  # seconds, as SQLite's own busy timeout


class Turn:
    """A writer's turn; releasing it lets the next writer in (once)."""

    def __init__(self, turns: WriteTurns | None = None) -> None:
        self._turns = turns

    def release(self) -> None:
        if self._turns is not None:
            turns, self._turns = self._turns, None
            turns.release()


class WriteTurns:
    """Writers of one SQLite database in this process take turns in FIFO order.

    SQLite lets one writer in at a time; a second one waits in SQLite's busy handler,
    which sleeps in steps of up to 100 ms, and that is where the tail latency of a busy
    bot came from (the engine and the outbox sender both write). Waiting here instead
    hands the lock over as soon as it is free. Re-entrant per task, and never waits
    longer than TURN_WAIT: past that, SQLite's own locking still keeps writes safe.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    async def take(self) -> Turn:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            return Turn()  # this task already writes: a nested unit of work
        try:
            await asyncio.wait_for(self._lock.acquire(), TURN_WAIT)
        except TimeoutError:
            return Turn()
        self._owner = task
        return Turn(self)

    def release(self) -> None:
        self._owner = None
        self._lock.release()


_turns: WeakKeyDictionary[Any, WriteTurns] = WeakKeyDictionary()


async def write_turn(session: Any) -> Turn:
    """Wait for this process's turn to write to the session's SQLite database; PostgreSQL
    has row locks, so no turns there."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return Turn()
    turns = _turns.get(bind)
    if turns is None:
        turns = _turns[bind] = WriteTurns()
    return await turns.take()


def insert_for(session: Any, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL share its form)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
