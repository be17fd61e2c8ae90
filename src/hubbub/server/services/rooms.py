"""Rooms: create, read, update, delete, list, join, leave, members (RM-01…RM-13).

Standalone rooms: the creator owns them; public rooms are joined read-write, gallery
rooms read-only (AC-01, access levels in services.access_levels), private ones exist only
for their members. Rooms of a space: whoever may view one is materialised as its member
(services.viewers), so they are neither joined nor left one by one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.permissions import Perm
from hubbub.server.services import audit, dms, viewers
from hubbub.server.services import room_settings as settings
from hubbub.server.services.access import RoomAccess, room_access, room_not_found, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import rooms as store
from hubbub.server.store.log import Tx
from hubbub.server.store.messages import count_in_room
from hubbub.server.store.rooms import RoomRow

EDITABLE = settings.EDITABLE
CREATABLE = (*settings.EDITABLE, "kind")


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


def visible_room(conn: Connection, ctx: Ctx, room_id: int) -> tuple[RoomRow, RoomAccess]:
    """The room and the caller's access to it; NotFound if it does not exist *for them*."""
    access = room_role(conn, ctx, room_id)
    return access.room, access


def room_role(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    """The caller's access to a room they can see; NotFound if they cannot."""
    return room_access(conn, ctx.user, room_id)


def _owned_room_txn(tx: Tx, ctx: Ctx, room_id: int, fields: Iterable[str] = ()) -> RoomRow:
    """The room, when the caller may change it: `manage_room`, or `moderate` when every
    one of `fields` is a moderation setting (docs/moderation.md: open/close, slow mode,
    the pipeline's settings are the moderators')."""
    room, access = visible_room(tx.conn, ctx, room_id)
    if access.can(Perm.MANAGE_ROOM):
        return room
    wanted = set(fields)
    if wanted and wanted <= settings.MODERATOR_EDITABLE and access.can(Perm.MODERATE):
        return room
    raise Forbidden("only the room owner can do this", code="not_room_owner")


def space_room_conflict() -> Conflict:
    return Conflict(
        "rooms of a space follow the space's membership; join or leave the space instead",
        code="space_room",
    )


def _directory_audience(*rooms: RoomRow) -> Audience:
    # A room in everyone's directory (before or after a change) tells everyone; any
    # other room only the people in it.
    return Audience.GLOBAL if any(r.listed for r in rooms) else Audience.ROOM


def _check_private(ctx: Ctx, kind: str, mode: str, space_id: int | None) -> None:
    # Only staff make standalone private rooms (RM-03); a group is private by nature.
    if mode == "private" and kind != "group" and space_id is None and not ctx.user.is_moderator:
        raise Forbidden(
            "only global moderators can make a room private", code="private_requires_moderator"
        )


def _custom_id_free_txn(tx: Tx, custom_id: str, room_id: int | None) -> None:
    if store.custom_id_taken(tx.conn, custom_id, room_id):
        raise Conflict(f"custom_id {custom_id!r} is taken", code="custom_id_taken")


def _row_values(values: dict[str, Any]) -> dict[str, Any]:
    """Setting values as stored: tags as JSON text, custom_id with its lookup key."""
    out = dict(values)
    if "tags" in out:
        out["tags"] = orjson.dumps(out["tags"]).decode()
    if "custom_id" in out:
        cid = out["custom_id"]
        out["custom_id_key"] = None if cid is None else cid.casefold()
    return out


def _joined_event(
    ctx: Ctx, room: RoomRow, role: str, now_ms: int, via: str, level: str = "read_write"
) -> LogEvent:
    member = store.member_wire(
        room.id, {**ctx.user.snapshot(), "role": role, "level": level, "joined_at": now_ms}
    )
    return room_event(
        "room.member.joined",
        room.id,
        ctx.user.snapshot(),
        {"user_id": ctx.user_id, "member": member, "via": via},
        target_user_id=ctx.user_id,
    )


async def create(core: Core, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    space_id = fields.get("space_id")
    values, _reset = settings.clean_all(fields, CREATABLE)
    kind = values.pop("kind", "text")
    values.setdefault("access_mode", "private" if kind == "group" else "public")
    if kind == "group" and values["access_mode"] != "private":
        raise ValidationError("group rooms are private", code="invalid_access_mode")
    _check_private(ctx, kind, values["access_mode"], space_id)

    def job(tx: Tx) -> dict[str, Any]:
        space = None
        if space_id is not None:
            found = space_access(tx.conn, ctx.user, space_id)
            found.require_member()
            found.require(Perm.MANAGE_ROOM)
            space = found.space
        if "custom_id" in values:
            _custom_id_free_txn(tx, values["custom_id"], None)
        room = store.insert_room_txn(
            tx.conn,
            **_row_values(values),
            kind=kind,
            owner_id=ctx.user_id,
            space_id=space_id,
            created_at=tx.now_ms,
        )
        actor = ctx.user.snapshot()
        if space is not None:
            viewers.open_room_txn(tx, space, room, actor)
        else:
            store.add_member_txn(
                tx.conn, room_id=room.id, user_id=ctx.user_id, role="owner", now_ms=tx.now_ms
            )
            tx.emit(
                LogEvent(
                    type="room.created",
                    audience=Audience.GLOBAL if room.listed else Audience.USER,
                    room_id=room.id,
                    actor=actor,
                    target_user_id=ctx.user_id,
                    data={"room": {**room.wire(), "member_count": 1}, "reason": "created"},
                )
            )
            tx.emit(_joined_event(ctx, room, "owner", tx.now_ms, "self"))
        wire = _fresh(tx.conn, room.id)
        audit.record_txn(
            tx,
            action="room.created",
            actor=actor,
            room_id=room.id,
            space_id=space_id,
            target_type="room",
            target_id=room.id,
            after=wire,
        )
        return wire

    return await core.log.run(job)


def _fresh(conn: Connection, room_id: int) -> dict[str, Any]:
    room = store.get_room(conn, room_id)
    if room is None:
        raise room_not_found(room_id)
    return dms.conversation_wire(conn, room)


async def get(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        visible_room(conn, ctx, room_id)
        return _fresh(conn, room_id)

    return await core.db.read(read)


def _by_custom_id(conn: Connection, ctx: Ctx, custom_id: str) -> RoomRow:
    """The room with that custom id (case-insensitively) if the caller can see it."""
    settings.custom_id(custom_id)
    room = store.get_room_by_custom_id(conn, custom_id)
    if room is None:
        raise NotFound(f"no room has custom_id {custom_id!r}", code="room_not_found")
    visible_room(conn, ctx, room.id)
    return room


async def get_by_custom_id(core: Core, ctx: Ctx, custom_id: str) -> dict[str, Any]:
    return (await core.db.read(lambda c: _by_custom_id(c, ctx, custom_id))).wire()


async def join_by_custom_id(core: Core, ctx: Ctx, custom_id: str) -> dict[str, Any]:
    room = await core.db.read(lambda c: _by_custom_id(c, ctx, custom_id))
    return await join(core, ctx, room.id)


async def list_rooms(
    core: Core,
    ctx: Ctx,
    *,
    joined_only: bool,
    after: int | None,
    limit: int,
    tag: str | None = None,
    q: str | None = None,
    not_joined: bool = False,
) -> tuple[list[dict[str, Any]], bool]:
    """A page of the rooms the caller sees, by id, and whether more follow: all of them,
    only their own (`joined_only`) or only the directory's rooms they are not in
    (`not_joined`: what they may join, a room closed to new members included, since its
    owner may open it again); `tag` and `q` (a word of the name or topic starting with
    it, any case) narrow them."""
    if joined_only and not_joined:
        raise ValidationError(
            "joined and not_joined cannot both be true", code="invalid_room_filter"
        )
    wanted = None if tag is None else settings.tags([tag])[0]
    text = _query_text(q)
    rows = await core.db.read(
        lambda c: store.list_rooms(
            c,
            user_id=ctx.user_id,
            joined_only=joined_only,
            not_joined=not_joined,
            after=after,
            limit=limit + 1,
            tag=wanted,
            text=text,
        )
    )
    return [r.wire() for r in rows[:limit]], len(rows) > limit


def apply_changes_txn(
    tx: Tx, ctx: Ctx, room: RoomRow, changes: dict[str, Any], cleared: list[str]
) -> None:
    """Store checked setting changes and log them: `room.updated` (to the directory when
    the room is listed there), `room.opened/closed` for `is_open`, an audit entry. The
    caller checked the rights and that something changes."""
    room_id = room.id
    before = room.wire()
    stored = {**changes, **{k: settings.CLEARABLE[k] for k in cleared}}
    store.update_room_txn(tx.conn, room_id, _row_values(stored))
    after = dataclasses.replace(room, **stored)
    actor = ctx.user.snapshot()
    tx.emit(
        room_event(
            "room.updated",
            room_id,
            actor,
            {"changes": changes, "cleared": cleared, "actor_id": ctx.user_id},
            audience=_directory_audience(room, after),
            space_id=room.space_id,
        )
    )
    if "is_open" in changes:  # RM-06: the room is told it opened or closed
        tx.emit(
            room_event(
                "room.opened" if changes["is_open"] else "room.closed",
                room_id,
                actor,
                {"actor_id": ctx.user_id},
                space_id=room.space_id,
            )
        )
    audit.record_txn(
        tx,
        action="room.updated",
        actor=actor,
        room_id=room_id,
        space_id=room.space_id,
        target_type="room",
        target_id=room_id,
        before={k: before[k] for k in stored},
        after=stored,
    )


async def update(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    values, reset = settings.clean_all(fields, EDITABLE)

    def job(tx: Tx) -> dict[str, Any]:
        room = _owned_room_txn(tx, ctx, room_id, [*values, *reset])
        before = room.wire()
        changes = {k: v for k, v in values.items() if before[k] != v}
        cleared = sorted(k for k in reset if before[k] != settings.CLEARABLE[k])
        if not changes and not cleared:
            return _fresh(tx.conn, room_id)
        mode = changes.get("access_mode")
        if mode is not None:
            if room.kind == "group":
                raise ValidationError("group rooms are private", code="invalid_access_mode")
            _check_private(ctx, room.kind, mode, room.space_id)
        if changes.get("custom_id") is not None:
            _custom_id_free_txn(tx, changes["custom_id"], room_id)
        apply_changes_txn(tx, ctx, room, changes, cleared)
        return _fresh(tx.conn, room_id)

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, room_id: int) -> None:
    def job(tx: Tx) -> None:
        room = _owned_room_txn(tx, ctx, room_id)
        # The room's live messages are what goes (RM-11); its log events age out with
        # retention like any other.
        deleted = count_in_room(tx.conn, room_id)
        store.soft_delete_room_txn(tx.conn, room_id, tx.now_ms)
        actor = ctx.user.snapshot()
        tx.emit(
            room_event(
                "room.deleted",
                room_id,
                actor,
                {"reason": "deleted", "deleted_events_count": deleted},
                audience=_directory_audience(room),
                space_id=room.space_id,
            )
        )
        audit.record_txn(
            tx,
            action="room.deleted",
            actor=actor,
            room_id=room_id,
            space_id=room.space_id,
            target_type="room",
            target_id=room_id,
            before=room.wire(),
            after={"deleted_events_count": deleted},
        )

    await core.log.run(job)


async def join(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        room, access = visible_room(tx.conn, ctx, room_id)
        if access.member:  # already a member: joining again changes nothing
            return member_of(tx.conn, room_id, ctx.user_id)
        if room.kind in dms.PRIVATE_KINDS:  # entered through services.dms only
            raise dms.private_conversation()
        if room.space_id is not None:
            raise space_room_conflict()
        if not room.allow_entry and not ctx.user.is_moderator:
            raise Forbidden("this room is not accepting new members", code="entry_closed")
        return join_txn(tx, ctx, room, "self")

    return await core.log.run(job)


def join_txn(tx: Tx, ctx: Ctx, room: RoomRow, via: str) -> dict[str, Any]:
    """Add the caller to a standalone room as a member (the caller checked the way in:
    a room open to them, or an invitation, via `invite`); the member object."""
    level = "read_only" if room.access_mode == "gallery" else "read_write"
    store.add_member_txn(
        tx.conn,
        room_id=room.id,
        user_id=ctx.user_id,
        role="member",
        now_ms=tx.now_ms,
        level=level,
    )
    event = _joined_event(ctx, room, "member", tx.now_ms, via, level)
    tx.emit(event)
    audit.record_txn(
        tx,
        action="room.member.joined",
        actor=ctx.user.snapshot(),
        room_id=room.id,
        target_type="user",
        target_id=ctx.user_id,
        after={"level": level, "via": via} if via != "self" else {"level": level},
    )
    member: dict[str, Any] = event.payload["member"]
    return member


def _last_owner_with_company(conn: Connection, room_id: int, user_id: int) -> bool:
    """Leaving would leave members behind in a room nobody owns."""
    return store.owner_ids(conn, room_id) == [user_id] and len(store.member_ids(conn, room_id)) > 1


def member_of(conn: Connection, room_id: int, user_id: int) -> dict[str, Any]:
    found = store.get_member(conn, room_id, user_id)
    if found is None:
        raise NotFound("not a member of this room", code="not_a_member")
    return found


async def leave(core: Core, ctx: Ctx, room_id: int) -> None:
    def job(tx: Tx) -> None:
        room, access = visible_room(tx.conn, ctx, room_id)
        if room.space_id is not None:
            raise space_room_conflict()
        if not access.member:  # leaving a room one is not in is already done
            return
        if room.kind == "dm":
            raise dms.cannot_leave_dm()
        if room.kind == "group":  # D.50: the owner's leaving hands the group on
            dms.leave_group_txn(tx, ctx, access)
            return
        if access.role == "owner" and _last_owner_with_company(tx.conn, room_id, ctx.user_id):
            raise Conflict(
                "you are the room's last owner: make someone else an owner before leaving",
                code="last_owner",
            )
        store.remove_member_txn(tx.conn, room_id, ctx.user_id)
        tx.emit(
            room_event(
                "room.member.left",
                room_id,
                ctx.user.snapshot(),
                # The leaver's role rides along so that a replay knows what they held.
                {"user_id": ctx.user_id, "reason": "left", "actor_id": None, "role": access.role},
                target_user_id=ctx.user_id,
            )
        )
        audit.record_txn(
            tx,
            action="room.member.left",
            actor=ctx.user.snapshot(),
            room_id=room_id,
            target_type="user",
            target_id=ctx.user_id,
            before={"role": access.role, "level": access.level},
        )

    await core.log.run(job)


# The longest search text, for the members and the room directory alike.
QUERY_MAX = 64


def _query_text(q: str | None) -> str | None:
    """A search text (members, the room directory), stripped; None for no search."""
    if q is None:
        return None
    text = reject_nul(q, "q").strip()
    if not text or len(text) > QUERY_MAX:
        raise ValidationError(f"q must be 1 to {QUERY_MAX} characters", code="invalid_query")
    return text


async def members(
    core: Core, ctx: Ctx, room_id: int, *, after: int | None, limit: int, q: str | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """A page of the room's members by user id, and whether more follow; `q` narrows
    them to handles starting with it and display names with a word starting with it."""
    text = _query_text(q)
    if text is not None:
        text = text.lower()  # store.page_members compares with handle_key, lower case

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        room_role(conn, ctx, room_id)
        rows = store.page_members(conn, room_id, after=after, limit=limit + 1, text=text)
        return rows[:limit], len(rows) > limit

    return await core.db.read(read)


async def member(core: Core, ctx: Ctx, room_id: int, user_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        room_role(conn, ctx, room_id)
        found = store.get_member(conn, room_id, user_id)
        if found is None:
            raise NotFound(f"user {user_id} is not a member of this room", code="member_not_found")
        return found

    return await core.db.read(read)


async def set_member_role(
    core: Core, ctx: Ctx, room_id: int, user_id: int, role: str
) -> dict[str, Any]:
    """The owner makes a member a moderator or a member again."""
    if role not in ("moderator", "member"):
        raise ValidationError("role must be moderator or member", code="invalid_role")

    def job(tx: Tx) -> dict[str, Any]:
        room = _owned_room_txn(tx, ctx, room_id)
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
            audit.record_txn(
                tx,
                action="room.member.role_updated",
                actor=ctx.user.snapshot(),
                room_id=room_id,
                space_id=room.space_id,
                target_type="user",
                target_id=user_id,
                before={"role": current},
                after={"role": role},
            )
        return member_of(tx.conn, room_id, user_id)

    return await core.log.run(job)
