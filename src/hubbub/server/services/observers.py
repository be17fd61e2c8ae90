"""OBSERVERS: everyone who can see a user (EVENTS.md C.1) — whoever shares a room, a
space, a DM or group (rooms too) or a relationship with them, plus the user.

The fan-out is computed inside the transaction that emits the event and stored with it,
so live delivery, resume and long-poll judge the event against the same sets (see
services.visibility)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.server.events import Fanout, LogEvent, observers_event
from hubbub.server.store import observers as store


def fanout_txn(conn: Connection, user_id: int) -> Fanout:
    return Fanout(
        rooms=frozenset(store.standalone_room_ids(conn, user_id)),
        spaces=frozenset(store.space_ids(conn, user_id)),
        users=frozenset(store.related_ids(conn, user_id)),
    )


def event_txn(
    conn: Connection,
    type_: str,
    user_id: int,
    actor: dict[str, Any] | None,
    data: dict[str, Any],
    *,
    also: Fanout | None = None,
) -> LogEvent:
    """An OBSERVERS event about `user_id`, fanned out to their observers as of now (and to
    `also`'s, e.g. the other account of a merge)."""
    fan = fanout_txn(conn, user_id)
    if also is not None:
        fan = Fanout(fan.rooms | also.rooms, fan.spaces | also.spaces, fan.users | also.users)
    return observers_event(type_, user_id, actor, data, fan)
