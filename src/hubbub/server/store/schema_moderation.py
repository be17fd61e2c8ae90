"""Tables and columns of issue 6: moderation (see migrations/versions/0008_moderation.py).

Sanctions (room bans, suspensions, shadowbans) are rows with an optional expiry and a
`lifted_at`/`cleared_at`, never deleted: the history is the audit trail, and "is X banned
now" is one indexed lookup for a row that is neither lifted nor expired. Reports are one
per reporter and target; flags one per flagger and message.
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

# One model for S0's kick-mute, S3's bounce and S2's timed ban (EVENTS.md summary 8).
room_bans = Table(
    "room_bans",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # kick_mute | bounce | ban
    Column("reason", Text, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=True),  # NULL: until lifted
    Column("lifted_at", BigInteger, nullable=True),
    Column("lift_reason", String(16), nullable=True),  # lifted | expired
    Index("ix_room_bans_room_user", "room_id", "user_id"),
    Index("ix_room_bans_expiry", "lifted_at", "expires_at"),
)

# Platform suspensions (MD-11): read but not write, until expires_at or cleared.
suspensions = Table(
    "suspensions",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("reason", Text, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("cleared_at", BigInteger, nullable=True),
    Index("ix_suspensions_user", "user_id", "cleared_at"),
    Index("ix_suspensions_expiry", "cleared_at", "expires_at"),
)

# Shadowbans (MD-12, D.70): global when room_id is NULL.
shadowbans = Table(
    "shadowbans",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("room_id", BigInteger, nullable=True),
    Column("reason", Text, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=True),
    Column("lifted_at", BigInteger, nullable=True),
    Index("ix_shadowbans_user", "user_id", "lifted_at"),
)

# Reports (MD-04, D.66) on a message, user, room or space.
reports = Table(
    "reports",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("target_type", String(8), nullable=False),  # message | user | room | space
    Column("target_id", BigInteger, nullable=False),
    Column("room_id", BigInteger, nullable=True),
    Column("space_id", BigInteger, nullable=True),
    Column("reporter_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("detail", Text, nullable=True),
    Column("status", String(16), nullable=False),  # created | rejected | resolved
    Column("created_at", BigInteger, nullable=False),
    Column("resolved_at", BigInteger, nullable=True),
    Column("resolver_id", BigInteger, nullable=True),
    # reports helper: the moderator's note when resolving or rejecting.
    Column("resolution_note", Text, nullable=True),
    UniqueConstraint("reporter_id", "target_type", "target_id", name="uq_reports_once"),
    Index("ix_reports_target", "target_type", "target_id"),
    Index("ix_reports_room_status", "room_id", "status"),
)

# Flags (MD-05): spam | offensive (TRUSTED) and mod_attention (MODS); the flagger is
# never shown.
flags = Table(
    "flags",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Profanity word lists (MD-06, D.84): room_id 0 is the server-wide list added to the
# bundled one; a room's list adds to both.
word_lists = Table(
    "word_lists",
    metadata,
    Column("room_id", BigInteger, primary_key=True),
    Column("words", Text, nullable=False),  # JSON list of lower-case words
    Column("updated_at", BigInteger, nullable=False),
)

# The moderation queue (MD-02, MD-03; pipeline helper): one row per message waiting for a
# moderator, from pre-moderation or from the report threshold; removed when resolved.
moderation_queue = Table(
    "moderation_queue",
    metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id"), primary_key=True),
    Column("room_id", BigInteger, nullable=False),
    Column("reason", String(24), nullable=False),  # pre_moderation | report_threshold
    Column("report_count", Integer, nullable=False, default=0),
    Column("queued_at", BigInteger, nullable=False),
    Index("ix_moderation_queue_room", "room_id", "message_id"),
)
