"""identity.awaiting: what the next typed text is for (a secretary's cell opinion)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("awaiting", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("awaiting_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.drop_column("awaiting_since")
        batch_op.drop_column("awaiting")
