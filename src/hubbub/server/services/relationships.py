"""Friends and blocks (RL-01, D.31, D.44): send, accept, decline or cancel a friend request,
remove a friend, block and unblock.

Each party keeps its own view of the pair (store.relationships). A change is computed by
`transition` (pure: the two views before → the two views after, or the refusal) and each
party whose view moved is told with its own `relationship.updated` (audience USER, the
other party as `user_id` and `user`). Nothing changes → nothing is logged.

    A's view      B's view       A befriends B         A blocks B          A unblocks B
    none          none           outgoing / incoming   blocked / b_other   (no change)
    outgoing      incoming       409 already_requested blocked / b_other   (no change)
    incoming      outgoing       friend / friend       blocked / b_other   (no change)
    friend        friend         409 already_friends   blocked / b_other   (no change)
    blocked       b_other        403 blocked           (no change)         none / none
    b_other       blocked        403 blocked           blocked / blocked   (no change)
    blocked       blocked        403 blocked           (no change)         b_other / blocked

Removing a friend (or cancelling / declining a request) takes friend, outgoing and
incoming pairs back to none / none and leaves blocks alone. Bots have no relationships:
they cannot send or accept requests (403 bot_cannot_befriend) nor block; people may block
a bot. The reserved system users (ids < 0) take part in none of this.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import BadRequest, Conflict, Forbidden, NotFound
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import relationships as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.relationships import (
    BLOCKED,
    BLOCKED_OTHER,
    FRIEND,
    INCOMING,
    NONE,
    OUTGOING,
)
from hubbub.server.store.users import UserRow

BEFRIEND = "befriend"
UNFRIEND = "unfriend"
BLOCK = "block"
UNBLOCK = "unblock"
OPS = (BEFRIEND, UNFRIEND, BLOCK, UNBLOCK)


def blocked_error() -> Forbidden:
    return Forbidden("one of you has blocked the other", code="blocked")


def transition(op: str, mine: str, theirs: str) -> tuple[str, str]:
    """The two views after `op` by the first party, from the two views before; raises
    the refusal. Pure (see the module docstring's table)."""
    if op == BEFRIEND:
        if BLOCKED in (mine, theirs) or mine == BLOCKED_OTHER:
            raise blocked_error()
        if mine == FRIEND:
            raise Conflict("you are already friends", code="already_friends")
        if mine == OUTGOING:
            raise Conflict("you already sent this user a friend request", code="already_requested")
        if mine == INCOMING:
            return FRIEND, FRIEND
        return OUTGOING, INCOMING
    if op == UNFRIEND:
        if mine in (FRIEND, OUTGOING, INCOMING):
            return NONE, NONE
        return mine, theirs
    if op == BLOCK:
        if mine == BLOCKED:
            return mine, theirs
        return BLOCKED, (BLOCKED if theirs == BLOCKED else BLOCKED_OTHER)
    if op == UNBLOCK:
        if mine != BLOCKED:
            return mine, theirs
        if theirs == BLOCKED:
            return BLOCKED_OTHER, BLOCKED
        return NONE, NONE
    raise ValueError(f"unknown relationship operation {op!r}")


def user_not_found(what: object) -> NotFound:
    return NotFound(f"user {what} not found", code="user_not_found")


def live_user_txn(conn: Connection, user_id: int) -> UserRow:
    """A user who can be related to (or DMed, or added to a group): exists, not deleted,
    not a reserved system user."""
    if user_id < 0:
        raise Forbidden("the system users cannot be related to", code="system_user")
    found = users_store.get_user(conn, user_id)
    if found is None or found.deleted_at is not None:
        raise user_not_found(user_id)
    return found


def _other_txn(conn: Connection, ctx: Ctx, user_id: int) -> UserRow:
    if user_id == ctx.user_id:
        raise BadRequest("you cannot do this to yourself", code="cannot_relate_to_self")
    return live_user_txn(conn, user_id)


def _check_bots(op: str, me: UserRow, other: UserRow) -> None:
    if op == BEFRIEND and (me.bot or other.bot):
        raise Forbidden("bots cannot have friends", code="bot_cannot_befriend")
    if op in (BLOCK, UNBLOCK) and me.bot:
        raise Forbidden("bots have no relationships", code="bot_no_relationships")


def view(other: UserRow, status: str) -> dict[str, Any]:
    """One party's relationship object: {user_id, status, user}."""
    return {"user_id": other.id, "status": status, "user": other.snapshot()}


def _updated(
    to: int, other: UserRow, status: str, previous: str, actor: dict[str, Any]
) -> LogEvent:
    return LogEvent(
        type="relationship.updated",
        audience=Audience.USER,
        data={**view(other, status), "previous_status": previous},
        actor=actor,
        target_user_id=to,
    )


def apply_txn(tx: Tx, ctx: Ctx, op: str, other: UserRow) -> dict[str, Any]:
    """Run `op` by the caller on `other` inside a job; the caller's view afterwards."""
    me = ctx.user
    _check_bots(op, me, other)
    conn = tx.conn
    mine, theirs = store.status_of(conn, me.id, other.id), store.status_of(conn, other.id, me.id)
    new_mine, new_theirs = transition(op, mine, theirs)
    actor = me.snapshot()
    if new_mine != mine:
        store.set_status_txn(conn, me.id, other.id, new_mine, tx.now_ms)
        tx.emit(_updated(me.id, other, new_mine, mine, actor))
    if new_theirs != theirs:
        store.set_status_txn(conn, other.id, me.id, new_theirs, tx.now_ms)
        tx.emit(_updated(other.id, me, new_theirs, theirs, actor))
    return view(other, new_mine)


async def change(core: Core, ctx: Ctx, op: str, user_id: int) -> dict[str, Any]:
    """Befriend (send or accept), unfriend (remove, cancel, decline), block or unblock
    `user_id`; the caller's view of the pair afterwards."""

    def job(tx: Tx) -> dict[str, Any]:
        return apply_txn(tx, ctx, op, _other_txn(tx.conn, ctx, user_id))

    return await core.log.run(job)


async def befriend_by_handle(core: Core, ctx: Ctx, handle: str) -> dict[str, Any]:
    """A friend request (or acceptance) addressed by handle."""

    def job(tx: Tx) -> dict[str, Any]:
        found = users_store.get_user_by_handle(tx.conn, handle.strip())
        if found is None:
            raise user_not_found(repr(handle[:40]))
        return apply_txn(tx, ctx, BEFRIEND, _other_txn(tx.conn, ctx, found.id))

    return await core.log.run(job)


async def list_mine(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    """The caller's relationships, by other user id (a bot's list is empty)."""
    return await core.db.read(lambda c: store.relationships_for_ready(c, ctx.user_id))
