"""Bring a database to the newest schema with Alembic, from sync or async code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Run migrations on the engine's own connection (works inside a running event loop)."""
    async with engine.connect() as conn:
        await in_one_transaction(conn, _upgrade, revision)


async def in_one_transaction(
    conn: AsyncConnection, migrations: Callable[..., Any], *args: Any
) -> None:
    """Run `migrations` in one transaction, on SQLite with foreign keys off meanwhile.

    SQLite changes a table's constraints by copying it and dropping the original, and
    with foreign keys on, dropping a table first deletes its rows and so cascades: a
    migration of `section` would delete every comment. Off for the migration (the pragma
    only takes effect outside a transaction), then checked before the commit.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        await conn.run_sync(_foreign_keys, "OFF")
    try:
        async with conn.begin():
            await conn.run_sync(migrations, *args)
            if sqlite:
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} broken references")
    finally:
        if sqlite:
            await conn.run_sync(_foreign_keys, "ON")


def _foreign_keys(connection: Connection, state: str) -> None:
    # On the driver's connection itself: through SQLAlchemy the pragma would begin a
    # transaction first, inside which SQLite ignores it.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={state}")
    cursor.close()


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
