"""DMs and groups (DM-01, DM-02, D.50).

A DM is a room of kind `dm` between two users, both plain members, with no owner. Opening
one is idempotent: the pair's existing DM is returned (its unique `dm_key` makes that
hold under concurrent opens), else a new one is made and each participant gets
`room.created {reason: dm_opened}` (audience USER), which also moves their scope so they
receive its messages live, on resume and over long-poll. A DM with oneself is one's saved
notes. A pair where either blocked the other cannot open a DM nor post in one (403
blocked). A DM is never left nor joined (400 cannot_leave_dm, 403 private_conversation):
it stays as long as its two members.

A group is a private room of kind `group` with an owner (D.50): any member adds someone,
only the owner removes others, anyone leaves, and when the owner leaves the member who
joined first becomes the owner (when the last member leaves, the group is deleted). The
owner may hand the group over. A group has at most `group_max_recipients` members
(default 50, owner included). Changes log the events rooms use (room.created,
room.member.joined / left / updated, room.updated {owner_id}, room.deleted), so scopes and
the SDK cache follow them like any other room.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import BadRequest, Conflict, Forbidden, NotFound
from hubbub.server.events import Audience, LogEvent, member_left, room_event
from hubbub.server.services import audit
from hubbub.server.services import room_settings as settings
from hubbub.server.services.access import RoomAccess, room_access, room_not_found
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.relationships import blocked_error, live_user_txn
from hubbub.server.store import dms as store
from hubbub.server.store import relationships as relations
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.users import UserRow

PRIVATE_KINDS = ("dm", "group")
MAX_NAME = settings.LIMITS["name"]


def private_conversation() -> Forbidden:
    return Forbidden(
        "DMs and groups are entered through their own endpoints", code="private_conversation"
    )


def cannot_leave_dm() -> BadRequest:
    return BadRequest("a DM cannot be left", code="cannot_leave_dm")


def group_limit(core: Core) -> int:
    return int(core.settings.group_max_recipients)


def conversation_wire(conn: Connection, room: RoomRow) -> dict[str, Any]:
    """A room's wire form; a DM's or group's also lists its `recipients` (the members'
    snapshots, in the order they joined): a DM has no name of its own, so a client titles
    it after the other person, and a group's members are shown without another request."""
    wire = room.wire()
    if room.kind in PRIVATE_KINDS:
        wire["recipients"] = [m["user"] for m in rooms_store.list_members(conn, room.id)]
    return wire


def _fresh(conn: Connection, room_id: int) -> dict[str, Any]:
    room = rooms_store.get_room(conn, room_id)
    if room is None:
        raise room_not_found(room_id)
    return conversation_wire(conn, room)


def _created(
    room_wire: dict[str, Any], user_id: int, actor: dict[str, Any], reason: str, role: str
) -> LogEvent:
    return room_event(
        "room.created",
        int(room_wire["id"]),
        actor,
        {"room": room_wire, "reason": reason, "role": role},
        audience=Audience.USER,
        target_user_id=user_id,
    )


# -- DMs ------------------------------------------------------------------------------


async def open_dm(core: Core, ctx: Ctx, user_id: int) -> tuple[dict[str, Any], bool]:
    """(the DM room, created): the caller's DM with `user_id` (or their notes)."""

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        conn, me = tx.conn, ctx.user
        other = me if user_id == me.id else live_user_txn(conn, user_id)
        if other.id != me.id and relations.is_blocked_either(conn, me.id, other.id):
            raise blocked_error()
        key = store.dm_key(me.id, other.id)
        wanted = {me.id, other.id}
        found = store.find_by_key(conn, key)
        if found is not None:
            room_id, deleted = found
            if not deleted and rooms_store.member_ids(conn, room_id) == wanted:
                return _fresh(conn, room_id), False
            store.release_key_txn(conn, room_id)  # closed: the pair starts a new one
        room = rooms_store.insert_room_txn(
            conn,
            name="",
            kind="dm",
            access_mode="private",
            owner_id=None,
            space_id=None,
            created_at=tx.now_ms,
            dm_key=key,
        )
        for uid in sorted(wanted):
            rooms_store.add_member_txn(
                conn, room_id=room.id, user_id=uid, role="member", now_ms=tx.now_ms
            )
        wire = _fresh(conn, room.id)
        actor = me.snapshot()
        for uid in sorted(wanted):
            tx.emit(_created(wire, uid, actor, "dm_opened", "member"))
        return wire, True

    return await core.log.run(job)


