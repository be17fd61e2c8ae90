"""Issue 6: moderation. Room moderation settings; per-message moderation state,
censoring, shadowban marking, broadcast hold and report count; room bans, suspensions,
shadowbans, reports, flags and profanity word lists.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def _room_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("moderation", sa.String(8), nullable=False, server_default="none"),
        sa.Column("profanity_filter", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("throttle_seconds", sa.Integer, nullable=False, server_default="0"),
        sa.Column("delay_message_seconds", sa.Integer, nullable=False, server_default="0"),
        sa.Column(
            "hide_on_report_threshold", sa.Boolean, nullable=False, server_default=sa.false()
        ),
        sa.Column("timeout_until", sa.BigInteger, nullable=True),
    ]


def _message_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("moderation_state", sa.String(16), nullable=False, server_default="na"),
        sa.Column("censored", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("shadowbanned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("report_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("original_content", sa.Text, nullable=True),
        sa.Column("release_at", sa.BigInteger, nullable=True),
    ]


def upgrade() -> None:
    for column in _room_columns():
        op.add_column("rooms", column)
    for column in _message_columns():
        op.add_column("messages", column)
    # The tickers' lookups: freezes that ran out, held messages due, suspensions expired.
    op.create_index("ix_rooms_timeout_until", "rooms", ["timeout_until"])
    op.create_index("ix_messages_release_at", "messages", ["release_at"])
    op.create_table(
        "room_bans",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("user_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=True),
        sa.Column("lifted_at", sa.BigInteger, nullable=True),
        sa.Column("lift_reason", sa.String(16), nullable=True),
    )
    op.create_index("ix_room_bans_room_user", "room_bans", ["room_id", "user_id"])
    op.create_index("ix_room_bans_expiry", "room_bans", ["lifted_at", "expires_at"])
    op.create_table(
        "suspensions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("cleared_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_suspensions_user", "suspensions", ["user_id", "cleared_at"])
    op.create_index("ix_suspensions_expiry", "suspensions", ["cleared_at", "expires_at"])
    op.create_table(
        "shadowbans",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("room_id", sa.BigInteger, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=True),
        sa.Column("lifted_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_shadowbans_user", "shadowbans", ["user_id", "lifted_at"])
    op.create_table(
        "reports",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("target_type", sa.String(8), nullable=False),
        sa.Column("target_id", sa.BigInteger, nullable=False),
        sa.Column("room_id", sa.BigInteger, nullable=True),
        sa.Column("space_id", sa.BigInteger, nullable=True),
        sa.Column("reporter_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("resolved_at", sa.BigInteger, nullable=True),
        sa.Column("resolver_id", sa.BigInteger, nullable=True),
        # reports helper: the moderator's note when resolving or rejecting.
        sa.Column("resolution_note", sa.Text, nullable=True),
        sa.UniqueConstraint("reporter_id", "target_type", "target_id", name="uq_reports_once"),
    )
    op.create_index("ix_reports_target", "reports", ["target_type", "target_id"])
    op.create_index("ix_reports_room_status", "reports", ["room_id", "status"])
    op.create_table(
        "flags",
        sa.Column("message_id", sa.BigInteger, _fk("messages"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "word_lists",
        sa.Column("room_id", sa.BigInteger, primary_key=True),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    # The moderation queue (pipeline helper).
    op.create_table(
        "moderation_queue",
        sa.Column("message_id", sa.BigInteger, _fk("messages"), primary_key=True),
        sa.Column("room_id", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("report_count", sa.Integer, nullable=False),
        sa.Column("queued_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_moderation_queue_room", "moderation_queue", ["room_id", "message_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_release_at", "messages")
    op.drop_index("ix_rooms_timeout_until", "rooms")
    op.drop_table("moderation_queue")  # pipeline helper
    for table in ("word_lists", "flags", "reports", "shadowbans", "suspensions", "room_bans"):
        op.drop_table(table)
    with op.batch_alter_table("messages") as batch:
        for column in _message_columns():
            batch.drop_column(column.name)
    with op.batch_alter_table("rooms") as batch:
        for column in _room_columns():
            batch.drop_column(column.name)
