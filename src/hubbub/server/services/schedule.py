"""Scheduled events in rooms (issue 8): create, update, delete, list, RSVP, and reminders
as `notification.created` kind `scheduled_event` (EVENTS.md #70).

- Who: the room's owners and moderators (`manage_room`, or any moderation bit; global
  staff) create, edit and delete; whoever can see the room reads; its members RSVP
  (`interested: true` opts in to the reminder, `false` out).
- Fields: `title` (1–200 characters), `description` (plain text, ≤ 2000; clients render
  it as text, never as HTML), `starts_at` (not in the past), `ends_at` (after
  `starts_at`), `reminder_minutes` (0–10080 before the start, default 15; 0: none).
- Events, to the ROOM: `scheduled_event.created {room_id, event}`,
  `scheduled_event.updated {room_id, event_id, changes, cleared}` (RSVP counts too:
  `changes.interested_count`), `scheduled_event.deleted {room_id, event_id}`. These wire
  names are new (not in EVENTS.md C.2); docs/voice.md lists them.
- Reminders: `remind_due(core)` (the app's ticker every second; tests call it after
  moving the injected clock) claims each due reminder with a guarded update of
  `reminded_at`, so one node sends it, once, to each opted-in user who is still a member
  of the room. Moving the start (or the lead) re-arms a reminder that has not yet come due.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import (
    Forbidden,
    HubbubError,
    NotFound,
    ValidationError,
    bounded_text,
)
from hubbub.server.events import LogEvent, room_event
from hubbub.server.services import notifications, viewers
from hubbub.server.services.access import RoomAccess, room_access, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import schedule as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

__all__ = [
    "create",
    "delete",
    "get",
    "list_events",
    "list_space_events",
    "remind_due",
    "rsvp",
    "update",
]

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_REMINDER_MINUTES = 7 * 24 * 60
DEFAULT_REMINDER_MINUTES = 15
REMIND_BATCH = 100


# -- checks ----------------------------------------------------------------------------


def _title(value: Any) -> str:
    return bounded_text(value, "title", MAX_TITLE, required=True)


def _description(value: Any) -> str:
    return "" if value is None else bounded_text(value, "description", MAX_DESCRIPTION)


def _time(field: str, value: Any) -> int:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be an ISO 8601 time", code="invalid_time")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{field} must be an ISO 8601 time", code="invalid_time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _reminder(value: Any) -> int:
    if value is None:
        return DEFAULT_REMINDER_MINUTES
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("reminder_minutes must be an integer", code="invalid_reminder")
    if not 0 <= value <= MAX_REMINDER_MINUTES:
        raise ValidationError(
            f"reminder_minutes must be 0–{MAX_REMINDER_MINUTES}",
            code="invalid_reminder",
            details={"max": MAX_REMINDER_MINUTES},
        )
    return value


def _timing(starts_at: int, ends_at: int, now_ms: int) -> None:
    if ends_at <= starts_at:
        raise ValidationError("ends_at must be after starts_at", code="invalid_time_range")
    if starts_at < now_ms:
        raise ValidationError("starts_at must not be in the past", code="starts_in_past")


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The given fields, checked one by one (the times' order needs the stored ones)."""
    unknown = sorted(set(fields) - set(store.EDITABLE))
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(unknown)}", code="validation_failed")
    out: dict[str, Any] = {}
    if "title" in fields:
        out["title"] = _title(fields["title"])
    if "description" in fields:
        out["description"] = _description(fields["description"])
    for key in ("starts_at", "ends_at"):
        if key in fields:
            out[key] = _time(key, fields[key])
    if "reminder_minutes" in fields:
        out["reminder_minutes"] = _reminder(fields["reminder_minutes"])
    return out


def _manager(access: RoomAccess) -> None:
    if not (access.moderator or access.role == "owner"):
        raise Forbidden(
            "only the room's owners and moderators can schedule events here",
            code="not_moderator",
        )


