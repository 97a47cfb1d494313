"""zalo_inbox.chat_id, so a chat's later events wait behind an earlier one across workers;
an index for the tally of stances on the whole document

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-09 06:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _chat_of(raw: str) -> str:
    """The chat of a kept event, as bot/channels/zalo reads it; "" when it cannot be read."""
    try:
        event = json.loads(raw)
    except ValueError:
        return ""
    message = event.get("message") if isinstance(event, dict) else None
    chat = message.get("chat") if isinstance(message, dict) else None
    value = chat.get("id") if isinstance(chat, dict) else None
    return str(value)[:64] if isinstance(value, str | int) and not isinstance(value, bool) else ""


def upgrade() -> None:
    op.add_column("zalo_inbox", sa.Column("chat_id", sa.String(length=64), nullable=False,
                                          server_default=""))
    connection = op.get_bind()
    inbox = sa.table("zalo_inbox", sa.column("id", sa.Integer), sa.column("raw", sa.Text),
                     sa.column("chat_id", sa.String))
    # Events still kept from before: few (the inbox is drained as it fills).
    for id_, raw in connection.execute(sa.select(inbox.c.id, inbox.c.raw)).all():
        if chat := _chat_of(raw):
            connection.execute(sa.update(inbox).where(inbox.c.id == id_).values(chat_id=chat))
    op.create_index("ix_zalo_inbox_chat", "zalo_inbox", ["chat_id", "id"])
    op.create_index("ix_document_stance_consultation_cell", "document_stance",
                    ["consultation_id", "cell_id"])


def downgrade() -> None:
    op.drop_index("ix_document_stance_consultation_cell", table_name="document_stance")
    op.drop_index("ix_zalo_inbox_chat", table_name="zalo_inbox")
    with op.batch_alter_table("zalo_inbox") as batch:
        batch.drop_column("chat_id")
