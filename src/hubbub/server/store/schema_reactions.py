"""Tables of issue 3's reactions area: reactions, stars, pins, read states
(created by migrations/versions/0003_reactions.py; keep the two in step).

None of these tables copies a message's room: a message moved to another room takes its
reactions, stars and pin along, and room-scoped reads (starboard, pins) join `messages`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table

from hubbub.server.store.schema import metadata

# The emoji key: one fully-qualified Unicode emoji sequence (at most a few dozen code
# points), or later `c:<id>` for a space's custom emoji, which no Unicode emoji can start
# with; both fit the same column, so custom emoji need no migration of this table.
EMOJI_KEY_LENGTH = 64

reactions = Table(
    "reactions",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("emoji", String(EMOJI_KEY_LENGTH), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

# Who starred what: the broadcast is anonymous, this table is not (`starred_by_you`).
stars = Table(
    "stars",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

# A pin is a boolean per message (D.12): one row while pinned.
pins = Table(
    "pins",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("pinned_by", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("pinned_at", BigInteger, nullable=False),
)

# The last message a user has read in a room, synced across their sessions.
read_states = Table(
    "read_states",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("last_read_message_id", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_read_states_room", "room_id"),
)

__all__ = ["EMOJI_KEY_LENGTH", "pins", "reactions", "read_states", "stars"]
