"""Rooms: create, read, update, delete, join, leave, members.

Permissions for now: any authenticated user creates rooms and lists public ones; only
members see a private room (to anyone else it does not exist); only the owner changes or
deletes a room.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from hubbub.errors import Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import rooms as store
from hubbub.server.store.log import Tx
from hubbub.server.store.messages import count_in_room
from hubbub.server.store.rooms import RoomRow

EDITABLE = ("name", "description", "topic", "access_mode")
ACCESS_MODES = ("public", "private")
LIMITS = {"name": 100, "description": 2000, "topic": 500}


def _clean(field: str, value: Any) -> Any:
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


async def visible_room(conn: AsyncConnection, ctx: Ctx, room_id: int) -> tuple[RoomRow, str | None]:
    """The room and the user's role in it; NotFound if it does not exist *for this user*."""
    room = await store.get_room(conn, room_id)
    role = None if room is None else await store.member_role(conn, room_id, ctx.user_id)
    if room is None or (not room.public and role is None):
        raise NotFound(f"room {room_id} not found", code="room_not_found")
    return room, role


async def _owned_room_txn(tx: Tx, ctx: Ctx, room_id: int) -> RoomRow:
    room, role = await visible_room(tx.conn, ctx, room_id)
    if role != "owner":
        raise Forbidden("only the room owner can do this", code="not_room_owner")
    return room


def _joined_event(ctx: Ctx, room: RoomRow, role: str, now_ms: int, via: str) -> LogEvent:
    member = store.member_wire(room.id, {**ctx.user.snapshot(), "role": role, "joined_at": now_ms})
    return LogEvent(
        type="room.member.joined",
        audience=Audience.ROOM,
        room_id=room.id,
        actor=ctx.user.snapshot(),
        target_user_id=ctx.user_id,
        data={"room_id": room.id, "user_id": ctx.user_id, "member": member, "via": via},
    )


async def create(core: Core, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: _clean(k, v) for k, v in fields.items() if v is not None}
    values.setdefault("access_mode", "public")

    async def job(tx: Tx) -> dict[str, Any]:
        room = await store.insert_room_txn(
            tx.conn,
            name=values["name"],
            description=values.get("description", ""),
            topic=values.get("topic", ""),
            kind="text",
            access_mode=values["access_mode"],
            owner_id=ctx.user_id,
            created_at=tx.now_ms,
        )
        await store.add_member_txn(
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
    async with core.engine.connect() as conn:
        room, _role = await visible_room(conn, ctx, room_id)
    return room.wire()


async def list_rooms(
    core: Core, ctx: Ctx, *, joined_only: bool, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    async with core.engine.connect() as conn:
        rows = await store.list_rooms(
            conn, user_id=ctx.user_id, joined_only=joined_only, after=after, limit=limit + 1
        )
    return [r.wire() for r in rows[:limit]], len(rows) > limit


async def update(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    requested = {k: _clean(k, v) for k, v in fields.items() if k in EDITABLE and v is not None}

    async def job(tx: Tx) -> dict[str, Any]:
        room = await _owned_room_txn(tx, ctx, room_id)
        before = room.wire()
        changes = {k: v for k, v in requested.items() if before[k] != v}
        if changes:
            await store.update_room_txn(tx.conn, room_id, changes)
            # A room going private must still tell the directory it changed, and vice versa.
            public = room.public or changes.get("access_mode") == "public"
            tx.emit(
                LogEvent(
                    type="room.updated",
                    audience=Audience.GLOBAL if public else Audience.ROOM,
                    room_id=room_id,
                    actor=ctx.user.snapshot(),
                    data={
                        "room_id": room_id,
                        "changes": changes,
                        "cleared": [],
                        "actor_id": ctx.user_id,
                    },
                )
            )
        return {**before, **changes}

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, room_id: int) -> None:
    async def job(tx: Tx) -> None:
        room = await _owned_room_txn(tx, ctx, room_id)
        deleted = await count_in_room(tx.conn, room_id)
        await store.soft_delete_room_txn(tx.conn, room_id, tx.now_ms)
        tx.emit(
            LogEvent(
                type="room.deleted",
                audience=_directory_audience(room),
                room_id=room_id,
                actor=ctx.user.snapshot(),
                data={"room_id": room_id, "reason": "deleted", "deleted_events_count": deleted},
            )
        )

    await core.log.run(job)


async def join(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    async def job(tx: Tx) -> dict[str, Any]:
        room, role = await visible_room(tx.conn, ctx, room_id)
        if role is not None:  # already a member: joining again changes nothing
            return await _member(tx.conn, room_id, ctx.user_id)
        await store.add_member_txn(
            tx.conn, room_id=room_id, user_id=ctx.user_id, role="member", now_ms=tx.now_ms
        )
        event = _joined_event(ctx, room, "member", tx.now_ms, "self")
        tx.emit(event)
        member: dict[str, Any] = event.payload["member"]
        return member

    return await core.log.run(job)


async def _member(conn: AsyncConnection, room_id: int, user_id: int) -> dict[str, Any]:
    for m in await store.list_members(conn, room_id):
        if m["user"]["id"] == user_id:
            return m
    raise NotFound("not a member of this room", code="not_a_member")


async def leave(core: Core, ctx: Ctx, room_id: int) -> None:
    async def job(tx: Tx) -> None:
        _room, role = await visible_room(tx.conn, ctx, room_id)
        if role is None:  # leaving a room one is not in is already done
            return
        await store.remove_member_txn(tx.conn, room_id, ctx.user_id)
        tx.emit(
            LogEvent(
                type="room.member.left",
                audience=Audience.ROOM,
                room_id=room_id,
                actor=ctx.user.snapshot(),
                target_user_id=ctx.user_id,
                data={
                    "room_id": room_id,
                    "user_id": ctx.user_id,
                    "reason": "left",
                    "actor_id": None,
                },
            )
        )

    await core.log.run(job)


async def members(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    async with core.engine.connect() as conn:
        await visible_room(conn, ctx, room_id)
        return await store.list_members(conn, room_id)


async def joined(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    async with core.engine.connect() as conn:
        return [r.wire() for r in await store.joined_rooms(conn, ctx.user_id)]
