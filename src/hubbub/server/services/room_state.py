"""Room state for posting (MD-08, MD-09, D.1, D.75): the freeze (room timeout) and slow
mode. Closed rooms are refused by services.rooms.may_post; opening and closing is the
room setting `is_open` (services.rooms.update, which logs room.opened / room.closed).

A freeze lets only owners and moderators talk until `rooms.timeout_until`. Its end is
logged once: lifted by a moderator, or expired by the ticker (`expire_due`), which
decides inside the job by reading the row, so several nodes ticking at once end it once.

Slow mode (`throttle_seconds`): a user's message within N s of their previous one in the
room is refused with 429 `slow_mode` and `retry_after`. Moderators are exempt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, RateLimited, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import room_event
from hubbub.server.permissions import names
from hubbub.server.services import audit
from hubbub.server.services.access import room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import moderation as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

MAX_TIMEOUT_S = 7 * 24 * 3600


async def permissions(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """What the caller may do in a room they can see: `role` (owner / moderator / member,
    None for a non-member), `level`, the permission names they hold and `moderator`
    (whether they are in its MODS audience), so a client shows moderation tools only to
    those who may use them. NotFound (or 403 banned_from_room) like any read."""

    def read(conn: Connection) -> dict[str, Any]:
        access = room_access(conn, ctx.user, room_id)
        return {
            "room_id": room_id,
            "role": access.role,
            "level": access.level,
            "permissions": names(access.perms),
            "moderator": access.moderator,
        }

    result: dict[str, Any] = await core.db.read(read)
    return result


def check_post_txn(
    conn: Connection, room: RoomRow, user_id: int, now_ms: int, *, imported: bool = False
) -> None:
    """Refuse a non-moderator's message in a frozen room (403 room_timed_out) or too soon
    after their previous one (429 slow_mode)."""
    until = room.timeout_until
    if until is not None and now_ms < until:
        raise Forbidden(
            "the room is in a timeout: only its owners and moderators can post",
            code="room_timed_out",
            details={"ends_at": iso_ms(until)},
        )
    throttle = room.throttle_seconds
    if throttle <= 0 or imported:
        return
    last = store.last_sent_at(conn, room.id, user_id)
    if last is None:
        return
    wait_ms = last + throttle * 1000 - now_ms
    if wait_ms > 0:
        raise RateLimited(
            f"slow mode: one message every {throttle} s in this room",
            retry_after=round(wait_ms / 1000, 3),
            code="slow_mode",
            details={"throttle_seconds": throttle},
        )


def _duration(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("duration_s must be an integer", code="invalid_duration")
    if not 1 <= value <= MAX_TIMEOUT_S:
        raise ValidationError(f"duration_s must be 1–{MAX_TIMEOUT_S}", code="invalid_duration")
    return value


async def start_timeout(core: Core, ctx: Ctx, room_id: int, duration_s: Any) -> dict[str, Any]:
    """Freeze a room for `duration_s` seconds (again: from now, replacing a running one).
    Only its owners and moderators; logs `room.timeout.started` to the room.
    Returns `{room_id, actor_id, duration_s, ends_at}`."""
    seconds = _duration(duration_s)

    def job(tx: Tx) -> dict[str, Any]:
        access = moderated_room_txn(tx.conn, ctx, room_id)
        room = access.room
        until = tx.now_ms + seconds * 1000
        store.set_timeout_txn(tx.conn, room_id, until)
        actor = ctx.user.snapshot()
        data = {"actor_id": ctx.user_id, "duration_s": seconds, "ends_at": iso_ms(until)}
        tx.emit(room_event("room.timeout.started", room_id, actor, data, space_id=room.space_id))
        audit.record_txn(
            tx,
            action="room.timeout.started",
            actor=actor,
            room_id=room_id,
            space_id=room.space_id,
            target_type="room",
            target_id=room_id,
            before={"timeout_until": _iso(room.timeout_until)},
            after={"timeout_until": iso_ms(until), "duration_s": seconds},
        )
        return {"room_id": room_id, **data}

    result: dict[str, Any] = await core.log.run(job)
    return result


def _iso(ms: int | None) -> str | None:
    return None if ms is None else iso_ms(ms)


def _end_txn(tx: Tx, room: RoomRow, actor: dict[str, Any] | None, reason: str) -> None:
    store.set_timeout_txn(tx.conn, room.id, None)
    tx.emit(
        room_event("room.timeout.ended", room.id, actor, {"reason": reason}, space_id=room.space_id)
    )
    audit.record_txn(
        tx,
        action="room.timeout.ended",
        actor=actor,
        room_id=room.id,
        space_id=room.space_id,
        target_type="room",
        target_id=room.id,
        before={"timeout_until": _iso(room.timeout_until)},
        after={"timeout_until": None},
        reason=reason,
    )


async def end_timeout(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """End a room's running timeout early (owners and moderators): `room.timeout.ended`
    with reason `lifted`. 409 `not_timed_out` when none is running.
    Returns `{room_id, reason}`."""

    def job(tx: Tx) -> dict[str, Any]:
        room = moderated_room_txn(tx.conn, ctx, room_id).room
        if room.timeout_until is None or room.timeout_until <= tx.now_ms:
            raise Conflict("the room is not in a timeout", code="not_timed_out")
        _end_txn(tx, room, ctx.user.snapshot(), "lifted")
        return {"room_id": room_id, "reason": "lifted"}

    result: dict[str, Any] = await core.log.run(job)
    return result


async def expire_due(core: Core) -> int:
    """Log `room.timeout.ended` (reason `expired`) for every timeout that has run out;
    the number ended by this call (0 for a room another node ended first)."""
    due = await core.db.read(lambda c: store.rooms_timed_out_until(c, core.clock.now_ms()))
    ended = 0
    for room_id in due:

        def job(tx: Tx, room_id: int = room_id) -> bool:
            room = rooms_store.get_room(tx.conn, room_id)
            if room is None or room.timeout_until is None or room.timeout_until > tx.now_ms:
                return False
            _end_txn(tx, room, None, "expired")
            return True

        ended += bool(await core.log.run(job))
    return ended
