"""Reads for anonymous read-only clients (ID-03): the public rooms they may follow and those
rooms' room-addressed events."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, and_, select

from hubbub.server.events import Audience, LogEvent
from hubbub.server.store.eventlog import _COLS, ROOM_AUDIENCES
from hubbub.server.store.schema import events, rooms

# What an anonymous reader receives of a followed room: its room-addressed events, and
# the everyone-addressed ones about it (a directory room's room.updated, room.deleted).
ANONYMOUS_AUDIENCES = tuple(a.value for a in (*ROOM_AUDIENCES, Audience.GLOBAL))

_LISTED = and_(
    rooms.c.space_id.is_(None),
    rooms.c.access_mode.in_(("public", "gallery")),
    rooms.c.kind.not_in(("dm", "group")),
    rooms.c.deleted_at.is_(None),
)


def listed_room_ids(conn: Connection, wanted: Collection[int] | None, limit: int) -> list[int]:
    """The live directory rooms (standalone, public or gallery) among `wanted`, or the first
    `limit` of all of them, by id."""
    q = select(rooms.c.id).where(_LISTED)
    if wanted is not None:
        if not wanted:
            return []
        q = q.where(rooms.c.id.in_(list(wanted)))
    q = q.order_by(rooms.c.id).limit(limit)
    return [int(r) for r in conn.execute(q).scalars()]


def room_events(
    conn: Connection, room_ids: Collection[int], *, cursor: int, upto: int, limit: int
) -> list[LogEvent]:
    """Events after `cursor` (up to `upto`, at most `limit`) addressed to the rooms' readers
    or to everyone, in those rooms, in order."""
    if not room_ids:
        return []
    q = (
        select(*_COLS)
        .where(
            events.c.seq > cursor,
            events.c.seq <= upto,
            events.c.room_id.in_(list(room_ids)),
            events.c.audience.in_(ANONYMOUS_AUDIENCES),
        )
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [LogEvent.from_row(**r) for r in conn.execute(q).mappings()]
