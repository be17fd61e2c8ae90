"""Tables of issue 8's music rooms and feeds (created by
migrations/versions/0010_music.py; keep the two in step).

A music room's playback state lives in one row per room (`music_rooms`), absent until the
room is first configured or played in: absent means the defaults and nothing playing.
A queue item is also its track (D.61: `track.id` is the item's id), and it stays after
it played, was skipped or removed (`state`), so that statistics and votes keep a subject.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hubbub.server.store.schema import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

music_rooms = Table(
    "music_rooms",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("mode", String(16), nullable=False, server_default="shared"),
    # Share of the room's members whose downvotes skip the current track, in thousandths
    # (integers compare alike on every dialect); 0 = never.
    Column("skip_downvote_permille", Integer, nullable=False, server_default="500"),
    Column("current_item_id", BigInteger, nullable=True),
    Column("started_at", BigInteger, nullable=True),
    # When the current track's duration runs out (ms): the ticker's claim key.
    Column("ends_at", BigInteger, nullable=True),
    Index("ix_music_rooms_ends_at", "ends_at"),
)

queue_items = Table(
    "queue_items",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("source", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("title", String(200), nullable=False),
    Column("artist", String(200), nullable=True),
    Column("duration_s", Integer, nullable=False),
    # Ordering key: the room's FIFO order, and each DJ's own order in rotation mode.
    Column("position", BigInteger, nullable=False),
    # queued | playing | played | skipped | removed
    Column("state", String(16), nullable=False, server_default="queued"),
    Column("created_at", BigInteger, nullable=False),
    Column("played_at", BigInteger, nullable=True),
    Index("ix_queue_items_room_state", "room_id", "state", "position"),
)

# One vote per user per track (D.56): votes on past tracks stay as history.
music_votes = Table(
    "music_votes",
    metadata,
    Column("item_id", BigInteger, ForeignKey("queue_items.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("vote", String(8), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Counters per member of a music room (MU-04); queued and queue_position derive from
# the queue itself.
music_stats = Table(
    "music_stats",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("dubs", Integer, nullable=False, server_default="0"),
    Column("played", Integer, nullable=False, server_default="0"),
    Column("skipped", Integer, nullable=False, server_default="0"),
    # When this DJ's last track started: the rotation serves the longest-waiting DJ.
    Column("last_played_at", BigInteger, nullable=True),
)

# Feeds attached to rooms (RM-14, D.23). The token is stored as its sha256 only.
feeds = Table(
    "feeds",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("url", Text, nullable=True),
    Column("token_hash", String(64), nullable=False),
    Column("creator_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_polled_at", BigInteger, nullable=True),
    Column("deleted_at", BigInteger, nullable=True),
    Index("ix_feeds_room", "room_id"),
)

# Every item a feed posted; `guid` (guid, id or link) de-duplicates polled items.
feed_items = Table(
    "feed_items",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("feed_id", BigInteger, ForeignKey("feeds.id"), nullable=False),
    Column("guid", String(512), nullable=False),
    Column("title", String(300), nullable=False),
    Column("url", Text, nullable=True),
    Column("summary_html", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("feed_id", "guid", name="uq_feed_items_guid"),
)

__all__ = ["feed_items", "feeds", "music_rooms", "music_stats", "music_votes", "queue_items"]
