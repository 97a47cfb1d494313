"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import progress_counters
from storage.models import Base

# SQLite keeps no separate record of these: reflection cannot tell them apart.
SQLITE_BLIND = {"add_fk", "remove_fk"}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    found = compare_metadata(context, Base.metadata)
    if connection.dialect.name == "sqlite":
        found = [d for d in found if not (isinstance(d, tuple) and d[0] in SQLITE_BLIND)]
    return found


async def test_upgrade_head_matches_the_models(db: AsyncEngine) -> None:
    """A schema change without its migration (or a migration the models do not know)
    shows up here, instead of as a failed upgrade on the Office's server."""
    async with db.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_the_progress_counter_triggers_survive_every_migration(db: AsyncEngine) -> None:
    """SQLite's table rewrites (batch_alter_table) drop triggers: a later migration on a
    counted table must create them again, or the Office's overview silently goes stale."""
    async with db.connect() as connection:
        if db.dialect.name == "sqlite":
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = ("SELECT count(DISTINCT tgname) FROM pg_trigger "
                     "WHERE NOT tgisinternal")
        triggers = (await connection.exec_driver_sql(query)).scalar_one()

    assert triggers == len(progress_counters.TRIGGERS)
