"""zalo_inbox: Zalo events kept as they arrived until handled; identity.failed_sends

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_key", sa.String(length=120), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zalo_inbox")),
    )
    with op.batch_alter_table("identity") as batch:
        batch.add_column(
            sa.Column("failed_sends", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("identity") as batch:
        batch.drop_column("failed_sends")
    op.drop_table("zalo_inbox")
