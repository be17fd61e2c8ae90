"""Roles (RP-01…RP-03) and per-room overrides (RP-04).

The hierarchy rules every change obeys (owner and global staff are above all of them):
- a role is managed (edited, deleted, assigned, removed) only by someone whose highest
  role ranks strictly above it, and never on a member ranked at or above them;
- nobody grants, through a role, the space's defaults or an override, a bit they do not
  hold themselves (`permission_escalation`);
- a rank reorder may only move the roles below the caller's own.

After each change, `viewers.reconcile_txn` moves the affected users' rooms and moderator
status, so what they receive follows at once.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.events import LogEvent, member_updated, room_event, space_event
from hubbub.server.permissions import SPACE_ONLY, Perm, names
from hubbub.server.services import audit, viewers
from hubbub.server.services.access import (
    SpaceAccess,
    outranks,
    room_access,
    space_access,
    top_rank,
)
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.spaces import check_bits, no_escalation
from hubbub.server.store import spaces as store
from hubbub.server.store.log import Tx
from hubbub.server.store.spaces import SpaceRow

MAX_ROLES = 250
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-z]{3,20})$")


def _managing(conn: Connection, ctx: Ctx, space_id: int) -> SpaceAccess:
    access = space_access(conn, ctx.user, space_id)
    if not ctx.user.is_moderator:
        access.require_member()
    access.require(Perm.MANAGE_ROLES)
    return access


def _my_rank(conn: Connection, ctx: Ctx, space: SpaceRow) -> int:
    """The caller's highest rank; -1 for the owner and staff (above every role)."""
    if ctx.user.is_moderator:
        return -1
    mine = top_rank(conn, space, ctx.user_id)
    return len(store.role_table(conn, space.id)) + 1 if mine is None else mine


def _role_below_me(conn: Connection, ctx: Ctx, space: SpaceRow, role: dict[str, Any]) -> None:
    if role["rank"] <= _my_rank(conn, ctx, space):
        raise Forbidden(
            f"role {role['id']} ranks at or above your highest role", code="role_above_you"
        )


def _get_role(conn: Connection, space_id: int, role_id: int) -> dict[str, Any]:
    role = store.get_role(conn, space_id, role_id)
    if role is None:
        raise NotFound(f"role {role_id} not found", code="role_not_found")
    return role


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            if not isinstance(value, str):
                raise ValidationError("name must be a string", code="invalid_role_name")
            reject_nul(value, "name")
            value = value.strip()
            if not 1 <= len(value) <= 64:
                raise ValidationError("role names are 1–64 characters", code="invalid_role_name")
        elif key == "permissions":
            value = check_bits(value)
        elif key == "colour":
            if value is not None and (not isinstance(value, str) or not _COLOUR.match(value)):
                raise ValidationError(
                    "colour is #rgb, #rrggbb or a CSS colour name", code="invalid_colour"
                )
        elif key == "hoist":
            if not isinstance(value, bool):
                raise ValidationError("hoist must be true or false", code="invalid_setting")
        else:
            continue
        out[key] = value
    return out


def _space_event(type_: str, ctx: Ctx, space_id: int, data: dict[str, Any]) -> LogEvent:
    return space_event(type_, space_id, ctx.user.snapshot(), data)


