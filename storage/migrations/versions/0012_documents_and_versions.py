"""several documents per round, and next versions of a document's draft

A consultation is now one document of a round (round_id = the id of the round's first
document); a document's draft may be loaded again as its next version: sections carry
their version and the section of the version before they were matched to.

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-08 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.progress_counters import drop_trigger_ddl, trigger_ddl

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # consultation carries a counter trigger, which copying the table in SQLite would drop:
    # plain ADD COLUMN only (so round_id is no foreign key).
    op.add_column("consultation", sa.Column("round_id", sa.Integer(), nullable=False,
                                            server_default="0"))
    op.add_column("consultation", sa.Column("document", sa.String(length=200), nullable=False,
                                            server_default=""))
    op.add_column("consultation", sa.Column("version", sa.Integer(), nullable=False,
                                            server_default="1"))
    op.execute("UPDATE consultation SET round_id = id")
    op.create_index(op.f("ix_consultation_round_id"), "consultation", ["round_id"])
    op.create_table(
        "draft_version",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE",
                                name=op.f("fk_draft_version_consultation_id_consultation")),
        sa.PrimaryKeyConstraint("consultation_id", "version", name=op.f("pk_draft_version")),
    )
    op.execute("INSERT INTO draft_version (consultation_id, version, label, source_name, "
               "loaded_at) SELECT id, 1, '', source_name, created_at FROM consultation")
    # The counter triggers read section: SQLite copies the table to change its constraints,
    # and renaming the copy fails while a trigger names the old one. Dropped, then created
    # again from the same SQL (the counters themselves are unchanged).
    dialect = op.get_bind().dialect.name
    for statement in drop_trigger_ddl(dialect):
        op.execute(statement)
    with op.batch_alter_table("section") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch.drop_constraint("uq_section_consultation_id_position", type_="unique")
        batch.drop_constraint("uq_section_consultation_id_key", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_section_consultation_id_version_position"),
            ["consultation_id", "version", "position"])
        batch.create_unique_constraint(
            op.f("uq_section_consultation_id_version_key"), ["consultation_id", "version", "key"])
        batch.create_foreign_key(op.f("fk_section_previous_id_section"), "section",
                                 ["previous_id"], ["id"], ondelete="SET NULL")
        batch.create_index(op.f("ix_section_previous_id"), ["previous_id"])
    for statement in trigger_ddl(dialect):
        op.execute(statement)
    with op.batch_alter_table("identity") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_identity_document_id_consultation"), "consultation",
                                 ["document_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("identity") as batch:
        batch.drop_constraint("fk_identity_document_id_consultation", type_="foreignkey")
        batch.drop_column("document_id")
    op.execute("DELETE FROM section WHERE version > 1")
    dialect = op.get_bind().dialect.name
    for statement in drop_trigger_ddl(dialect):
        op.execute(statement)
    with op.batch_alter_table("section") as batch:
        batch.drop_index("ix_section_previous_id")
        batch.drop_constraint("fk_section_previous_id_section", type_="foreignkey")
        batch.drop_constraint("uq_section_consultation_id_version_key", type_="unique")
        batch.drop_constraint("uq_section_consultation_id_version_position", type_="unique")
        batch.create_unique_constraint("uq_section_consultation_id_key",
                                       ["consultation_id", "key"])
        batch.create_unique_constraint("uq_section_consultation_id_position",
                                       ["consultation_id", "position"])
        batch.drop_column("previous_id")
        batch.drop_column("version")
    for statement in trigger_ddl(dialect):
        op.execute(statement)
    op.drop_table("draft_version")
    op.drop_index("ix_consultation_round_id", table_name="consultation")
    op.drop_column("consultation", "version")
    op.drop_column("consultation", "document")
    op.drop_column("consultation", "round_id")
