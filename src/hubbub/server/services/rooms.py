"""Rooms: create, read, update, delete, join, leave, members.

Permissions for now: any authenticated user creates rooms and lists public ones; only
members see a private room (to anyone else it does not exist); only the owner changes or
deletes a room.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.permissions import Perm
from hubbub.server.services.access import RoomAccess, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import rooms as store
from hubbub.server.store.log import Tx
from hubbub.server.store.messages import count_in_room
from hubbub.server.store.rooms import RoomRow

EDITABLE = ("name", "description", "topic", "access_mode", "allow_actions", "edit_window_s")


def is_moderator(access: RoomAccess) -> bool:
    """Whether the caller moderates the room's messages (manage_messages)."""
    return access.can(Perm.MANAGE_MESSAGES)


def moderated_room_txn(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    """The caller's access to a room they moderate; Forbidden if they don't moderate it."""
    access = room_role(conn, ctx, room_id)
    if not is_moderator(access):
        raise Forbidden("only the room's owners and moderators can do this", code="not_moderator")
    return access


def may_post(access: RoomAccess) -> None:
    """Refuse a message the caller may not post: not a member, read-only, no `send`, or
    a closed room (RM-06) for anyone but its moderators."""
    access.require_member()
    if access.level == "read_only" and access.room.space_id is None and not access.moderator:
        raise Forbidden("you have read-only access to this room", code="read_only")
    access.require(Perm.SEND)
    if not access.room.is_open and not access.moderator:
        raise Forbidden("the room is closed", code="room_closed")


ACCESS_MODES = ("public", "private")
LIMITS = {"name": 100, "description": 2000, "topic": 500}
MAX_EDIT_WINDOW_S = 366 * 24 * 3600


def _clean(field: str, value: Any) -> Any:
    if isinstance(value, str):
        reject_nul(value, field)
    if field == "allow_actions":  # content area: `/me` actions (D.77)
        if not isinstance(value, bool):
            raise ValidationError("allow_actions must be true or false", code="invalid_setting")
        return value
    if field == "edit_window_s":  # content area: 0 = authors may edit any time
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("edit_window_s must be an integer", code="invalid_setting")
        if not 0 <= value <= MAX_EDIT_WINDOW_S:
            raise ValidationError(
                f"edit_window_s must be 0–{MAX_EDIT_WINDOW_S}", code="invalid_edit_window"
            )
        return value
    if field == "access_mode":
        if value not in ACCESS_MODES:
            raise ValidationError(
                f"access_mode must be one of {', '.join(ACCESS_MODES)}", code="invalid_access_mode"
            )
        return value
    value = str(value).strip()
    if field == "name" and not value:
        raise ValidationError("room name must not be empty", code="invalid_room_name")
    if len(value) > LIMITS[field]:
        raise ValidationError(
            f"{field} must be at most {LIMITS[field]} characters", code=f"{field}_too_long"
        )
    return value


def _directory_audience(room: RoomRow) -> Audience:
    # Public rooms are in everyone's room directory; private ones only in their members'.
    return Audience.GLOBAL if room.public else Audience.ROOM


def visible_room(conn: Connection, ctx: Ctx, room_id: int) -> tuple[RoomRow, RoomAccess]:
    """The room and the caller's access to it; NotFound if it does not exist *for them*."""
    access = room_role(conn, ctx, room_id)
    return access.room, access


def room_role(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    """The caller's access to a room they can see; NotFound if they cannot."""
    return room_access(conn, ctx.user, room_id)


def _owned_room_txn(tx: Tx, ctx: Ctx, room_id: int) -> RoomRow:
    room, access = visible_room(tx.conn, ctx, room_id)
    if not access.can(Perm.MANAGE_ROOM):
        raise Forbidden("only the room owner can do this", code="not_room_owner")
    return room


def _joined_event(ctx: Ctx, room: RoomRow, role: str, now_ms: int, via: str) -> LogEvent:
    member = store.member_wire(room.id, {**ctx.user.snapshot(), "role": role, "joined_at": now_ms})
    return room_event(
        "room.member.joined",
        room.id,
        ctx.user.snapshot(),
        {"user_id": ctx.user_id, "member": member, "via": via},
        target_user_id=ctx.user_id,
    )


async def create(core: Core, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: _clean(k, v) for k, v in fields.items() if v is not None}
    values.setdefault("access_mode", "public")

    def job(tx: Tx) -> dict[str, Any]:
        room = store.insert_room_txn(
            tx.conn,
            name=values["name"],
            description=values.get("description", ""),
            topic=values.get("topic", ""),
            kind="text",
            access_mode=values["access_mode"],
            owner_id=ctx.user_id,
            created_at=tx.now_ms,
            allow_actions=values.get("allow_actions", True),
            edit_window_s=values.get("edit_window_s", 0),
        )
        store.add_member_txn(
            tx.conn, room_id=room.id, user_id=ctx.user_id, role="owner", now_ms=tx.now_ms
        )
        wire = {**room.wire(), "member_count": 1}
        tx.emit(
            LogEvent(
                type="room.created",
                audience=Audience.GLOBAL if room.public else Audience.USER,
                room_id=room.id,
                actor=ctx.user.snapshot(),
                target_user_id=ctx.user_id,
                data={"room": wire, "reason": "created"},
            )
        )
        tx.emit(_joined_event(ctx, room, "owner", tx.now_ms, "self"))
        return wire

    return await core.log.run(job)


async def get(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    room, _role = await core.db.read(lambda c: visible_room(c, ctx, room_id))
    return room.wire()


async def list_rooms(
    core: Core, ctx: Ctx, *, joined_only: bool, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    rows = await core.db.read(
        lambda c: store.list_rooms(
            c, user_id=ctx.user_id, joined_only=joined_only, after=after, limit=limit + 1
        )
    )
    return [r.wire() for r in rows[:limit]], len(rows) > limit


async def update(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    requested = {k: _clean(k, v) for k, v in fields.items() if k in EDITABLE and v is not None}

    def job(tx: Tx) -> dict[str, Any]:
        room = _owned_room_txn(tx, ctx, room_id)
        before = room.wire()
        changes = {k: v for k, v in requested.items() if before[k] != v}
        if changes:
            store.update_room_txn(tx.conn, room_id, changes)
            # A room going private must still tell the directory it changed, and vice versa.
            public = room.public or changes.get("access_mode") == "public"
            tx.emit(
                room_event(
                    "room.updated",
                    room_id,
                    ctx.user.snapshot(),
                    {"changes": changes, "cleared": [], "actor_id": ctx.user_id},
                    audience=Audience.GLOBAL if public else Audience.ROOM,
                )
            )
        return {**before, **changes}

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, room_id: int) -> None:
    def job(tx: Tx) -> None:
        room = _owned_room_txn(tx, ctx, room_id)
        deleted = count_in_room(tx.conn, room_id)
        store.soft_delete_room_txn(tx.conn, room_id, tx.now_ms)
        tx.emit(
            room_event(
                "room.deleted",
                room_id,
                ctx.user.snapshot(),
                {"reason": "deleted", "deleted_events_count": deleted},
                audience=_directory_audience(room),
            )
        )

    await core.log.run(job)


async def join(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        room, access = visible_room(tx.conn, ctx, room_id)
        if access.member:  # already a member: joining again changes nothing
            return _member(tx.conn, room_id, ctx.user_id)
        store.add_member_txn(
            tx.conn, room_id=room_id, user_id=ctx.user_id, role="member", now_ms=tx.now_ms
        )
        event = _joined_event(ctx, room, "member", tx.now_ms, "self")
        tx.emit(event)
        member: dict[str, Any] = event.payload["member"]
        return member

    return await core.log.run(job)


def _member(conn: Connection, room_id: int, user_id: int) -> dict[str, Any]:
    for m in store.list_members(conn, room_id):
        if m["user"]["id"] == user_id:
            return m
    raise NotFound("not a member of this room", code="not_a_member")


async def leave(core: Core, ctx: Ctx, room_id: int) -> None:
    def job(tx: Tx) -> None:
        _room, access = visible_room(tx.conn, ctx, room_id)
        if not access.member:  # leaving a room one is not in is already done
            return
        store.remove_member_txn(tx.conn, room_id, ctx.user_id)
        tx.emit(
            room_event(
                "room.member.left",
                room_id,
                ctx.user.snapshot(),
                {"user_id": ctx.user_id, "reason": "left", "actor_id": None},
                target_user_id=ctx.user_id,
            )
        )

    await core.log.run(job)


async def members(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        room_role(conn, ctx, room_id)
        return store.list_members(conn, room_id)

    return await core.db.read(read)


async def joined(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    rows = await core.db.read(lambda c: store.joined_rooms(c, ctx.user_id))
    return [r.wire() for r in rows]


async def set_member_role(
    core: Core, ctx: Ctx, room_id: int, user_id: int, role: str
) -> dict[str, Any]:
    """The owner makes a member a moderator or a member again."""
    if role not in ("moderator", "member"):
        raise ValidationError("role must be moderator or member", code="invalid_role")

    def job(tx: Tx) -> dict[str, Any]:
        _owned_room_txn(tx, ctx, room_id)
        current = store.member_role(tx.conn, room_id, user_id)
        if current is None:
            raise NotFound(f"user {user_id} is not a member of this room", code="member_not_found")
        if current == "owner":
            raise Forbidden("the owner's role cannot be changed", code="cannot_change_owner")
        if current != role:
            store.set_role_txn(tx.conn, room_id, user_id, role)
            tx.emit(
                room_event(
                    "room.member.updated",
                    room_id,
                    ctx.user.snapshot(),
                    {"user_id": user_id, "changes": {"role": role}, "cleared": []},
                    target_user_id=user_id,
                )
            )
        return _member(tx.conn, room_id, user_id)

    return await core.log.run(job)
