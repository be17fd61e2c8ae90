"""Account deletion and platform wipes (ID-13, EVENTS.md C.2 #14, D.32).

A wipe runs in one job. The OBSERVERS fan-out is computed first, while the user still
shares rooms, spaces and relationships with people; then:

1. every live message of theirs is tombstoned with its content blanked
   (`message.bulk_deleted` {reason: wipe, purged_user_id} per room);
2. their DMs are closed (`room.deleted` to the pair); they leave their groups
   (services.dms) and standalone rooms (`room.member.left`, then `room.deleted` to them);
3. spaces they own are deleted (`space.deleted`); they are removed from the others
   (services.space_members: `room.deleted` per room, `space.member.removed`);
4. each relationship goes: the other party gets `relationship.updated` {status: none};
5. every session is revoked (`session.deleted_all`; their gateway connections get
   `session.logged_out` {reason: wiped} and close 4001);
6. `users.flags` gains the wipe's bits, `deleted_at` is set, the profile is blanked;
7. `user.wiped` {user_id, flags, raw_flags} goes to the fan-out computed in step 0.

Who may: the user themselves (`DELETE /users/me`, password confirmed; flag `deleted`),
a bot's owner (`DELETE /users/{bot id}`, the owner's password), or global staff
(`POST /admin/users/{id}/wipe` with flags banned | spam | deleted and a reason).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError

from hubbub.errors import BadRequest, Conflict, Forbidden, ValidationError
from hubbub.server.events import (
    Audience,
    LogEvent,
    member_left,
    observers_event,
    room_event,
    space_event,
)
from hubbub.server.services import audit, auth, dms, observers, sessions, space_members
from hubbub.server.services.access import room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.profiles import drop_file, not_found, own_avatar_key
from hubbub.server.services.system_users import refuse_system
from hubbub.server.store import dms as dms_store
from hubbub.server.store import profiles as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.messages import count_in_room
from hubbub.server.store.users import USER_FLAGS, UserRow, flag_names

# What an administrator may set with a wipe; `suspended` belongs to suspensions.
WIPE_FLAGS = ("banned", "spam", "deleted")
MAX_REASON = 512
EVENT_CHUNK = 1000
DELETED_NAME = "Deleted user"


def check_flags(names: Sequence[str]) -> int:
    if not names:
        raise ValidationError(
            "flags must name at least one of " + ", ".join(WIPE_FLAGS), code="invalid_flags"
        )
    bits = 0
    for name in names:
        if name not in WIPE_FLAGS:
            raise ValidationError(
                f"unknown wipe flag {name!r}; expected {', '.join(WIPE_FLAGS)}",
                code="invalid_flags",
                details={"flag": str(name)[:32]},
            )
        bits |= USER_FLAGS[name]
    return bits


def check_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise ValidationError(f"reason is at most {MAX_REASON} characters", code="invalid_reason")
    return reason.strip() or None


def wipeable_txn(tx: Tx, user_id: int) -> UserRow:
    refuse_system(user_id, "wiped")
    user = users_store.get_user(tx.conn, user_id)
    if user is None:
        raise not_found(user_id)
    if user.deleted_at is not None:
        raise Conflict(f"user {user_id} is already wiped", code="already_wiped")
    if user.merged_into is not None:
        raise Conflict(f"user {user_id} was merged into {user.merged_into}", code="user_merged")
    return user


def _tombstone_txn(tx: Tx, user: UserRow, actor: dict[str, Any] | None) -> None:
    by_room = store.live_ids_by_room(tx.conn, user.id)
    store.blank_messages_txn(tx.conn, user.id, tx.now_ms)
    actor_id = None if actor is None else actor["id"]
    for room_id, ids in by_room.items():
        for start in range(0, len(ids), EVENT_CHUNK):
            data = {
                "message_ids": ids[start : start + EVENT_CHUNK],
                "reason": "wipe",
                "purged_user_id": user.id,
                "actor_id": actor_id,
            }
            tx.emit(room_event("message.bulk_deleted", room_id, actor, data))


def _leave_rooms_txn(tx: Tx, user: UserRow, actor: dict[str, Any] | None) -> None:
    conn = tx.conn
    me = Ctx(user=user, session_id=0)
    actor_id = None if actor is None else actor["id"]
    for m in store.memberships(conn, user.id):
        if m.space_id is not None:
            continue  # a space's rooms go with the space membership
        if m.kind == "dm":
            deleted = count_in_room(conn, m.room_id)
            rooms_store.soft_delete_room_txn(conn, m.room_id, tx.now_ms)
            dms_store.release_key_txn(conn, m.room_id)
            data = {"reason": "deleted", "deleted_events_count": deleted}
            tx.emit(room_event("room.deleted", m.room_id, actor, data))
        elif m.kind == "group":
            dms.leave_group_txn(tx, me, room_access(conn, user, m.room_id))
        else:
            rooms_store.remove_member_txn(conn, m.room_id, user.id)
            for ev in member_left(m.room_id, user.id, actor, "wiped", m.role, actor_id):
                tx.emit(ev)


def _leave_spaces_txn(tx: Tx, user: UserRow, actor: dict[str, Any] | None, self_: bool) -> None:
    conn = tx.conn
    for space_id in store.owned_space_ids(conn, user.id):
        for room in rooms_store.space_rooms(conn, space_id):
            rooms_store.soft_delete_room_txn(conn, room.id, tx.now_ms)
        spaces_store.soft_delete_space_txn(conn, space_id, tx.now_ms)
        tx.emit(space_event("space.deleted", space_id, actor, {}))
        audit.record_txn(
            tx,
            action="space.deleted",
            actor=actor,
            space_id=space_id,
            target_type="space",
            target_id=space_id,
            reason="owner wiped",
        )
    for space_id in store.space_ids_of(conn, user.id):
        space = spaces_store.get_space(conn, space_id)
        if space is None:
            continue
        reason = "leave" if self_ else "kick"
        space_members.remove_member_txn(
            tx, space, user.id, reason=reason, actor=actor, audit_reason="account wiped"
        )


def _drop_relations_txn(tx: Tx, user: UserRow, actor: dict[str, Any] | None) -> None:
    for other_id, previous in store.relations_towards(tx.conn, user.id):
        data = {
            "user_id": user.id,
            "status": "none",
            "previous_status": previous,
            "user": user.snapshot(),
        }
        tx.emit(
            LogEvent(
                type="relationship.updated",
                audience=Audience.USER,
                data=data,
                actor=actor,
                target_user_id=other_id,
            )
        )
    store.delete_relations_txn(tx.conn, user.id)


def wipe_txn(
    tx: Tx, user: UserRow, bits: int, actor: dict[str, Any] | None, *, self_: bool = False
) -> sessions.Revocation:
    """Wipe `user` (see the module docstring); publish the result after the commit."""
    conn = tx.conn
    fan = observers.fanout_txn(conn, user.id)  # before anything is taken away
    _tombstone_txn(tx, user, actor)
    _leave_rooms_txn(tx, user, actor)
    _leave_spaces_txn(tx, user, actor, self_)
    _drop_relations_txn(tx, user, actor)
    revocation = sessions.revoke_sessions_txn(tx, user.id, reason=sessions.WIPED)
    flags = user.flags | bits
    values: dict[str, Any] = {
        "flags": flags,
        "deleted_at": tx.now_ms,
        "about": "",
        "status_text": None,
        "avatar_url": None,
    }
    if bits & USER_FLAGS["deleted"]:
        values["display_name"] = DELETED_NAME
    store.update_user_txn(conn, user.id, values)
    data = {"user_id": user.id, "flags": flag_names(flags), "raw_flags": flags}
    tx.emit(observers_event("user.wiped", user.id, actor, data, fan))
    return revocation


async def _run(core: Core, job: Any) -> None:
    revocation, old_avatar = await core.log.run(job)
    sessions.publish_revocation(core, revocation)
    await drop_file(core, old_avatar)


async def _confirm_password(core: Core, user: UserRow, password: str) -> None:
    if not user.password_hash:
        raise Forbidden("this account has no password", code="wrong_password")
    try:
        await asyncio.to_thread(auth.hasher(core).verify, user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Forbidden("the password is wrong", code="wrong_password") from None


async def delete_account(core: Core, ctx: Ctx, password: str, user_id: int | None = None) -> None:
    """Delete one's own account (`user_id` None) or a bot one owns, confirmed with the
    caller's password."""
    me = await core.db.read(lambda c: users_store.get_user(c, ctx.user_id))
    if me is None:
        raise not_found(ctx.user_id)
    if user_id is None or user_id == ctx.user_id:
        if me.bot:
            raise Forbidden("a bot is deleted by its owner", code="bot_deleted_by_owner")
        target_id = me.id
    else:
        target_id = user_id
    await _confirm_password(core, me, password)

    def job(tx: Tx) -> tuple[sessions.Revocation, str | None]:
        user = wipeable_txn(tx, target_id)
        if user.id != me.id and not (user.bot and user.owner_id == me.id):
            raise Forbidden("only a bot's owner can delete it", code="not_bot_owner")
        actor = me.snapshot()
        rev = wipe_txn(tx, user, USER_FLAGS["deleted"], actor, self_=user.id == me.id)
        return rev, own_avatar_key(user.avatar_url, user.id)

    await _run(core, job)


async def admin_wipe(
    core: Core, ctx: Ctx, user_id: int, flags: Sequence[str], reason: str | None
) -> dict[str, Any]:
    """Global staff wipe an account with the given flags; the `user.wiped` payload."""
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators can wipe accounts", code="not_global_moderator")
    bits = check_flags(flags)
    check_reason(reason)
    if user_id == ctx.user_id:
        raise BadRequest("you cannot wipe your own account", code="cannot_wipe_self")

    def job(tx: Tx) -> tuple[sessions.Revocation, str | None]:
        user = wipeable_txn(tx, user_id)
        return wipe_txn(tx, user, bits, ctx.user.snapshot()), own_avatar_key(
            user.avatar_url, user.id
        )

    await _run(core, job)
    user = await core.db.read(lambda c: users_store.get_user(c, user_id))
    assert user is not None
    return {"user_id": user.id, "flags": flag_names(user.flags), "raw_flags": user.flags}
