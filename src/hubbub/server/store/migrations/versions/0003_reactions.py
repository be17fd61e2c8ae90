"""Issue 3, reactions, stars, pins, read state.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reactions",
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("emoji", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "stars",
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "pins",
        sa.Column("message_id", sa.BigInteger, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("pinned_by", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("pinned_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "read_states",
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("room_id", sa.BigInteger, sa.ForeignKey("rooms.id"), primary_key=True),
        sa.Column("last_read_message_id", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_read_states_room", "read_states", ["room_id"])


def downgrade() -> None:
    op.drop_table("read_states")
    op.drop_table("pins")
    op.drop_table("stars")
    op.drop_table("reactions")
