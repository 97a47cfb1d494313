"""what a member has been told about a document's next version

A progress row remembers a version loaded since the member last read (told once, at their
next visit); change_shown keeps which changed sections a member has been shown the
word-level changes of, so each is shown once.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # progress carries counter triggers, which copying the table in SQLite would drop.
    op.add_column("progress", sa.Column("news_version", sa.Integer(), nullable=True))
    op.create_table(
        "change_shown",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE",
                                name=op.f("fk_change_shown_member_id_member")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], ondelete="CASCADE",
                                name=op.f("fk_change_shown_section_id_section")),
        sa.PrimaryKeyConstraint("member_id", "section_id", name=op.f("pk_change_shown")),
    )


def downgrade() -> None:
    op.drop_table("change_shown")
    op.drop_column("progress", "news_version")