async def list_roles(core: Core, ctx: Ctx, space_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        access = space_access(conn, ctx.user, space_id)
        if not ctx.user.is_moderator:
            access.require_member()
        return store.list_roles(conn, space_id)

    return await core.db.read(read)


async def create(core: Core, ctx: Ctx, space_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    values = _clean(fields)
    if "name" not in values:
        raise ValidationError("a role needs a name", code="invalid_role_name")

    def job(tx: Tx) -> dict[str, Any]:
        access = _managing(tx.conn, ctx, space_id)
        no_escalation(access.perms, values.get("permissions", 0))
        existing = store.role_table(tx.conn, space_id)
        if len(existing) >= MAX_ROLES:
            raise ValidationError(f"a space has at most {MAX_ROLES} roles", code="too_many_roles")
        role = store.insert_role_txn(
            tx.conn,
            space_id=space_id,
            name=values["name"],
            permissions=values.get("permissions", 0),
            colour=values.get("colour"),
            hoist=values.get("hoist", False),
            rank=len(existing),  # new roles start at the bottom
            created_at=tx.now_ms,
        )
        tx.emit(_space_event("role.created", ctx, space_id, {"role": role}))
        audit.record_txn(
            tx,
            action="role.created",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="role",
            target_id=role["id"],
            after=role,
        )
        return role

    return await core.log.run(job)


async def update(
    core: Core, ctx: Ctx, space_id: int, role_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    values = _clean(fields)

    def job(tx: Tx) -> dict[str, Any]:
        access = _managing(tx.conn, ctx, space_id)
        role = _get_role(tx.conn, space_id, role_id)
        _role_below_me(tx.conn, ctx, access.space, role)
        changes = {k: v for k, v in values.items() if role[k] != v}
        if "permissions" in changes:
            no_escalation(access.perms, changes["permissions"] ^ role["permissions"])
        if not changes:
            return role
        # Only the role's holders can see their rights move.
        holders = frozenset(store.role_holders(tx.conn, role_id))
        before = viewers.capture_bits(tx.conn, access.space, holders)
        store.update_role_txn(tx.conn, role_id, changes)
        cleared = ["colour"] if "colour" in changes and changes["colour"] is None else []
        shown = {k: v for k, v in changes.items() if k not in cleared}
        tx.emit(
            _space_event(
                "role.updated",
                ctx,
                space_id,
                {"role_id": role_id, "changes": shown, "cleared": cleared},
            )
        )
        audit.record_txn(
            tx,
            action="role.updated",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="role",
            target_id=role_id,
            before={k: role[k] for k in changes},
            after=changes,
        )
        if "permissions" in changes:
            viewers.reconcile_txn(
                tx, access.space, ctx.user.snapshot(), before_bits=before, users=holders
            )
        return _get_role(tx.conn, space_id, role_id)

    return await core.log.run(job)


async def delete(core: Core, ctx: Ctx, space_id: int, role_id: int) -> None:
    def job(tx: Tx) -> None:
        access = _managing(tx.conn, ctx, space_id)
        role = _get_role(tx.conn, space_id, role_id)
        _role_below_me(tx.conn, ctx, access.space, role)
        holders = frozenset(store.role_holders(tx.conn, role_id))
        before = viewers.capture_bits(tx.conn, access.space, holders)
        store.delete_role_txn(tx.conn, role_id)
        remaining = [r["id"] for r in store.list_roles(tx.conn, space_id)]
        store.set_ranks_txn(tx.conn, remaining)
        tx.emit(_space_event("role.deleted", ctx, space_id, {"role_id": role_id}))
        audit.record_txn(
            tx,
            action="role.deleted",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="role",
            target_id=role_id,
            before=role,
        )
        viewers.reconcile_txn(
            tx, access.space, ctx.user.snapshot(), before_bits=before, users=holders
        )

    await core.log.run(job)


async def set_ranks(
    core: Core, ctx: Ctx, space_id: int, role_ids: list[int]
) -> list[dict[str, Any]]:
    """Reorder every role of the space, highest first (D.36)."""

    def job(tx: Tx) -> list[dict[str, Any]]:
        access = _managing(tx.conn, ctx, space_id)
        current = store.list_roles(tx.conn, space_id)
        ids = [r["id"] for r in current]
        if sorted(role_ids) != sorted(ids) or len(set(role_ids)) != len(role_ids):
            raise ValidationError(
                "role_ids must list every role of the space exactly once",
                code="invalid_rank_order",
                details={"role_ids": ids},
            )
        mine = _my_rank(tx.conn, ctx, access.space)
        for rank, role_id in enumerate(ids):
            # Roles at or above mine keep their place; I may only shuffle those below me.
            if rank <= mine and role_ids[rank] != role_id:
                raise Forbidden(
                    "you can only reorder roles below your highest role", code="role_above_you"
                )
        if role_ids == ids:
            return current
        store.set_ranks_txn(tx.conn, role_ids)
        tx.emit(_space_event("role.ranks_updated", ctx, space_id, {"role_ids": role_ids}))
        audit.record_txn(
            tx,
            action="role.ranks_updated",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="space",
            target_id=space_id,
            before=ids,
            after=role_ids,
        )
        # Ranks order the overrides of the roles one member holds together: only members
        # with two roles or more can be affected.
        several = frozenset(
            u for u, held in store.roles_by_user(tx.conn, space_id).items() if len(held) > 1
        )
        viewers.reconcile_txn(tx, access.space, ctx.user.snapshot(), users=several)
        return store.list_roles(tx.conn, space_id)

    return await core.log.run(job)


async def assign(
    core: Core, ctx: Ctx, space_id: int, user_id: int, role_id: int, on: bool
) -> dict[str, Any]:
    """Give a member a role (`on`) or take it away; the member object after."""

    def job(tx: Tx) -> dict[str, Any]:
        access = _managing(tx.conn, ctx, space_id)
        role = _get_role(tx.conn, space_id, role_id)
        _role_below_me(tx.conn, ctx, access.space, role)
        member = store.get_member(tx.conn, space_id, user_id)
        if member is None:
            raise NotFound(f"user {user_id} is not a member", code="member_not_found")
        if user_id != ctx.user_id and not outranks(tx.conn, access.space, ctx.user, user_id):
            raise Forbidden(
                "that member's highest role is at or above yours", code="cannot_moderate_higher"
            )
        held = set(member["roles"])
        if (role_id in held) == on:
            return member
        before = viewers.capture_bits(tx.conn, access.space, frozenset({user_id}))
        if on:
            store.assign_role_txn(tx.conn, space_id, user_id, role_id)
        else:
            store.unassign_role_txn(tx.conn, space_id, user_id, role_id)
        roles_now = store.member_roles(tx.conn, space_id, user_id)
        tx.emit(member_updated(space_id, user_id, ctx.user.snapshot(), {"roles": roles_now}))
        audit.record_txn(
            tx,
            action="role.assigned" if on else "role.removed",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="user",
            target_id=user_id,
            before=sorted(held),
            after=roles_now,
        )
        viewers.reconcile_txn(
            tx, access.space, ctx.user.snapshot(), before_bits=before, users=frozenset({user_id})
        )
        found = store.get_member(tx.conn, space_id, user_id)
        assert found is not None
        return found

    return await core.log.run(job)


# -- overrides --------------------------------------------------------------------------

TARGETS = ("everyone", "role", "member")


async def overrides(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        room_access(conn, ctx.user, room_id)
        return store.overrides_wire(conn, room_id)

    return await core.db.read(read)


async def set_override(
    core: Core,
    ctx: Ctx,
    room_id: int,
    target_type: str,
    target_id: int,
    allow: int,
    deny: int,
) -> list[dict[str, Any]]:
    """Set (or, with both zero, remove) one override; the room's overrides after."""
    if target_type not in TARGETS:
        raise ValidationError(
            f"target_type must be one of {', '.join(TARGETS)}", code="invalid_override_target"
        )
    allow, deny = check_bits(allow, "allow"), check_bits(deny, "deny")
    if (allow | deny) & SPACE_ONLY:
        raise ValidationError(
            "these permissions only exist space-wide: "
            + ", ".join(names((allow | deny) & SPACE_ONLY)),
            code="invalid_permissions",
        )
    if allow & deny:
        raise ValidationError("a bit cannot be both allowed and denied", code="invalid_permissions")
    if target_type == "everyone":
        target_id = 0

    def job(tx: Tx) -> list[dict[str, Any]]:
        access = room_access(tx.conn, ctx.user, room_id)
        space_id = access.room.space_id
        if space_id is None:
            raise ValidationError(
                "overrides apply to rooms of a space; standalone rooms use access levels",
                code="not_a_space_room",
            )
        space = store.get_space(tx.conn, space_id)
        assert space is not None
        access.require(Perm.MANAGE_ROLES)
        no_escalation(access.perms, allow | deny)
        if target_type == "role":
            _role_below_me(tx.conn, ctx, space, _get_role(tx.conn, space_id, target_id))
        elif target_type == "member":
            if not store.is_member(tx.conn, space_id, target_id):
                raise NotFound(f"user {target_id} is not a member", code="member_not_found")
            if target_id != ctx.user_id and not outranks(tx.conn, space, ctx.user, target_id):
                raise Forbidden(
                    "that member's highest role is at or above yours",
                    code="cannot_moderate_higher",
                )
        before = store.overrides_wire(tx.conn, room_id)
        store.set_override_txn(tx.conn, room_id, target_type, target_id, allow, deny)
        after = store.overrides_wire(tx.conn, room_id)
        if after == before:
            return after
        tx.emit(
            room_event(
                "room.updated",
                room_id,
                ctx.user.snapshot(),
                {"changes": {"overrides": after}, "cleared": [], "actor_id": ctx.user_id},
                space_id=space_id,
            )
        )
        audit.record_txn(
            tx,
            action="room.override.updated",
            actor=ctx.user.snapshot(),
            room_id=room_id,
            space_id=space_id,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
        )
        # Who the override can move: its member, its role's holders, or everyone.
        affected: frozenset[int] | None = None
        if target_type == "member":
            affected = frozenset({target_id})
        elif target_type == "role":
            affected = frozenset(store.role_holders(tx.conn, target_id))
        viewers.reconcile_txn(tx, space, ctx.user.snapshot(), rooms=[access.room], users=affected)
        return after

    return await core.log.run(job)
