"""cell_progress, consultation_progress: the Office overview's counters, kept by triggers

Per round and cell: members, started (not finished), finished, submitted, and the share
finished the overview sorts by; per round: the bloc's totals. Database triggers keep them
in the same transaction as the change to a member, a progress row, a comment, a cell, an
organization or a submission, so no code on the write path has to remember them.
Their SQL is storage/progress_counters.py; storage/progress.py's `rebuild_counters`
recounts them from the roster.

Revision ID: 0008
Revises: 0010
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.progress_counters import drop_trigger_ddl, recount_sql, trigger_ddl

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None

def upgrade() -> None:
    share = "CASE WHEN members = 0 THEN 1.0 ELSE CAST(finished AS FLOAT) / members END"
    op.create_table(
        "consultation_progress",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("cells", "cells_submitted", "members", "started", "finished")),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_consultation_progress_consultation_id_consultation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_consultation_progress")),
    )
    op.create_table(
        "cell_progress",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("organization", sa.String(length=300), nullable=False),
        sa.Column("cell_code", sa.String(length=50), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("members", "started", "finished", "submitted")),
        sa.Column("share", sa.Float(), sa.Computed(share, persisted=True)),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_cell_progress_consultation_id_consultation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"],
                                name=op.f("fk_cell_progress_cell_id_cell"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consultation_id", "cell_id", name=op.f("pk_cell_progress")),
    )
    # The overview's order: not submitted first, lowest share finished, organization, code.
    op.create_index("ix_cell_progress_attention", "cell_progress",
                    ["consultation_id", "submitted", "share", "organization", "cell_code"])
    op.create_index("ix_cell_progress_cell_id", "cell_progress", ["cell_id"])
    op.create_index("ix_cell_progress_organization", "cell_progress",
                    ["consultation_id", "organization"])
    dialect = op.get_bind().dialect.name
    for statement in [*trigger_ddl(dialect), *recount_sql()]:  # recount: rounds under way
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_trigger_ddl(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index("ix_cell_progress_organization", table_name="cell_progress")
    op.drop_index("ix_cell_progress_cell_id", table_name="cell_progress")
    op.drop_index("ix_cell_progress_attention", table_name="cell_progress")
    op.drop_table("cell_progress")
    op.drop_table("consultation_progress")
