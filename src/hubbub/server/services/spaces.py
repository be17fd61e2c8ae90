"""Spaces (B3): create, read, update (settings, categories, default permissions), delete,
and the space state a member receives (`space.created`, `ready`). Membership:
services.space_members; invites: services.invites; roles: services.roles."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, ValidationError, reject_nul
from hubbub.server import permissions as perms
from hubbub.server.events import Audience, LogEvent, space_event
from hubbub.server.permissions import ALL_BITS, Perm, is_moderation
from hubbub.server.services import audit, viewers
from hubbub.server.services.access import SpaceAccess, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import emojis as emojis_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as store
from hubbub.server.store import voice as voice_store
from hubbub.server.store.log import Tx
from hubbub.server.store.spaces import SpaceRow

LIMITS = {"name": 100, "description": 2000, "icon_url": 2000}
MAX_CATEGORIES = 50
MAX_FLAGS = 2**31 - 1
_URL = re.compile(r"^(https?://|/)\S*$")


def text_field(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string", code=f"invalid_{field}")
    reject_nul(value, field)
    text = str(value).strip()
    if field == "name" and not text:
        raise ValidationError("space name must not be empty", code="invalid_space_name")
    if len(text) > LIMITS[field]:
        raise ValidationError(
            f"{field} must be at most {LIMITS[field]} characters", code=f"{field}_too_long"
        )
    if field == "icon_url" and text and not _URL.match(text):
        raise ValidationError("icon_url must be an http(s) URL or a path", code="invalid_icon_url")
    return text


def check_bits(value: Any, field: str = "permissions") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be an integer bit set", code="invalid_permissions")
    try:
        return int(perms.parse(value))
    except ValueError as err:
        raise ValidationError(
            f"{field}: {err}", code="invalid_permissions", details={"known": perms.ALL_BITS}
        ) from None


def no_escalation(held: int, granted: int) -> None:
    """Nobody hands out a permission they do not hold themselves."""
    extra = granted & ~held
    if extra:
        raise Forbidden(
            "you cannot grant permissions you do not hold",
            code="permission_escalation",
            details={"permissions": perms.names(extra)},
        )


# -- state ------------------------------------------------------------------------------


def state(conn: Connection, space: SpaceRow, user_id: int, staff: bool) -> dict[str, Any]:
    """The space as one member sees it: `space.created`'s payload (EVENTS.md #20)."""
    member = store.get_member(conn, space.id, user_id)
    assert member is not None
    bits = perms.space_permissions(user_id, staff, store.facts(conn, space, user_id))
    rooms = viewers.visible_rooms(conn, space, user_id)
    return {
        "space": space.wire(store.member_count(conn, space.id)),
        "member": member,
        "rooms": rooms,
        "roles": store.list_roles(conn, space.id),
        "emojis": emojis_store.list_in_space(conn, space.id),
        "voice_states": voice_store.containers(conn, [int(r["id"]) for r in rooms]),
        "joined_at": member["joined_at"],
        "moderator": is_moderation(bits),
        "permissions": bits,
    }


def created_event(tx: Tx, ctx: Ctx, space: SpaceRow, user_id: int, staff: bool) -> LogEvent:
    return LogEvent(
        type="space.created",
        audience=Audience.USER,
        space_id=space.id,
        actor=ctx.user.snapshot(),
        target_user_id=user_id,
        data=state(tx.conn, space, user_id, staff),
    )


# -- spaces -----------------------------------------------------------------------------