def _event_row(conn: Connection, ctx: Ctx, event_id: int) -> tuple[RowMapping, RoomAccess]:
    """The event and the caller's access to its room; NotFound if they cannot see it."""
    row = store.get(conn, event_id)
    missing = NotFound(f"scheduled event {event_id} not found", code="scheduled_event_not_found")
    if row is None:
        raise missing
    try:
        access = room_access(conn, ctx.user, int(row["room_id"]))
    except NotFound:
        raise missing from None
    if access.room.deleted_at is not None:
        raise missing
    return row, access


def _wire(conn: Connection, row: RowMapping, user_id: int | None) -> dict[str, Any]:
    eid = int(row["id"])
    count = store.counts(conn, [eid]).get(eid, 0)
    mine = None if user_id is None else bool(store.interested_in(conn, user_id, [eid]))
    return store.wire(row, count, mine)


def _wire_all(conn: Connection, rows: list[RowMapping], user_id: int) -> list[dict[str, Any]]:
    """Several events as `user_id` sees them, with two queries for all of them."""
    ids = [int(r["id"]) for r in rows]
    counts = store.counts(conn, ids)
    mine = store.interested_in(conn, user_id, ids)
    return [store.wire(r, counts.get(int(r["id"]), 0), int(r["id"]) in mine) for r in rows]


def _event(
    type_: str, room: RoomRow, actor: dict[str, Any] | None, data: dict[str, Any]
) -> LogEvent:
    return room_event(type_, room.id, actor, data, space_id=room.space_id)


# -- use cases -------------------------------------------------------------------------


