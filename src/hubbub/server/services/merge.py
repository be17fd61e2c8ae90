"""Account merge (ID-12, EVENTS.md C.2 #13): global staff fold a source account into a
target, in one job.

- The source's messages (deleted ones too) are authored by the target from now on.
- Standalone rooms: a membership the target lacks moves over with its role and level
  (`room.member.left` + `room.deleted` to the source, `room.member.joined` {via: merge} for
  the target); one the target already has is simply dropped. A DM moves only when the
  target has no DM with that person yet (its pair key follows); otherwise it stays.
- Spaces: the target joins each space of the source it is not in and not banned from
  (services.space_members.join_txn), then the source is removed from it. A source that
  owns spaces is refused (409 source_owns_spaces): hand them over first.
- The source gets `merged_into`; its sessions are revoked. `GET /users/{source}` (and
  services.auth.get_user) answer with the target, which carries `merged_from`.
- `user.merged` {source_user_id, target_user_id} goes to the observers of either account
  (the source's fan-out is taken before anything moves).
"""

from __future__ import annotations

from typing import Any

from hubbub.errors import BadRequest, Conflict, Forbidden
from hubbub.server.events import member_left, room_event
from hubbub.server.services import observers, sessions, space_members
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.profiles import not_found
from hubbub.server.services.system_users import refuse_system
from hubbub.server.store import dms as dms_store
from hubbub.server.store import profiles as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.profiles import Membership
from hubbub.server.store.users import UserRow


def _account_txn(tx: Tx, user_id: int) -> UserRow:
    refuse_system(user_id, "merged")
    user = users_store.get_user(tx.conn, user_id)
    if user is None:
        raise not_found(user_id)
    if user.deleted_at is not None or user.merged_into is not None:
        raise Conflict(f"user {user_id} is closed (wiped or merged)", code="account_closed")
    return user


def _moved_txn(
    tx: Tx, m: Membership, source: UserRow, target: UserRow, actor: dict[str, Any]
) -> None:
    """Room events for a membership that passed from source to target."""
    for ev in member_left(m.room_id, source.id, actor, "merged", m.role, actor["id"]):
        tx.emit(ev)
    now = tx.now_ms
    member = rooms_store.member_wire(
        m.room_id, {**target.snapshot(), "role": m.role, "level": m.level, "joined_at": now}
    )
    joined = {"user_id": target.id, "member": member, "via": "merge"}
    tx.emit(room_event("room.member.joined", m.room_id, actor, joined, target_user_id=target.id))


def _rooms_txn(tx: Tx, source: UserRow, target: UserRow, actor: dict[str, Any]) -> None:
    conn = tx.conn
    theirs = {m.room_id for m in store.memberships(conn, target.id)}
    for m in store.memberships(conn, source.id):
        if m.space_id is not None:
            continue  # follows the space membership
        if m.room_id in theirs:
            rooms_store.remove_member_txn(conn, m.room_id, source.id)
            left = {"user_id": source.id, "reason": "merged", "actor_id": actor["id"]}
            left["role"] = m.role
            tx.emit(
                room_event("room.member.left", m.room_id, actor, left, target_user_id=source.id)
            )
            continue
        if m.kind == "dm":
            other = dms_store.other_party(conn, m.room_id, source.id)
            key = dms_store.dm_key(target.id, target.id if other is None else other)
            if dms_store.find_by_key(conn, key) is not None:
                continue  # the target already talks to them: this DM stays as it is
            rooms_store.update_room_txn(conn, m.room_id, {"dm_key": key})
        store.move_membership_txn(conn, m.room_id, source.id, target.id)
        _moved_txn(tx, m, source, target, actor)


def _spaces_txn(tx: Tx, source: UserRow, target: UserRow, actor: dict[str, Any]) -> None:
    conn = tx.conn
    as_target = Ctx(user=target, session_id=0)
    for space_id in store.space_ids_of(conn, source.id):
        space = spaces_store.get_space(conn, space_id)
        if space is None:
            continue
        banned = spaces_store.is_banned(conn, space_id, target.id)
        if not banned and not spaces_store.is_member(conn, space_id, target.id):
            space_members.join_txn(tx, as_target, space, "merge")
        space_members.remove_member_txn(
            tx, space, source.id, reason="leave", actor=actor, audit_reason="account merged"
        )


async def merge(core: Core, ctx: Ctx, source_id: int, target_id: int) -> dict[str, Any]:
    """Fold `source_id` into `target_id`; the `user.merged` payload."""
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators can merge accounts", code="not_global_moderator")
    if source_id == target_id:
        raise BadRequest("an account cannot be merged into itself", code="cannot_merge_self")

    def job(tx: Tx) -> sessions.Revocation:
        conn = tx.conn
        source, target = _account_txn(tx, source_id), _account_txn(tx, target_id)
        if source.bot != target.bot:
            raise Conflict("a bot and a person cannot be merged", code="merge_bot_mismatch")
        owned = store.owned_space_ids(conn, source.id)
        if owned:
            raise Conflict(
                "the source account owns spaces: transfer them first",
                code="source_owns_spaces",
                details={"space_ids": owned},
            )
        fan = observers.fanout_txn(conn, source.id)  # before anything moves
        actor = ctx.user.snapshot()
        store.move_messages_txn(conn, source.id, target.id)
        _rooms_txn(tx, source, target, actor)
        _spaces_txn(tx, source, target, actor)
        store.set_merged_txn(conn, source.id, target.id)
        revocation = sessions.revoke_sessions_txn(tx, source.id, reason=sessions.REVOKED)
        data = {"source_user_id": source.id, "target_user_id": target.id}
        tx.emit(observers.event_txn(conn, "user.merged", target.id, actor, data, also=fan))
        return revocation

    revocation = await core.log.run(job)
    sessions.publish_revocation(core, revocation)
    return {"source_user_id": source_id, "target_user_id": target_id}