def check_post_txn(conn: Connection, user_id: int, room: RoomRow) -> None:
    """Refuse a message in a DM whose other participant blocked the poster, or whom the
    poster blocked (403 blocked)."""
    if room.kind != "dm":
        return
    other = store.other_party(conn, room.id, user_id)
    if other is not None and relations.is_blocked_either(conn, user_id, other):
        raise blocked_error()


# -- groups ---------------------------------------------------------------------------


def _group_txn(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    """The caller's access to a group they are in."""
    access = room_access(conn, ctx.user, room_id)
    if access.room.kind != "group":
        raise BadRequest(f"room {room_id} is not a group", code="not_a_group")
    access.require_member()
    return access


def _not_owner() -> Forbidden:
    return Forbidden("only the group's owner can do this", code="not_group_owner")


def _full(limit: int) -> Conflict:
    return Conflict(
        f"a group has at most {limit} members", code="group_full", details={"limit": limit}
    )


def _check_name(name: str | None, people: list[UserRow]) -> str:
    if name is not None:
        values, _reset = settings.clean_all({"name": name}, ("name",))
        if values.get("name"):
            return str(values["name"])
    # No name: the members' handles, as many as fit.
    return ", ".join(p.handle for p in people)[:MAX_NAME]


async def create_group(
    core: Core, ctx: Ctx, name: str | None, user_ids: list[int]
) -> dict[str, Any]:
    """A new group owned by the caller with `user_ids` as its other members. Each must be
    a live user not blocked with the caller; at most `group_max_recipients` in all."""
    limit = group_limit(core)
    ids = list(dict.fromkeys(u for u in user_ids if u != ctx.user_id))
    if len(ids) + 1 > limit:
        raise _full(limit)
    if name is not None:
        _check_name(name, [])  # refuse a bad name before any lookup

    def job(tx: Tx) -> dict[str, Any]:
        conn, me = tx.conn, ctx.user
        recipients = [live_user_txn(conn, uid) for uid in ids]
        for other in recipients:
            if relations.is_blocked_either(conn, me.id, other.id):
                raise blocked_error()
        room = rooms_store.insert_room_txn(
            conn,
            name=_check_name(name, [me, *recipients]),
            kind="group",
            access_mode="private",
            owner_id=me.id,
            space_id=None,
            created_at=tx.now_ms,
        )
        rooms_store.add_member_txn(
            conn, room_id=room.id, user_id=me.id, role="owner", now_ms=tx.now_ms
        )
        for other in recipients:
            rooms_store.add_member_txn(
                conn, room_id=room.id, user_id=other.id, role="member", now_ms=tx.now_ms
            )
        wire = _fresh(conn, room.id)
        actor = me.snapshot()
        tx.emit(_created(wire, me.id, actor, "created", "owner"))
        for other in recipients:
            tx.emit(_created(wire, other.id, actor, "added_to_group", "member"))
        audit.record_txn(
            tx,
            action="room.created",
            actor=actor,
            room_id=room.id,
            target_type="room",
            target_id=room.id,
            after=wire,
        )
        return wire

    return await core.log.run(job)


def _member(conn: Connection, room_id: int, user_id: int) -> dict[str, Any]:
    for m in rooms_store.list_members(conn, room_id):
        if m["user"]["id"] == user_id:
            return m
    raise NotFound(f"user {user_id} is not in this group", code="member_not_found")


async def add_recipient(core: Core, ctx: Ctx, room_id: int, user_id: int) -> dict[str, Any]:
    """Any member adds someone (D.50); the new member. Adding a member changes nothing."""
    limit = group_limit(core)

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        _group_txn(conn, ctx, room_id)
        target = live_user_txn(conn, user_id)
        if rooms_store.member_role(conn, room_id, user_id) is not None:
            return _member(conn, room_id, user_id)
        if relations.is_blocked_either(conn, ctx.user_id, user_id):
            raise blocked_error()
        if store.member_count(conn, room_id) >= limit:
            raise _full(limit)
        rooms_store.add_member_txn(
            conn, room_id=room_id, user_id=user_id, role="member", now_ms=tx.now_ms
        )
        member = rooms_store.member_wire(
            room_id,
            {**target.snapshot(), "role": "member", "level": "read_write", "joined_at": tx.now_ms},
        )
        actor = ctx.user.snapshot()
        # Joined first: the room's members count the newcomer, and the newcomer's cache
        # gets the room (with its new count) from room.created right after.
        tx.emit(
            room_event(
                "room.member.joined",
                room_id,
                actor,
                {"user_id": user_id, "member": member, "via": "added", "added_by": ctx.user_id},
                target_user_id=user_id,
            )
        )
        tx.emit(_created(_fresh(conn, room_id), user_id, actor, "added_to_group", "member"))
        return member

    return await core.log.run(job)


def _owner_changed(
    tx: Tx, room_id: int, actor: dict[str, Any] | None, actor_id: int | None, new: int
) -> None:
    rooms_store.update_room_txn(tx.conn, room_id, {"owner_id": new})
    tx.emit(
        room_event(
            "room.updated",
            room_id,
            actor,
            {"changes": {"owner_id": new}, "cleared": [], "actor_id": actor_id},
        )
    )


def _role_changed(
    tx: Tx, room_id: int, actor: dict[str, Any] | None, user_id: int, old: str, new: str
) -> None:
    rooms_store.set_role_txn(tx.conn, room_id, user_id, new)
    tx.emit(
        room_event(
            "room.member.updated",
            room_id,
            actor,
            {"user_id": user_id, "changes": {"role": new}, "cleared": [], "previous_role": old},
            target_user_id=user_id,
        )
    )


def leave_group_txn(tx: Tx, ctx: Ctx, access: RoomAccess) -> None:
    """The caller leaves a group they are in; the owner's leaving hands the group to the
    member who joined first, the last member's leaving deletes it."""
    conn, room_id, me = tx.conn, access.room.id, ctx.user_id
    role = access.role or "member"
    heir = store.oldest_member(conn, room_id, besides=me)
    rooms_store.remove_member_txn(conn, room_id, me)
    actor = ctx.user.snapshot()
    for event in member_left(room_id, me, actor, "left", role, None):
        tx.emit(event)
    if heir is None:
        rooms_store.soft_delete_room_txn(conn, room_id, tx.now_ms)
        return
    if role == "owner" and not rooms_store.owner_ids(conn, room_id):
        old = rooms_store.member_role(conn, room_id, heir) or "member"
        _role_changed(tx, room_id, None, heir, old, "owner")
        _owner_changed(tx, room_id, None, None, heir)


async def leave_group(core: Core, ctx: Ctx, room_id: int) -> None:
    def job(tx: Tx) -> None:
        leave_group_txn(tx, ctx, _group_txn(tx.conn, ctx, room_id))

    await core.log.run(job)


async def remove_recipient(core: Core, ctx: Ctx, room_id: int, user_id: int) -> None:
    """The owner removes a member; removing oneself is leaving."""

    def job(tx: Tx) -> None:
        conn = tx.conn
        access = _group_txn(conn, ctx, room_id)
        if user_id == ctx.user_id:
            leave_group_txn(tx, ctx, access)
            return
        if access.role != "owner":
            raise _not_owner()
        role = rooms_store.member_role(conn, room_id, user_id)
        if role is None:
            raise NotFound(f"user {user_id} is not in this group", code="member_not_found")
        rooms_store.remove_member_txn(conn, room_id, user_id)
        actor = ctx.user.snapshot()
        for event in member_left(room_id, user_id, actor, "removed", role, ctx.user_id):
            tx.emit(event)

    await core.log.run(job)


async def transfer(core: Core, ctx: Ctx, room_id: int, owner_id: int) -> dict[str, Any]:
    """The owner hands the group to another member; the group afterwards."""

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        access = _group_txn(conn, ctx, room_id)
        if access.role != "owner":
            raise _not_owner()
        if owner_id == ctx.user_id:
            return _fresh(conn, room_id)
        role = rooms_store.member_role(conn, room_id, owner_id)
        if role is None:
            raise BadRequest(f"user {owner_id} is not in this group", code="not_a_recipient")
        actor = ctx.user.snapshot()
        _role_changed(tx, room_id, actor, owner_id, role, "owner")
        _role_changed(tx, room_id, actor, ctx.user_id, "owner", "member")
        _owner_changed(tx, room_id, actor, ctx.user_id, owner_id)
        audit.record_txn(
            tx,
            action="group.owner_transferred",
            actor=actor,
            room_id=room_id,
            target_type="user",
            target_id=owner_id,
            before={"owner_id": ctx.user_id},
            after={"owner_id": owner_id},
        )
        return _fresh(conn, room_id)

    return await core.log.run(job)
