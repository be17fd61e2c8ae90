"""Issue 3, message types, mentions, notifications.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentions",
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("room_id", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_mentions_user_room", "mentions", ["user_id", "room_id", "message_id"])


def downgrade() -> None:
    op.drop_table("mentions")
