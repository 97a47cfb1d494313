"""comment_group, group_item, decision: compiling comments (tổng hợp, tiếp thu, giải trình)

Revision ID: 0006
Revises: 0004 (0005 is another branch's; the merge re-chains this one after it)
Create Date: 2026-12-16 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("representative", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_comment_group_consultation_id_consultation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"],
                                name=op.f("fk_comment_group_section_id_section"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_group")),
    )
    op.create_index("ix_comment_group_section", "comment_group",
                    ["consultation_id", "section_id", "kind"], unique=False)
    op.create_table(
        "group_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("opinion_id", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["comment_group.id"],
                                name=op.f("fk_group_item_group_id_comment_group"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"],
                                name=op.f("fk_group_item_comment_id_comment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opinion_id"], ["cell_opinion.id"],
                                name=op.f("fk_group_item_opinion_id_cell_opinion"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_item")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_group_item_comment_id")),
        sa.UniqueConstraint("opinion_id", name=op.f("uq_group_item_opinion_id")),
    )
    op.create_index(op.f("ix_group_item_group_id"), "group_item", ["group_id"], unique=False)
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["comment_group.id"],
                                name=op.f("fk_decision_group_id_comment_group"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"],
                                name=op.f("fk_decision_decided_by_member"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("group_id", name=op.f("uq_decision_group_id")),
    )


def downgrade() -> None:
    op.drop_table("decision")
    op.drop_index(op.f("ix_group_item_group_id"), table_name="group_item")
    op.drop_table("group_item")
    op.drop_index("ix_comment_group_section", table_name="comment_group")
    op.drop_table("comment_group")
