"""Tables and columns of issue 5: people (see migrations/versions/0007_people.py).

Profiles, presence, flags and merges live on `users`; sessions are `tokens` rows;
relationships keep one row per party holding that party's own view of the pair, so each
side's status is a single-row read; settings are one row per key with its own timestamp
(a partial update touches only its keys); invitations are addressed to one user.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from hubbub.server.store.schema import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

# Each party's own view: friend | outgoing | incoming | blocked | blocked_other.
# A pair with no relationship has no rows ("none" is never stored).
relationships = Table(
    "relationships",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("other_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_relationships_other", "other_id"),
)

# key → JSON text, with the time each key was last written (ST-01).
user_settings = Table(
    "user_settings",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# A room or space invitation addressed to one user (NT-01); `status` pending | accepted |
# declined | revoked.
invitations = Table(
    "invitations",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # room | space
    Column("room_id", BigInteger, nullable=True),
    Column("space_id", BigInteger, nullable=True),
    Column("inviter_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("invitee_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("notification_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("responded_at", BigInteger, nullable=True),
    Index("ix_invitations_invitee", "invitee_id", "status"),
)

# Global notifications broadcast by administrators (NT-03); each user's inbox gets a row.
broadcasts = Table(
    "broadcasts",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("content", Text, nullable=False),
    Column("content_html", Text, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Presence (presence helper): each user's last *logged* effective status as others see it
# (online | idle | busy | offline), so that a transition is logged once even when several
# nodes notice it; `generation` is bumped by every gateway connect, so an offline decision
# taken before a reconnect is recognised as stale inside the job that would apply it.
presence_states = Table(
    "presence_states",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("generation", BigInteger, nullable=False, default=0),
    Column("changed_at", BigInteger, nullable=False),
)
