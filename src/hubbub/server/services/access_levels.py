"""Stack Exchange-style access levels of standalone rooms (AC-01, AC-02, AC-04, D.9).

A user's level in a room is `owner` (room role owner), else their member level
(`read_write` or `read_only`), else `request` while they have a pending access request,
else `none`. Owners (and global staff) set anyone's level; setting it adds, changes or
removes the membership. Gallery rooms take access requests, which notify every owner.
Every change logs `room.member.access_updated` to the room's moderators and the user.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.services import audit, notifications
from hubbub.server.services.access import RoomAccess, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import space_room_conflict
from hubbub.server.store import access_requests as requests_store
from hubbub.server.store import rooms as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.users import UserRow

SETTABLE = ("none", "read_only", "read_write", "owner")


def _standalone(access: RoomAccess) -> RoomAccess:
    if access.room.space_id is not None:
        raise space_room_conflict()
    if access.room.kind in ("dm", "group"):  # their members change through services.dms
        raise Forbidden(
            "DMs and groups are entered through their own endpoints",
            code="private_conversation",
        )
    return access


def owner_access(conn: Connection, user: UserRow, room_id: int) -> RoomAccess:
    """The access of a room owner (or staff) to a standalone room; Forbidden otherwise."""
    access = _standalone(room_access(conn, user, room_id))
    if access.role != "owner" and not user.is_moderator:
        raise Forbidden("only the room's owners can do this", code="not_room_owner")
    return access


def level_of(conn: Connection, room_id: int, user_id: int) -> tuple[str | None, str]:
    """(the user's room role or None, their access level)."""
    found = store.membership(conn, room_id, user_id)
    role, level = (None, None) if found is None else (found[1], found[2])
    if role == "owner":
        return role, "owner"
    if role is not None:
        return role, level or "read_write"
    return None, "request" if requests_store.exists(conn, room_id, user_id) else "none"


def _access_event(
    room: RoomRow, user_id: int, actor: dict[str, Any], previous: str, level: str
) -> LogEvent:
    return room_event(
        "room.member.access_updated",
        room.id,
        actor,
        {"user_id": user_id, "actor_id": actor["id"], "previous_level": previous, "level": level},
        audience=Audience.MODS,
        target_user_id=user_id,
    )


def _member_updated(
    room: RoomRow, user_id: int, actor: dict[str, Any], previous: str, role: str
) -> LogEvent:
    return room_event(
        "room.member.updated",
        room.id,
        actor,
        {"user_id": user_id, "changes": {"role": role}, "cleared": [], "previous_role": previous},
        target_user_id=user_id,
    )


def _apply_txn(
    tx: Tx, room: RoomRow, target: UserRow, actor: dict[str, Any], role: str | None, level: str
) -> None:
    """Make the membership match `level` (the caller checked it differs), logging the
    membership events that move the user's scope."""
    conn, user_id = tx.conn, target.id
    if level == "none":
        if role is not None:
            store.remove_member_txn(conn, room.id, user_id)
            notifications.notify_kick_txn(tx, room, target, actor, "removed")
            tx.emit(
                room_event(
                    "room.member.left",
                    room.id,
                    actor,
                    {
                        "user_id": user_id,
                        "reason": "removed",
                        "actor_id": actor["id"],
                        "role": role,
                    },
                    target_user_id=user_id,
                )
            )
        return
    new_role = "owner" if level == "owner" else ("member" if role in (None, "owner") else role)
    member_level = "read_write" if level == "owner" else level
    if role is None:
        store.add_member_txn(
            conn,
            room_id=room.id,
            user_id=user_id,
            role=new_role,
            now_ms=tx.now_ms,
            level=member_level,
        )
        member = store.member_wire(
            room.id,
            {**target.snapshot(), "role": new_role, "level": member_level, "joined_at": tx.now_ms},
        )
        tx.emit(
            room_event(
                "room.member.joined",
                room.id,
                actor,
                {
                    "user_id": user_id,
                    "member": member,
                    "via": "access_granted",
                    "added_by": actor["id"],
                },
                target_user_id=user_id,
            )
        )
        return
    store.set_level_txn(conn, room.id, user_id, member_level)
    if new_role != role:
        store.set_role_txn(conn, room.id, user_id, new_role)
        tx.emit(_member_updated(room, user_id, actor, role, new_role))


async def set_level(core: Core, ctx: Ctx, room_id: int, user_id: int, level: str) -> dict[str, Any]:
    """An owner sets a user's level: grant (read_only / read_write, which also answers an
    access request), make owner, or remove (none, which also denies a request)."""
    if level not in SETTABLE:
        raise ValidationError(f"level must be one of {', '.join(SETTABLE)}", code="invalid_level")

    def job(tx: Tx) -> dict[str, Any]:
        room = owner_access(tx.conn, ctx.user, room_id).room
        target = users_store.get_user(tx.conn, user_id)
        if target is None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        role, previous = level_of(tx.conn, room_id, user_id)
        result = {"room_id": room_id, "user_id": user_id, "level": level}
        last = store.owner_ids(tx.conn, room_id) == [user_id]
        if role == "owner" and level != "owner" and last:
            raise Conflict("a room keeps at least one owner", code="last_owner")
        actor = ctx.user.snapshot()
        # Any answer to a pending request settles it, even one that keeps the member's
        # level (a read-only member asked; the owner keeps them read-only).
        if requests_store.delete_txn(tx.conn, room_id, user_id):
            previous = "request"
        elif previous == level:
            return {**result, "previous_level": previous}
        _apply_txn(tx, room, target, actor, role, level)
        tx.emit(_access_event(room, user_id, actor, previous, level))
        audit.record_txn(
            tx,
            action="room.access.updated",
            actor=actor,
            room_id=room_id,
            target_type="user",
            target_id=user_id,
            before={"level": previous},
            after={"level": level},
        )
        return {**result, "previous_level": previous}

    return await core.log.run(job)


def _notify_owners_txn(tx: Tx, room: RoomRow, requester: dict[str, Any]) -> None:
    """A `notification.created` kind `access_request` in each owner's inbox (AC-02)."""
    who = escape(requester["handle"])
    for owner_id in store.owner_ids(tx.conn, room.id):
        notifications.notify_txn(
            tx,
            user_id=owner_id,
            kind="access_request",
            actor=requester,
            room=room,
            content_html=f"<p><strong>@{who}</strong> requests access to "
            f"<strong>{escape(room.name)}</strong></p>",
            content_text=f"@{requester['handle']} requests access to {room.name}",
            data={"user_id": requester["id"], "room_id": room.id},
        )


async def request_access(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """Ask a gallery room's owners for write access."""

    def job(tx: Tx) -> dict[str, Any]:
        room = _standalone(room_access(tx.conn, ctx.user, room_id)).room
        _role, previous = level_of(tx.conn, room_id, ctx.user_id)
        if previous in ("read_write", "owner"):
            raise Conflict("you can already write in this room", code="already_has_access")
        if requests_store.exists(tx.conn, room_id, ctx.user_id):
            raise Conflict("you have already asked for access", code="access_already_requested")
        if room.access_mode != "gallery":
            raise Forbidden("only gallery rooms take access requests", code="requests_not_accepted")
        requests_store.insert_txn(tx.conn, room_id, ctx.user_id, tx.now_ms)
        actor = ctx.user.snapshot()
        tx.emit(_access_event(room, ctx.user_id, actor, previous, "request"))
        _notify_owners_txn(tx, room, actor)
        return {
            "room_id": room_id,
            "user_id": ctx.user_id,
            "level": "request",
            "previous_level": previous,
        }

    return await core.log.run(job)


async def list_requests(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        owner_access(conn, ctx.user, room_id)
        return requests_store.list_for_room(conn, room_id)

    return await core.db.read(read)


async def list_owners(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        room_access(conn, ctx.user, room_id)
        return [m for m in store.list_members(conn, room_id) if m["role"] == "owner"]

    return await core.db.read(read)
