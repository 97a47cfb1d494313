"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import progress_counters
from storage.db import create_engine
from storage.migrate import upgrade
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


async def test_upgrading_a_database_in_use_keeps_every_comment(database_url: str) -> None:
    """0012 copies `section` (SQLite's way to change its constraints); with foreign keys
    on, dropping the original would cascade into every comment of the round."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0008")
        async with engine.begin() as connection:
            for statement in ROUND_IN_USE:
                await connection.exec_driver_sql(statement)
        await upgrade(engine)
        async with engine.connect() as connection:
            comments = (await connection.exec_driver_sql(
                "SELECT c.text, s.version, k.round_id FROM comment c "
                "JOIN section s ON s.id = c.section_id "
                "JOIN consultation k ON k.id = c.consultation_id")).all()
            parts = (await connection.exec_driver_sql(
                "SELECT count(*) FROM comment_part")).scalar_one()
            started = (await connection.exec_driver_sql(
                "SELECT started FROM consultation_progress")).scalar_one()
    finally:
        await engine.dispose()

    assert [tuple(row) for row in comments] == [("Đề nghị bổ sung số liệu", 1, 7)]
    assert parts == 1
    assert started == 1  # the counters were kept, and their triggers still count


ROUND_IN_USE = [
    "INSERT INTO organization (id, name) VALUES (1, 'Đảng bộ Sở Y tế')",
    "INSERT INTO cell (id, code, name, organization_id) VALUES (1, 'CB01', 'Chi bộ 1', 1)",
    ("INSERT INTO member (id, cell_id, full_name, phone, role, access_code) "
     "VALUES (1, 1, 'Nguyễn Văn A', '0900000001', 'member', 'A1B2C3')"),
    ("INSERT INTO consultation (id, title, deadline, choices, reminders, intro, source_name, "
     "created_at, stance_enabled) VALUES (7, 'Dự thảo', '2030-01-01 00:00:00', '[]', '[]', "
     "'', 'du-thao.txt', '2026-01-01 00:00:00', true)"),
    ("INSERT INTO section (id, consultation_id, position, key, number, title, path, body, "
     "footnotes) VALUES (1, 7, 1, '1', 'I', 'Tình hình', '[]', 'Nội dung', '[]')"),
    ("INSERT INTO comment (id, consultation_id, section_id, member_id, cell_id, text, "
     "created_at, updated_at) VALUES (1, 7, 1, 1, 1, 'Đề nghị bổ sung số liệu', "
     "'2026-01-02 00:00:00', '2026-01-02 00:00:00')"),
    ("INSERT INTO comment_part (id, comment_id, source, text, created_at) "
     "VALUES (1, 1, 'telegram:1:1', 'Đề nghị bổ sung số liệu', '2026-01-02 00:00:00')"),
]
