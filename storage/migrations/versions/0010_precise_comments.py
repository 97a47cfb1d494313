"""precise comments: passages on comment parts, pages sent, wording proposals, stances

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultation") as batch:
        batch.add_column(
            sa.Column("stance_enabled", sa.Boolean(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("stance_labels", sa.JSON(), nullable=True))
    with op.batch_alter_table("comment") as batch:
        batch.add_column(sa.Column("passages", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("paragraphs", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("proposals", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("comment_part") as batch:
        batch.add_column(sa.Column("passage", sa.Text(), nullable=True))
        batch.add_column(sa.Column("paragraph", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("page", sa.Integer(), nullable=True))
    op.create_table(
        "sent_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], ondelete="CASCADE",
                                name=op.f("fk_sent_page_section_id_section")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_page")),
        sa.UniqueConstraint("channel", "chat_id", "message_id",
                            name=op.f("uq_sent_page_channel_chat_id_message_id")),
    )
    op.create_table(
        "wording_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("paragraph", sa.Integer(), nullable=True),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE",
                                name=op.f("fk_wording_proposal_consultation_id_consultation")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], ondelete="CASCADE",
                                name=op.f("fk_wording_proposal_section_id_section")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_wording_proposal_member_id_member")),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"],
                                name=op.f("fk_wording_proposal_cell_id_cell")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_proposal")),
    )
    op.create_index("ix_wording_proposal_member_section", "wording_proposal",
                    ["member_id", "section_id"])
    op.create_table(
        "document_stance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE",
                                name=op.f("fk_document_stance_consultation_id_consultation")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_document_stance_member_id_member")),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"],
                                name=op.f("fk_document_stance_cell_id_cell")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_stance")),
        sa.UniqueConstraint("member_id", "consultation_id",
                            name=op.f("uq_document_stance_member_id_consultation_id")),
    )


def downgrade() -> None:
    op.drop_table("document_stance")
    op.drop_index("ix_wording_proposal_member_section", table_name="wording_proposal")
    op.drop_table("wording_proposal")
    op.drop_table("sent_page")
    with op.batch_alter_table("comment_part") as batch:
        batch.drop_column("page")
        batch.drop_column("paragraph")
        batch.drop_column("passage")
    with op.batch_alter_table("comment") as batch:
        batch.drop_column("proposals")
        batch.drop_column("paragraphs")
        batch.drop_column("passages")
    with op.batch_alter_table("consultation") as batch:
        batch.drop_column("stance_labels")
        batch.drop_column("stance_enabled")
