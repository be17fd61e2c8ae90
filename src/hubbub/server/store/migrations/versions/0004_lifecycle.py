"""Issue 3, lifecycle: embeds appended to messages, attachments (uploads).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "embeds",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_by", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("nonce", sa.String(64), nullable=True),
    )
    op.create_index("ix_embeds_message", "embeds", ["message_id", "position"])
    op.create_table(
        "attachments",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("uploader_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("uploader_id", "nonce", name="uq_attachments_uploader_nonce"),
    )
    op.create_index("ix_attachments_message", "attachments", ["message_id"])
    op.create_index("ix_attachments_unattached", "attachments", ["message_id", "created_at"])


def downgrade() -> None:
    op.drop_table("attachments")
    op.drop_table("embeds")