async def create(core: Core, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    name = text_field("name", fields.get("name"))
    description = text_field("description", fields.get("description") or "")
    icon = fields.get("icon_url")
    icon = text_field("icon_url", icon) or None if icon is not None else None
    is_open = fields.get("open", False)
    if not isinstance(is_open, bool):
        raise ValidationError("open must be true or false", code="invalid_setting")

    def job(tx: Tx) -> dict[str, Any]:
        space = store.insert_space_txn(
            tx.conn,
            name=name,
            description=description,
            icon_url=icon,
            owner_id=ctx.user_id,
            flags=0,
            default_permissions=int(perms.DEFAULT),
            open=is_open,
            created_at=tx.now_ms,
        )
        store.add_member_txn(tx.conn, space.id, ctx.user_id, tx.now_ms)
        general = rooms_store.insert_room_txn(
            tx.conn,
            name="general",
            description="",
            topic="",
            kind="text",
            access_mode="public",
            owner_id=ctx.user_id,
            space_id=space.id,
            created_at=tx.now_ms,
        )
        store.update_space_txn(tx.conn, space.id, {"system_room_id": general.id})
        rooms_store.add_member_txn(
            tx.conn,
            room_id=general.id,
            user_id=ctx.user_id,
            role="owner",
            now_ms=tx.now_ms,
            perms=ALL_BITS,
        )
        space = store.get_space(tx.conn, space.id) or space
        tx.emit(created_event(tx, ctx, space, ctx.user_id, ctx.user.is_moderator))
        audit.record_txn(
            tx,
            action="space.created",
            actor=ctx.user.snapshot(),
            space_id=space.id,
            target_type="space",
            target_id=space.id,
            after={"name": name},
        )
        return space.wire(1)

    return await core.log.run(job)


async def get(core: Core, ctx: Ctx, space_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        access = space_access(conn, ctx.user, space_id)
        return access.space.wire(store.member_count(conn, space_id))

    return await core.db.read(read)


async def get_state(core: Core, ctx: Ctx, space_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        access = space_access(conn, ctx.user, space_id)
        access.require_member()
        return state(conn, access.space, ctx.user_id, ctx.user.is_moderator)

    return await core.db.read(read)


async def mine(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        return [s.wire(store.member_count(conn, s.id)) for s in store.spaces_of(conn, ctx.user_id)]

    return await core.db.read(read)


async def directory(
    core: Core, ctx: Ctx, *, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The open spaces (anyone may join them: POST /spaces/{id}/join), a page by id;
    closed spaces are reached only by invite and never listed."""

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        rows = store.open_spaces(conn, after=after, limit=limit + 1)
        page = [s.wire(store.member_count(conn, s.id)) for s in rows[:limit]]
        return page, len(rows) > limit

    return await core.db.read(read)


def _categories(conn: Connection, space_id: int, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > MAX_CATEGORIES:
        raise ValidationError(
            f"categories must be a list of at most {MAX_CATEGORIES}", code="invalid_categories"
        )
    own = {r.id for r in rooms_store.space_rooms(conn, space_id)}
    seen_rooms: set[int] = set()
    used_ids = {c.get("id") for c in value if isinstance(c, dict) and isinstance(c.get("id"), int)}
    next_id = max((i for i in used_ids if isinstance(i, int)), default=0) + 1
    out = []
    for c in value:
        if not isinstance(c, dict) or set(c) - {"id", "name", "room_ids"}:
            raise ValidationError("a category is {id?, name, room_ids}", code="invalid_categories")
        name = c.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 64 or "\x00" in name:
            raise ValidationError("category names are 1–64 characters", code="invalid_categories")
        ids = c.get("room_ids", [])
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise ValidationError("room_ids must be a list of ids", code="invalid_categories")
        for room_id in ids:
            if room_id not in own:
                raise ValidationError(
                    f"room {room_id} is not a room of this space", code="invalid_categories"
                )
            if room_id in seen_rooms:
                raise ValidationError(
                    f"room {room_id} is in two categories", code="invalid_categories"
                )
            seen_rooms.add(room_id)
        cid = c.get("id")
        if not isinstance(cid, int) or isinstance(cid, bool) or cid < 1:
            cid, next_id = next_id, next_id + 1
        out.append({"id": cid, "name": name.strip(), "room_ids": ids})
    if len({c["id"] for c in out}) != len(out):
        raise ValidationError("category ids must be unique", code="invalid_categories")
    return out


EDITABLE = (
    "name",
    "description",
    "icon_url",
    "system_room_id",
    "flags",
    "open",
    "default_permissions",
    "categories",
    "owner_id",
)


async def update(core: Core, ctx: Ctx, space_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    requested = {k: v for k, v in fields.items() if k in EDITABLE}
    cleaned: dict[str, Any] = {}
    for key, value in requested.items():
        if key in ("name", "description"):
            cleaned[key] = text_field(key, value)
        elif key == "icon_url":
            cleaned[key] = None if value is None else (text_field(key, value) or None)
        elif key == "open":
            if not isinstance(value, bool):
                raise ValidationError("open must be true or false", code="invalid_setting")
            cleaned[key] = value
        elif key == "flags":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FLAGS:
                raise ValidationError("flags must be a non-negative integer", code="invalid_flags")
            cleaned[key] = value
        elif key == "default_permissions":
            cleaned[key] = check_bits(value, key)
        elif key == "system_room_id":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValidationError("system_room_id must be a room id", code="invalid_room_id")
            cleaned[key] = value
        elif key == "owner_id":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError("owner_id must be a user id", code="invalid_owner")
            cleaned[key] = value
        else:
            cleaned[key] = value

    def job(tx: Tx) -> dict[str, Any]:
        access = members_access(tx.conn, ctx, space_id)
        access.require(Perm.MANAGE_SPACE)
        space = access.space
        if "categories" in cleaned:
            cleaned["categories"] = _categories(tx.conn, space_id, cleaned["categories"])
        room_id = cleaned.get("system_room_id")
        if room_id is not None:
            room = rooms_store.get_room(tx.conn, room_id)
            if room is None or room.space_id != space_id:
                raise ValidationError(
                    f"room {room_id} is not a room of this space", code="invalid_room_id"
                )
        new_owner = cleaned.get("owner_id", space.owner_id)
        if new_owner != space.owner_id:
            # Handing the space over is the owner's alone, to a member in good standing.
            if ctx.user_id != space.owner_id and not ctx.user.is_moderator:
                raise Forbidden("only the space's owner can transfer it", code="not_space_owner")
            if not store.is_member(tx.conn, space_id, new_owner):
                raise ValidationError(
                    f"user {new_owner} is not a member of this space", code="invalid_owner"
                )
        if "default_permissions" in cleaned and not access.owner:
            changed = cleaned["default_permissions"] ^ space.default_permissions
            no_escalation(access.perms, changed)
        before = space.wire()
        changes = {k: v for k, v in cleaned.items() if before[k] != v}
        if not changes:
            return space.wire(store.member_count(tx.conn, space_id))
        # Default permissions move everyone; a transfer only the two owners.
        moved = None
        if "owner_id" in changes and "default_permissions" not in changes:
            moved = frozenset({space.owner_id, changes["owner_id"]})
        bits_before = viewers.capture_bits(tx.conn, space, moved)
        store.update_space_txn(tx.conn, space_id, changes)
        tx.emit(
            space_event(
                "space.updated", space_id, ctx.user.snapshot(), {"changes": changes, "cleared": []}
            )
        )
        audit.record_txn(
            tx,
            action="space.updated",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="space",
            target_id=space_id,
            before={k: before[k] for k in changes},
            after=changes,
        )
        updated = store.get_space(tx.conn, space_id)
        assert updated is not None
        if "default_permissions" in changes or "owner_id" in changes:
            viewers.reconcile_txn(
                tx, updated, ctx.user.snapshot(), before_bits=bits_before, users=moved
            )
        return updated.wire(store.member_count(tx.conn, space_id))

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, space_id: int) -> None:
    def job(tx: Tx) -> None:
        access = space_access(tx.conn, ctx.user, space_id)
        if access.space.owner_id != ctx.user_id and not ctx.user.is_moderator:
            raise Forbidden("only the space's owner can delete it", code="not_space_owner")
        for room in rooms_store.space_rooms(tx.conn, space_id):
            rooms_store.soft_delete_room_txn(tx.conn, room.id, tx.now_ms)
        store.soft_delete_space_txn(tx.conn, space_id, tx.now_ms)
        tx.emit(space_event("space.deleted", space_id, ctx.user.snapshot(), {}))
        audit.record_txn(
            tx,
            action="space.deleted",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="space",
            target_id=space_id,
        )

    await core.log.run(job)


def members_access(conn: Connection, ctx: Ctx, space_id: int) -> SpaceAccess:
    access = space_access(conn, ctx.user, space_id)
    if not ctx.user.is_moderator:
        access.require_member()
    return access


def permission_table() -> dict[str, Any]:
    return {
        "permissions": [
            {
                "name": perms.name_of(bit),
                "value": int(bit),
                "description": perms.TABLE[perms.name_of(bit)],
            }
            for bit in Perm
        ],
        "all": ALL_BITS,
        "default": int(perms.DEFAULT),
    }
