"""Issue 8: music rooms (queue, playback, votes, member statistics) and feeds.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def upgrade() -> None:
    op.create_table(
        "music_rooms",
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), primary_key=True),
        sa.Column("mode", sa.String(16), nullable=False, server_default="shared"),
        sa.Column("skip_downvote_permille", sa.Integer, nullable=False, server_default="500"),
        sa.Column("current_item_id", sa.BigInteger, nullable=True),
        sa.Column("started_at", sa.BigInteger, nullable=True),
        sa.Column("ends_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_music_rooms_ends_at", "music_rooms", ["ends_at"])
    op.create_table(
        "queue_items",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("user_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("artist", sa.String(200), nullable=True),
        sa.Column("duration_s", sa.Integer, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("played_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_queue_items_room_state", "queue_items", ["room_id", "state", "position"])
    op.create_table(
        "music_votes",
        sa.Column("item_id", sa.BigInteger, _fk("queue_items"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("vote", sa.String(8), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "music_stats",
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), primary_key=True),
        sa.Column("user_id", sa.BigInteger, _fk("users"), primary_key=True),
        sa.Column("dubs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("played", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_played_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "feeds",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, _fk("rooms"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("creator_id", sa.BigInteger, _fk("users"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("last_polled_at", sa.BigInteger, nullable=True),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_feeds_room", "feeds", ["room_id"])
    op.create_table(
        "feed_items",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("feed_id", sa.BigInteger, _fk("feeds"), nullable=False),
        sa.Column("guid", sa.String(512), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("summary_html", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("feed_id", "guid", name="uq_feed_items_guid"),
    )


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_room", "feeds")
    op.drop_table("feeds")
    op.drop_table("music_stats")
    op.drop_table("music_votes")
    op.drop_index("ix_queue_items_room_state", "queue_items")
    op.drop_table("queue_items")
    op.drop_index("ix_music_rooms_ends_at", "music_rooms")
    op.drop_table("music_rooms")
