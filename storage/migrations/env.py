"""Alembic environment: uses the connection handed in by storage.migrate, or DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import in_one_transaction
from storage.models import Base

target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only change a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        # The `alembic` command line: the same variable the bot reads (bot/config.py).
        url = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///data/gopy.db")
    engine = create_engine(url)
    async with engine.connect() as conn:
        await in_one_transaction(conn, run_with)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    asyncio.run(run_online())
