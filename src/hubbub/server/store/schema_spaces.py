"""Tables of issue 4: spaces, roles and permissions, invites, bans, emojis, webhooks, the
audit log and access requests (see migrations/versions/0006_spaces.py).

Space rooms keep one `room_members` row per member who can *see* the room: membership
there is materialised visibility, recomputed whenever a permission changes
(services.viewers), so every room read and the gateway's fan-out stay one indexed lookup.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from hubbub.server.store.schema import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

spaces = Table(
    "spaces",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("icon_url", Text, nullable=True),
    Column("owner_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("system_room_id", BigInteger, nullable=True),
    Column("flags", Integer, nullable=False, default=0),
    # The `@everyone` role's bits: what every member holds before roles and overrides.
    Column("default_permissions", BigInteger, nullable=False),
    # Open spaces can be joined by anyone; closed ones only with an invite code.
    Column("open", Boolean, nullable=False, default=False),
    # JSON list [{id, name, room_ids}] in display order (stoat's model: one document).
    Column("categories", Text, nullable=False, default="[]"),
    Column("created_at", BigInteger, nullable=False),
    Column("deleted_at", BigInteger, nullable=True),
)

space_members = Table(
    "space_members",
    metadata,
    Column("space_id", BigInteger, ForeignKey("spaces.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("nickname", String(64), nullable=True),
    Column("avatar_url", Text, nullable=True),
    Column("joined_at", BigInteger, nullable=False),
    Index("ix_space_members_user", "user_id"),
)

roles = Table(
    "roles",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("space_id", BigInteger, ForeignKey("spaces.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("permissions", BigInteger, nullable=False, default=0),
    Column("colour", String(32), nullable=True),
    Column("hoist", Boolean, nullable=False, default=False),
    # 0 is the highest rank; ranks of a space's roles are always 0..n-1.
    Column("rank", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_roles_space", "space_id", "rank"),
)

space_member_roles = Table(
    "space_member_roles",
    metadata,
    Column("space_id", BigInteger, ForeignKey("spaces.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("role_id", BigInteger, ForeignKey("roles.id"), primary_key=True),
    Index("ix_space_member_roles_role", "role_id"),
)

# Per-room permission overrides: target_type `everyone` (target_id 0), `role` or `member`.
room_overrides = Table(
    "room_overrides",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("target_type", String(8), primary_key=True),
    Column("target_id", BigInteger, primary_key=True),
    Column("allow", BigInteger, nullable=False, default=0),
    Column("deny", BigInteger, nullable=False, default=0),
)

space_bans = Table(
    "space_bans",
    metadata,
    Column("space_id", BigInteger, ForeignKey("spaces.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("reason", Text, nullable=True),
    Column("actor_id", BigInteger, ForeignKey("users.id"), nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

invites = Table(
    "invites",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("space_id", BigInteger, ForeignKey("spaces.id"), nullable=False),
    Column("creator_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=True),
    Column("max_uses", Integer, nullable=True),  # None: unlimited
    Column("uses", Integer, nullable=False, default=0),
    Column("revoked_at", BigInteger, nullable=True),
    Index("ix_invites_space", "space_id"),
)

emojis = Table(
    "emojis",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("space_id", BigInteger, ForeignKey("spaces.id"), nullable=False),
    Column("name", String(32), nullable=False),
    Column("creator_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("animated", Boolean, nullable=False, default=False),
    Column("content_type", String(127), nullable=False),
    Column("storage_key", String(255), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("deleted_at", BigInteger, nullable=True),
    Index("ix_emojis_space", "space_id", "name"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    # The bot user messages posted through the webhook are authored by.
    Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("avatar_url", Text, nullable=True),
    Column("creator_id", BigInteger, ForeignKey("users.id"), nullable=False),
    # sha256 of the secret token: shown once at creation, never stored.
    Column("token_hash", String(64), nullable=False),
    Column("permissions", BigInteger, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("deleted_at", BigInteger, nullable=True),
    Index("ix_webhooks_room", "room_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("scope", String(8), nullable=False),  # room | space
    Column("scope_id", BigInteger, nullable=False),
    Column("space_id", BigInteger, nullable=True),
    Column("room_id", BigInteger, nullable=True),
    Column("action", String(48), nullable=False),
    Column("actor_id", BigInteger, nullable=True),
    Column("target_type", String(16), nullable=True),
    Column("target_id", BigInteger, nullable=True),
    Column("before", Text, nullable=True),  # JSON
    Column("after", Text, nullable=True),  # JSON
    Column("reason", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_audit_scope", "scope", "scope_id", "id"),
)

# Pending requests for write access to gallery rooms (AC-02).
access_requests = Table(
    "access_requests",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)
