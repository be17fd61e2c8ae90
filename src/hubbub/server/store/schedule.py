"""Scheduled events in rooms (issue 8) and who opted in to their reminders.

`remind_at` is when the reminder is due (`starts_at - reminder_minutes`; NULL when the
event has none); `reminded_at` is set by the one node that claims it (`claim_txn`), so the
reminder is sent once however many nodes tick.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema_voice import scheduled_event_rsvps, scheduled_events

EDITABLE = ("title", "description", "starts_at", "ends_at", "reminder_minutes")


def wire(
    r: RowMapping | dict[str, Any], count: int, interested: bool | None = None
) -> dict[str, Any]:
    out = {
        "id": int(r["id"]),
        "room_id": int(r["room_id"]),
        "creator_id": int(r["creator_id"]),
        "title": r["title"],
        "description": r["description"],
        "starts_at": iso_ms(int(r["starts_at"])),
        "ends_at": iso_ms(int(r["ends_at"])),
        "reminder_minutes": int(r["reminder_minutes"]),
        "interested_count": count,
        "created_at": iso_ms(int(r["created_at"])),
        "updated_at": None if r["updated_at"] is None else iso_ms(int(r["updated_at"])),
    }
    if interested is not None:
        out["interested"] = interested
    return out


def remind_at(starts_at: int, reminder_minutes: int) -> int | None:
    return None if reminder_minutes <= 0 else starts_at - reminder_minutes * 60_000


def insert_txn(
    conn: Connection,
    *,
    room_id: int,
    creator_id: int,
    title: str,
    description: str,
    starts_at: int,
    ends_at: int,
    reminder_minutes: int,
    now_ms: int,
) -> RowMapping:
    q = (
        insert(scheduled_events)
        .values(
            room_id=room_id,
            creator_id=creator_id,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            reminder_minutes=reminder_minutes,
            remind_at=remind_at(starts_at, reminder_minutes),
            reminded_at=None,
            created_at=now_ms,
            updated_at=None,
        )
        .returning(scheduled_events.c.id)
    )
    new_id = int(conn.execute(q).scalar_one())
    found = get(conn, new_id)
    assert found is not None
    return found


def get(conn: Connection, event_id: int) -> RowMapping | None:
    q = select(scheduled_events).where(scheduled_events.c.id == event_id)
    return conn.execute(q).mappings().first()


def in_room(conn: Connection, room_id: int) -> list[RowMapping]:
    q = (
        select(scheduled_events)
        .where(scheduled_events.c.room_id == room_id)
        .order_by(scheduled_events.c.starts_at, scheduled_events.c.id)
    )
    return list(conn.execute(q).mappings())


def upcoming_in(conn: Connection, room_ids: list[int], ends_after: int) -> list[RowMapping]:
    """The events of these rooms not over by `ends_after` (ms), by start: an agenda."""
    q = (
        select(scheduled_events)
        .where(
            scheduled_events.c.room_id.in_(room_ids),
            scheduled_events.c.ends_at > ends_after,
        )
        .order_by(scheduled_events.c.starts_at, scheduled_events.c.id)
    )
    return list(conn.execute(q).mappings())


def update_txn(conn: Connection, event_id: int, values: dict[str, Any], now_ms: int) -> None:
    conn.execute(
        update(scheduled_events)
        .where(scheduled_events.c.id == event_id)
        .values(**values, updated_at=now_ms)
    )


def delete_txn(conn: Connection, event_id: int) -> None:
    conn.execute(delete(scheduled_event_rsvps).where(scheduled_event_rsvps.c.event_id == event_id))
    conn.execute(delete(scheduled_events).where(scheduled_events.c.id == event_id))


# -- RSVPs ------------------------------------------------------------------------------


def counts(conn: Connection, event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    c = scheduled_event_rsvps.c
    q = select(c.event_id, func.count()).where(c.event_id.in_(event_ids)).group_by(c.event_id)
    return {int(e): int(n) for e, n in conn.execute(q)}


def interested_in(conn: Connection, user_id: int, event_ids: list[int]) -> set[int]:
    if not event_ids:
        return set()
    c = scheduled_event_rsvps.c
    q = select(c.event_id).where(c.user_id == user_id, c.event_id.in_(event_ids))
    return {int(e) for e in conn.execute(q).scalars()}


def interested_ids(conn: Connection, event_id: int) -> list[int]:
    c = scheduled_event_rsvps.c
    q = select(c.user_id).where(c.event_id == event_id).order_by(c.user_id)
    return [int(u) for u in conn.execute(q).scalars()]


def set_rsvp_txn(
    conn: Connection, event_id: int, user_id: int, interested: bool, now_ms: int
) -> bool:
    """Opt in or out; False when it was so already."""
    c = scheduled_event_rsvps.c
    if not interested:
        done = conn.execute(
            delete(scheduled_event_rsvps).where(c.event_id == event_id, c.user_id == user_id)
        )
        return bool(done.rowcount)
    if interested_in(conn, user_id, [event_id]):
        return False
    conn.execute(
        insert(scheduled_event_rsvps).values(event_id=event_id, user_id=user_id, created_at=now_ms)
    )
    return True


# -- reminders --------------------------------------------------------------------------


def due(conn: Connection, now_ms: int, limit: int = 100) -> list[RowMapping]:
    """Events whose reminder is due, not yet claimed, and not over."""
    c = scheduled_events.c
    q = (
        select(scheduled_events)
        .where(c.reminded_at.is_(None), c.remind_at.is_not(None), c.remind_at <= now_ms)
        .where(c.ends_at > now_ms)
        .order_by(c.remind_at)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())


def claim_txn(conn: Connection, event_id: int, now_ms: int) -> bool:
    """Claim the event's reminder; False if another node (or an earlier tick) did."""
    c = scheduled_events.c
    q = (
        update(scheduled_events)
        .where(c.id == event_id, c.reminded_at.is_(None))
        .values(reminded_at=now_ms)
    )
    return conn.execute(q).rowcount == 1