async def create(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    for key in ("title", "starts_at", "ends_at"):
        if key not in fields:
            raise ValidationError(f"{key} is required", code="validation_failed")
    values = _clean(fields)

    def job(tx: Tx) -> dict[str, Any]:
        access = room_access(tx.conn, ctx.user, room_id)
        _manager(access)
        _timing(values["starts_at"], values["ends_at"], tx.now_ms)
        row = store.insert_txn(
            tx.conn,
            room_id=room_id,
            creator_id=ctx.user_id,
            title=values["title"],
            description=values.get("description", ""),
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            reminder_minutes=values.get("reminder_minutes", DEFAULT_REMINDER_MINUTES),
            now_ms=tx.now_ms,
        )
        wire = store.wire(row, 0)
        tx.emit(
            _event("scheduled_event.created", access.room, ctx.user.snapshot(), {"event": wire})
        )
        return {**wire, "interested": False}

    return await core.log.run(job)


async def get(core: Core, ctx: Ctx, event_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        row, _access = _event_row(conn, ctx, event_id)
        return _wire(conn, row, ctx.user_id)

    return await core.db.read(read)


async def list_events(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        room_access(conn, ctx.user, room_id)
        return _wire_all(conn, store.in_room(conn, room_id), ctx.user_id)

    return await core.db.read(read)


async def list_space_events(core: Core, ctx: Ctx, space_id: int) -> list[dict[str, Any]]:
    """The events not yet over in every room of the space the caller can see, by start:
    what a client shows as the space's agenda (each event names its `room_id`)."""
    now = core.clock.now_ms()

    def read(conn: Connection) -> list[dict[str, Any]]:
        space = space_access(conn, ctx.user, space_id).space
        visible = [int(r["id"]) for r in viewers.visible_rooms(conn, space, ctx.user_id)]
        return _wire_all(conn, store.upcoming_in(conn, visible, now), ctx.user_id)

    return await core.db.read(read)


async def update(core: Core, ctx: Ctx, event_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    values = _clean(fields)

    def job(tx: Tx) -> dict[str, Any]:
        row, access = _event_row(tx.conn, ctx, event_id)
        _manager(access)
        merged = {**{k: row[k] for k in store.EDITABLE}, **values}
        changed = {k: v for k, v in values.items() if row[k] != v}
        if not changed:
            return _wire(tx.conn, row, ctx.user_id)
        if "starts_at" in changed or "ends_at" in changed:
            _timing(merged["starts_at"], merged["ends_at"], tx.now_ms)
        stored = dict(changed)
        if "starts_at" in changed or "reminder_minutes" in changed:
            due = store.remind_at(merged["starts_at"], merged["reminder_minutes"])
            stored["remind_at"] = due
            if due is None or due > tx.now_ms:  # re-armed: it comes due again later
                stored["reminded_at"] = None
        store.update_txn(tx.conn, event_id, stored, tx.now_ms)
        fresh = store.get(tx.conn, event_id)
        assert fresh is not None
        after = store.wire(fresh, 0)
        changes = {k: after[k] for k in changed}
        changes["updated_at"] = after["updated_at"]
        data = {"event_id": event_id, "changes": changes, "cleared": []}
        tx.emit(_event("scheduled_event.updated", access.room, ctx.user.snapshot(), data))
        return _wire(tx.conn, fresh, ctx.user_id)

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, event_id: int) -> None:
    def job(tx: Tx) -> None:
        _row, access = _event_row(tx.conn, ctx, event_id)
        _manager(access)
        store.delete_txn(tx.conn, event_id)
        data = {"event_id": event_id}
        tx.emit(_event("scheduled_event.deleted", access.room, ctx.user.snapshot(), data))

    await core.log.run(job)


async def rsvp(core: Core, ctx: Ctx, event_id: int, interested: Any) -> dict[str, Any]:
    """Opt in to (or out of) the event's reminder; the event with `interested`."""
    if not isinstance(interested, bool):
        raise ValidationError("interested must be true or false", code="invalid_rsvp")

    def job(tx: Tx) -> dict[str, Any]:
        row, access = _event_row(tx.conn, ctx, event_id)
        access.require_member()
        if store.set_rsvp_txn(tx.conn, event_id, ctx.user_id, interested, tx.now_ms):
            count = store.counts(tx.conn, [event_id]).get(event_id, 0)
            data = {"event_id": event_id, "changes": {"interested_count": count}, "cleared": []}
            tx.emit(_event("scheduled_event.updated", access.room, ctx.user.snapshot(), data))
        return _wire(tx.conn, row, ctx.user_id)

    return await core.log.run(job)


# -- reminders -------------------------------------------------------------------------


def _remind_job(event_id: int) -> Any:
    def job(tx: Tx) -> int:
        conn = tx.conn
        if not store.claim_txn(conn, event_id, tx.now_ms):
            return 0  # another node (or tick) sent it
        row = store.get(conn, event_id)
        room = None if row is None else rooms_store.get_room(conn, int(row["room_id"]))
        if row is None or room is None or room.deleted_at is not None:
            return 0
        title = str(row["title"])
        starts = store.wire(row, 0)["starts_at"]
        data = {"event_id": event_id, "title": title, "starts_at": starts}
        text = f"{title} starts at {starts}"
        sent = 0
        for user_id in store.interested_ids(conn, event_id):
            if rooms_store.member_role(conn, room.id, user_id) is None:
                continue  # left or lost the room since opting in
            notifications.notify_txn(
                tx,
                user_id=user_id,
                kind="scheduled_event",
                actor=None,
                content_html=_html(text),
                content_text=text,
                data=data,
                room=room,
            )
            sent += 1
        return sent

    return job


def _html(text: str) -> str:
    return f"<p>{escape(text)}</p>"


async def remind_due(core: Core) -> int:
    """Send every reminder that is due (on the injected clock), each once across nodes;
    how many notifications this call sent."""
    now = core.clock.now_ms()
    due = await core.db.read(lambda c: store.due(c, now, REMIND_BATCH))
    sent = 0
    for row in due:
        try:
            sent += await core.log.run(_remind_job(int(row["id"])))
        except HubbubError:  # e.g. shutting down: still unclaimed, the next tick sends it
            break
    return sent
