"""Space membership (SV-02…SV-04): joining (open spaces; invites in services.invites),
leaving, kicking and banning with the ban list, and members' nicknames and avatars.

Membership changes move the member's whole scope at one seq: a joiner gets `space.created`
(the space as they see it, with its rooms), a leaver gets `room.deleted` for each room and
then `space.member.removed` (services.visibility).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server import permissions as perms
from hubbub.server.events import Audience, member_updated, room_event, space_event
from hubbub.server.permissions import Perm, is_moderation
from hubbub.server.services import audit, viewers
from hubbub.server.services.access import SpaceAccess, outranks, space_access, space_not_found
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.spaces import created_event, members_access, state, text_field
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.spaces import SpaceRow


def join_txn(tx: Tx, ctx: Ctx, space: SpaceRow, via: str) -> dict[str, Any]:
    """Add the caller to a space (the caller checked the way in: open, or an invite)."""
    if store.is_banned(tx.conn, space.id, ctx.user_id):
        raise Forbidden("you are banned from this space", code="banned_from_space")
    if store.is_member(tx.conn, space.id, ctx.user_id):
        return state(tx.conn, space, ctx.user_id, ctx.user.is_moderator)
    store.add_member_txn(tx.conn, space.id, ctx.user_id, tx.now_ms)
    # The joiner's rooms arrive inside space.created, not one room.created each.
    joiner = frozenset({ctx.user_id})
    viewers.reconcile_txn(tx, space, ctx.user.snapshot(), users=joiner, quiet=joiner)
    created = created_event(tx, ctx, space, ctx.user_id, ctx.user.is_moderator)
    tx.emit(created)
    member = store.get_member(tx.conn, space.id, ctx.user_id)
    joined = {"member": member, "user": ctx.user.snapshot(), "via": via}
    tx.emit(
        space_event(
            "space.member.joined", space.id, ctx.user.snapshot(), joined, target_user_id=ctx.user_id
        )
    )
    audit.record_txn(
        tx,
        action="space.member.joined",
        actor=ctx.user.snapshot(),
        space_id=space.id,
        target_type="user",
        target_id=ctx.user_id,
        after={"via": via},
    )
    assert created.data is not None
    return created.data


async def join(core: Core, ctx: Ctx, space_id: int) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        space = store.get_space(tx.conn, space_id)
        if space is None:
            raise space_not_found(space_id)
        member = store.is_member(tx.conn, space_id, ctx.user_id)
        if not (space.open or member or ctx.user.is_moderator):
            if store.is_banned(tx.conn, space_id, ctx.user_id):
                raise Forbidden("you are banned from this space", code="banned_from_space")
            raise space_not_found(space_id)  # a closed space is only reachable by invite
        return join_txn(tx, ctx, space, "open")

    return await core.log.run(job)


def remove_member_txn(
    tx: Tx,
    space: SpaceRow,
    user_id: int,
    *,
    reason: str,
    actor: dict[str, Any] | None,
    audit_reason: str | None = None,
) -> None:
    """Take a member out of a space: each of its rooms leaves their scope (`room.deleted`),
    then `space.member.removed` to the space and to them."""
    conn = tx.conn
    bits = perms.space_permissions(user_id, False, store.facts(conn, space, user_id))
    room_reason = "left" if reason == "leave" else "access_lost"
    for room_id, role in rooms_store.space_rooms_of(conn, user_id, space.id):
        rooms_store.remove_member_txn(conn, room_id, user_id)
        tx.emit(
            room_event(
                "room.deleted",
                room_id,
                actor,
                {"reason": room_reason, "role": role},
                audience=Audience.USER,
                target_user_id=user_id,
                space_id=space.id,
            )
        )
    store.remove_member_txn(conn, space.id, user_id)
    removed = {
        "user_id": user_id,
        "reason": reason,
        "actor_id": None if actor is None or reason == "leave" else actor["id"],
        "moderator": is_moderation(bits),
    }
    tx.emit(space_event("space.member.removed", space.id, actor, removed, target_user_id=user_id))
    action = {"leave": "space.member.left", "kick": "space.member.kicked"}.get(
        reason, "space.member.banned"
    )
    audit.record_txn(
        tx,
        action=action,
        actor=actor,
        space_id=space.id,
        target_type="user",
        target_id=user_id,
        reason=audit_reason,
    )


async def leave(core: Core, ctx: Ctx, space_id: int) -> None:
    def job(tx: Tx) -> None:
        access = space_access(tx.conn, ctx.user, space_id)
        if not access.member:
            return
        if access.space.owner_id == ctx.user_id:
            raise Conflict(
                "the owner cannot leave; transfer ownership or delete the space",
                code="owner_cannot_leave",
            )
        remove_member_txn(tx, access.space, ctx.user_id, reason="leave", actor=ctx.user.snapshot())

    await core.log.run(job)


def _moderate_member(
    tx: Tx, ctx: Ctx, space_id: int, user_id: int, bit: Perm, verb: str
) -> SpaceAccess:
    access = space_access(tx.conn, ctx.user, space_id)
    if not ctx.user.is_moderator:
        access.require_member()
    access.require(bit)
    if user_id == ctx.user_id:
        raise Conflict(f"you cannot {verb} yourself", code=f"cannot_{verb}_self")
    if user_id == access.space.owner_id:
        raise Forbidden(
            f"the space's owner cannot be {verb}ned"
            if verb == "ban"
            else "the space's owner cannot be kicked",
            code=f"cannot_{verb}_owner",
        )
    if store.is_member(tx.conn, space_id, user_id) and not outranks(
        tx.conn, access.space, ctx.user, user_id
    ):
        raise Forbidden(
            "that member's highest role is at or above yours", code="cannot_moderate_higher"
        )
    return access


def _reason(value: str | None) -> str | None:
    if value is None:
        return None
    reject_nul(value, "reason")
    if len(value) > 512:
        raise ValidationError("reason must be at most 512 characters", code="reason_too_long")
    return value.strip() or None


async def kick(core: Core, ctx: Ctx, space_id: int, user_id: int, reason: str | None) -> None:
    why = _reason(reason)

    def job(tx: Tx) -> None:
        access = _moderate_member(tx, ctx, space_id, user_id, Perm.KICK, "kick")
        if not store.is_member(tx.conn, space_id, user_id):
            raise NotFound(f"user {user_id} is not a member", code="member_not_found")
        remove_member_txn(
            tx, access.space, user_id, reason="kick", actor=ctx.user.snapshot(), audit_reason=why
        )

    await core.log.run(job)


async def ban(core: Core, ctx: Ctx, space_id: int, user_id: int, reason: str | None) -> None:
    why = _reason(reason)

    def job(tx: Tx) -> None:
        access = _moderate_member(tx, ctx, space_id, user_id, Perm.BAN, "ban")
        if users_store.get_user(tx.conn, user_id) is None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        if store.is_banned(tx.conn, space_id, user_id):
            return  # banning twice changes nothing
        store.ban_txn(tx.conn, space_id, user_id, why, ctx.user_id, tx.now_ms)
        if store.is_member(tx.conn, space_id, user_id):
            remove_member_txn(
                tx,
                access.space,
                user_id,
                reason="ban",
                actor=ctx.user.snapshot(),
                audit_reason=why,
            )
        else:
            audit.record_txn(
                tx,
                action="space.member.banned",
                actor=ctx.user.snapshot(),
                space_id=space_id,
                target_type="user",
                target_id=user_id,
                reason=why,
            )

    await core.log.run(job)


async def unban(core: Core, ctx: Ctx, space_id: int, user_id: int) -> None:
    def job(tx: Tx) -> None:
        access = space_access(tx.conn, ctx.user, space_id)
        access.require(Perm.BAN)
        if not store.unban_txn(tx.conn, space_id, user_id):
            raise NotFound(f"user {user_id} is not banned", code="ban_not_found")
        audit.record_txn(
            tx,
            action="space.member.unbanned",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="user",
            target_id=user_id,
        )

    await core.log.run(job)


async def bans(core: Core, ctx: Ctx, space_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        space_access(conn, ctx.user, space_id).require(Perm.BAN)
        return store.list_bans(conn, space_id)

    return await core.db.read(read)


async def members(
    core: Core, ctx: Ctx, space_id: int, *, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        members_access(conn, ctx, space_id)
        rows = store.list_members(conn, space_id, after=after, limit=limit + 1)
        return rows[:limit], len(rows) > limit

    return await core.db.read(read)


async def member(core: Core, ctx: Ctx, space_id: int, user_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        members_access(conn, ctx, space_id)
        found = store.get_member(conn, space_id, user_id)
        if found is None:
            raise NotFound(f"user {user_id} is not a member", code="member_not_found")
        return found

    return await core.db.read(read)


async def update_member(
    core: Core, ctx: Ctx, space_id: int, user_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "nickname" in fields:
        nick = fields["nickname"]
        if nick is not None:
            reject_nul(nick, "nickname")
            nick = nick.strip() or None
            if nick is not None and len(nick) > 64:
                raise ValidationError(
                    "nickname must be at most 64 characters", code="nickname_too_long"
                )
        values["nickname"] = nick
    if "avatar_url" in fields:
        values["avatar_url"] = (
            None
            if fields["avatar_url"] is None
            else (text_field("icon_url", fields["avatar_url"]) or None)
        )

    def job(tx: Tx) -> dict[str, Any]:
        access = members_access(tx.conn, ctx, space_id)
        current = store.get_member(tx.conn, space_id, user_id)
        if current is None:
            raise NotFound(f"user {user_id} is not a member", code="member_not_found")
        if user_id == ctx.user_id:
            if "nickname" in values:
                access.require(Perm.CHANGE_NICKNAME)
        else:
            if "avatar_url" in values:
                raise Forbidden("only members change their own avatar", code="not_yourself")
            access.require(Perm.MANAGE_NICKNAMES)
            if not outranks(tx.conn, access.space, ctx.user, user_id):
                raise Forbidden(
                    "that member's highest role is at or above yours",
                    code="cannot_moderate_higher",
                )
        changes = {k: v for k, v in values.items() if v is not None and current[k] != v}
        cleared = sorted(k for k, v in values.items() if v is None and current[k] is not None)
        if changes or cleared:
            store.update_member_txn(tx.conn, space_id, user_id, values)
            tx.emit(member_updated(space_id, user_id, ctx.user.snapshot(), changes, cleared))
            audit.record_txn(
                tx,
                action="space.member.updated",
                actor=ctx.user.snapshot(),
                space_id=space_id,
                target_type="user",
                target_id=user_id,
                before={k: current[k] for k in [*changes, *cleared]},
                after={**changes, **dict.fromkeys(cleared)},
            )
        found = store.get_member(tx.conn, space_id, user_id)
        assert found is not None
        return found

    return await core.log.run(job)
