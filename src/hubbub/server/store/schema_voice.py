"""Tables of issue 8, first half: voice states and scheduled events (see
migrations/versions/0009_voice.py).

A voice state is one row per user (`user_id` is the key): one voice room per user at a
time is a property of the table, not of a check that could race. A scheduled event keeps
`remind_at` (when its reminder is due; NULL: none) and `reminded_at` (when a node claimed
it), so that the reminder ticker on every node sends each reminder once.
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
    false,
)

from hubbub.server.store.schema import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")


def _flag(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, server_default=false(), default=False)


voice_states = Table(
    "voice_states",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("joined_at", BigInteger, nullable=False),
    _flag("self_mute"),
    _flag("self_deaf"),
    _flag("server_mute"),
    _flag("server_deaf"),
    _flag("camera"),
    _flag("screensharing"),
    # The media node the provider assigned (opaque), kept so a reassignment can say so.
    Column("node", String(256), nullable=False, server_default="", default=""),
    Index("ix_voice_states_room", "room_id"),
)

scheduled_events = Table(
    "scheduled_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id"), nullable=False),
    Column("creator_id", BigInteger, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default="", default=""),
    Column("starts_at", BigInteger, nullable=False),
    Column("ends_at", BigInteger, nullable=False),
    Column("reminder_minutes", Integer, nullable=False, server_default="15", default=15),
    Column("remind_at", BigInteger, nullable=True),
    Column("reminded_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=True),
    Index("ix_scheduled_events_room", "room_id", "starts_at"),
    # The reminder ticker's lookup: due and not yet claimed.
    Index("ix_scheduled_events_remind", "reminded_at", "remind_at"),
)

# Who opted in to an event's reminder (RSVP `interested: true`); no row = not interested.
scheduled_event_rsvps = Table(
    "scheduled_event_rsvps",
    metadata,
    Column("event_id", BigInteger, ForeignKey("scheduled_events.id"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_scheduled_event_rsvps_user", "user_id"),
)
