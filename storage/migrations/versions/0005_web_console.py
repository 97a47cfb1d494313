"""web_sign_in_link and web_session: the web console's one-time links and cookie sessions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sign_in_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_web_sign_in_link_member_id_member"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sign_in_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sign_in_link_token_hash")),
    )
    op.create_index(op.f("ix_web_sign_in_link_member_id"), "web_sign_in_link", ["member_id"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cookie_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_web_session_member_id_member"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("cookie_hash", name=op.f("uq_web_session_cookie_hash")),
    )
    op.create_index(op.f("ix_web_session_member_id"), "web_session", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_session_member_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_index(op.f("ix_web_sign_in_link_member_id"), table_name="web_sign_in_link")
    op.drop_table("web_sign_in_link")
