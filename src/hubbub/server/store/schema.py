"""Table definitions. Migrations in `migrations/` create exactly these; keep them in step.

Times are stored as integer milliseconds since the epoch (UTC): identical on SQLite and
PostgreSQL, cheap to compare, and the envelope's `ts` is already in that unit.
JSON columns are stored as text produced by orjson, so an event's `data` goes from the
database to the wire without a decode/encode round trip.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("handle", String(32), nullable=False),
    # Uniqueness is case-insensitive: "Alice" and "alice" are one handle.
    Column("handle_key", String(32), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("avatar_url", Text, nullable=True),
    Column("password_hash", Text, nullable=True),
    Column("bot", Boolean, nullable=False, default=False),
    Column("owner_id", BigInteger, ForeignKey("users.id"), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    # Global staff (D.105): moderators everywhere; they alone create private rooms.
    Column("is_moderator", Boolean, nullable=False, server_default=false(), default=False),
    # People (migration 0007): profile, chosen presence, flags (D.32), merges, deletion.
    Column("about", Text, nullable=False, server_default="", default=""),
    Column("status_text", String(128), nullable=True),
    # What the user chose: online (automatic) | idle | busy | invisible.
    Column("presence", String(16), nullable=False, server_default="online", default="online"),
    Column("last_seen_at", BigInteger, nullable=True),
    Column("flags", Integer, nullable=False, server_default="0", default=0),
    Column("reputation", Integer, nullable=False, server_default="1", default=1),
    # An account merged into another resolves to it (ID-12).
    Column("merged_into", BigInteger, nullable=True),
    Column("deleted_at", BigInteger, nullable=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False, index=True),
    # sha256 of the bearer token: the token itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(64), nullable=False, default=""),
    Column("created_at", BigInteger, nullable=False),
    Column("last_used_at", BigInteger, nullable=True),
    # Space-separated grants beyond the user's own rights, e.g. "import" (backdating).
    Column("permissions", String(256), nullable=False, server_default="", default=""),
    # Sessions (migration 0007): the client that logged in, and from where (D.41).
    Column("client", String(64), nullable=False, server_default="", default=""),
    Column("ip", String(64), nullable=True),
)

rooms = Table(
    "rooms",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("topic", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False, default="text"),
    Column("access_mode", String(16), nullable=False, default="public"),
    Column("owner_id", BigInteger, ForeignKey("users.id"), nullable=True),
    Column("space_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    # Rooms are soft-deleted: membership rows stay so that resuming clients can still be
    # shown the events up to and including `room.deleted`.
    Column("deleted_at", BigInteger, nullable=True),
    # `/me <text>` posts an action (D.77); when false it is refused.
    Column("allow_actions", Boolean, nullable=False, server_default=true(), default=True),
    # Seconds after posting during which authors may edit; 0 = no limit. Mods are exempt.
    Column("edit_window_s", Integer, nullable=False, server_default="0", default=0),
    # Spaces area (migration 0006).
    Column("tags", Text, nullable=False, server_default="[]", default="[]"),  # JSON list
    # External id (RM-05); `custom_id_key` is its case-folded form, unique.
    Column("custom_id", String(128), nullable=True),
    Column("custom_id_key", String(128), nullable=True),
    Column("allow_entry", Boolean, nullable=False, server_default=true(), default=True),
    Column("is_open", Boolean, nullable=False, server_default=true(), default=True),
    Column("max_reports", Integer, nullable=False, server_default="3", default=3),
    Column("position", Integer, nullable=False, server_default="0", default=0),
    # A DM's two participants as "lo:hi" (migration 0007): opening a DM is idempotent.
    Column("dm_key", String(64), nullable=True),
    # Moderation (migration 0008): mode none | pre | post, the profanity filter, slow
    # mode, the broadcast hold, a freeze until, hiding at the report threshold.
    Column("moderation", String(8), nullable=False, server_default="none", default="none"),
    Column("profanity_filter", Boolean, nullable=False, server_default=true(), default=True),
    Column("throttle_seconds", Integer, nullable=False, server_default="0", default=0),
    Column("delay_message_seconds", Integer, nullable=False, server_default="0", default=0),
    Column("timeout_until", BigInteger, nullable=True),
    Column(
        "hide_on_report_threshold", Boolean, nullable=False, server_default=false(), default=False
    ),
    # Participants of a group are members; the group's owner is `owner_id`.
    Index("ix_rooms_space", "space_id"),
    Index("uq_rooms_custom_id_key", "custom_id_key", unique=True),
    Index("uq_rooms_dm_key", "dm_key", unique=True),
    # The freeze ticker's lookup (rooms whose timeout ran out).
    Index("ix_rooms_timeout_until", "timeout_until"),
)

room_members = Table(
    "room_members",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("role", String(16), nullable=False, default="member"),
    Column("joined_at", BigInteger, nullable=False),
    # Standalone rooms' access level of a plain member: read_write or read_only (AC-01).
    Column("level", String(16), nullable=False, server_default="read_write", default="read_write"),
    # A space room's member: the permission bits their roles and the room's overrides give
    # them, kept current by services.viewers (NULL in standalone rooms: derived from role).
    Column("perms", BigInteger, nullable=True),
    # Last time the member posted or was present here (D.100's pingable users), and
    # whether they muted the room (muted members are never pingable).
    Column("last_active_at", BigInteger, nullable=True),
    Column("muted", Boolean, nullable=False, server_default=false(), default=False),
    Index("ix_room_members_user", "user_id"),
)

messages = Table(
    "messages",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("author_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("type", String(16), nullable=False, default="speech"),
    Column("content", Text, nullable=False),
    Column("content_html", Text, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("reply_to_id", BigInteger, nullable=True),
    Column("nonce", String(64), nullable=True),
    Column("edit_count", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("edited_at", BigInteger, nullable=True),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("deleted_at", BigInteger, nullable=True),
    # Content area (migration 0002): message types, quotes, ads, mentions' parent, edits.
    Column("custom_type", String(64), nullable=True),
    Column("custom_id", String(128), nullable=True),
    Column("custom_payload", Text, nullable=True),  # JSON text
    Column("quote_of", Text, nullable=True),  # JSON snapshot of the quoted message
    Column("ad", Text, nullable=True),  # JSON {message?, img, link, id?}
    Column("parent_id", BigInteger, nullable=True),  # D.11
    Column("edited_by_moderator", Boolean, nullable=False, server_default=false(), default=False),
    # When the server received a backdated (imported) message; NULL = created_at is it.
    Column("received_at", BigInteger, nullable=True),
    # Posted through a webhook (migration 0006): its id and the per-call name/avatar.
    Column("webhook_id", BigInteger, nullable=True),
    Column("author_override", Text, nullable=True),  # JSON {name?, avatar_url?}
    # Moderation (migration 0008): na | pending | approved | rejected (MD-15); the
    # profanity filter's mask and the original for moderators; a shadowbanned author;
    # held until (broadcast delay); reports so far.
    Column("moderation_state", String(16), nullable=False, server_default="na", default="na"),
    Column("censored", Boolean, nullable=False, server_default=false(), default=False),
    Column("original_content", Text, nullable=True),
    Column("shadowbanned", Boolean, nullable=False, server_default=false(), default=False),
    Column("release_at", BigInteger, nullable=True),
    Column("report_count", Integer, nullable=False, server_default="0", default=0),
    Index("ix_messages_room_id", "room_id", "id"),
    Index("ix_messages_room_author", "room_id", "author_id", "id"),  # D.11's lookup, purges
    # A retried send with the same nonce finds the original instead of duplicating it.
    UniqueConstraint("author_id", "nonce", name="uq_messages_author_nonce"),
    # A user's statistics, wipes and merges find their messages without a scan.
    Index("ix_messages_author", "author_id", "id"),
    # The broadcast-delay ticker's lookup (held messages that are due).
    Index("ix_messages_release_at", "release_at"),
)

events = Table(
    "events",
    metadata,
    # Assigned by the log writer, never by the database: commit order must equal seq order.
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("room_id", BigInteger, nullable=True),
    Column("space_id", BigInteger, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("target_user_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("actor", Text, nullable=True),
    Column("data", Text, nullable=False),
    # OBSERVERS events (migration 0007): JSON {"rooms", "spaces", "users"} they fan out to.
    Column("fanout", Text, nullable=True),
    Index("ix_events_room_seq", "room_id", "seq"),
    Index("ix_events_target_seq", "target_user_id", "seq"),
    Index("ix_events_space_seq", "space_id", "seq"),
)

# An OBSERVERS event's fan-out as rows (kind r|s|u, key room|space|user id), so that a
# user's replay finds the events observed through their rooms, spaces and relations.
event_fanout = Table(
    "event_fanout",
    metadata,
    Column("kind", String(1), primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
)

# Small key/value facts about the store, e.g. how far the log has been pruned.
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Each area's tables live in its own module on this one MetaData; importing them here
# makes `metadata` complete for Alembic and the schema parity test.
from hubbub.server.store import (  # noqa: E402
    schema_content,
    schema_lifecycle,
    schema_moderation,
    schema_music,
    schema_people,
    schema_reactions,
    schema_search,
    schema_spaces,
    schema_voice,
)

__all__ = [
    "schema_content",
    "schema_lifecycle",
    "schema_moderation",
    "schema_music",
    "schema_people",
    "schema_reactions",
    "schema_search",
    "schema_spaces",
    "schema_voice",
]
