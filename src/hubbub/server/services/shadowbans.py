"""Shadowbans (MD-12, D.70): global ones set and lifted by staff, per-room ones by the
room's owners and moderators; each with an optional expiry.

A shadowbanned author's messages are stored with `shadowbanned = true` and delivered only
to them and the moderators (services.pipeline); the author sees nothing unusual. Nothing
tells the user: setting and lifting write an audit entry (`audit.entry.created` to the
moderators), and an expiry simply stops applying when the clock passes it (no event).
Global actions are audited in the server-wide scope, room 0, which only staff read.
"""

from __future__ import annotations

from typing import Any

from hubbub.errors import Forbidden, NotFound, ValidationError
from hubbub.server.services import audit
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import moderation as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx

MAX_EXPIRY_S = 366 * 24 * 3600
MAX_REASON = 1000


def require_staff(ctx: Ctx, what: str) -> None:
    if not ctx.user.is_moderator:
        raise Forbidden(f"only global moderators can {what}", code="not_staff")


def _expiry(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("expires_in_s must be an integer", code="invalid_expiry")
    if not 1 <= value <= MAX_EXPIRY_S:
        raise ValidationError(f"expires_in_s must be 1–{MAX_EXPIRY_S}", code="invalid_expiry")
    return value


def _reason(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_REASON or "\x00" in value:
        raise ValidationError(
            f"reason must be text of at most {MAX_REASON} characters", code="invalid_reason"
        )
    return value.strip() or None


def _target_txn(tx: Tx, ctx: Ctx, user_id: int) -> None:
    if users_store.get_user(tx.conn, user_id) is None:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    if user_id == ctx.user_id:
        raise ValidationError("you cannot shadowban yourself", code="cannot_shadowban_self")


def _set_txn(
    tx: Tx,
    ctx: Ctx,
    user_id: int,
    room_id: int | None,
    space_id: int | None,
    expires_in: int | None,
    reason: str | None,
) -> dict[str, Any]:
    """Replace the user's shadowban of this scope (room None: global) with a new one."""
    old = store.active_shadowban(tx.conn, user_id, room_id, tx.now_ms)
    if old is not None:
        store.lift_shadowban_txn(tx.conn, old["id"], tx.now_ms)
    values = {
        "user_id": user_id,
        "room_id": room_id,
        "reason": reason,
        "actor_id": ctx.user_id,
        "created_at": tx.now_ms,
        "expires_at": None if expires_in is None else tx.now_ms + expires_in * 1000,
    }
    row = {"id": store.insert_shadowban_txn(tx.conn, **values), **values}
    wire = store.shadowban_wire(row)
    audit.record_txn(
        tx,
        action="user.shadowbanned",
        actor=ctx.user.snapshot(),
        room_id=room_id,  # a global shadowban is audited on the user (scope user)
        space_id=space_id,
        target_type="user",
        target_id=user_id,
        before=None if old is None else store.shadowban_wire(old),
        after=wire,
        reason=reason,
    )
    return wire


def _lift_txn(tx: Tx, ctx: Ctx, user_id: int, room_id: int | None, space_id: int | None) -> None:
    old = store.active_shadowban(tx.conn, user_id, room_id, tx.now_ms)
    if old is None:
        raise NotFound("the user is not shadowbanned here", code="shadowban_not_found")
    store.lift_shadowban_txn(tx.conn, old["id"], tx.now_ms)
    audit.record_txn(
        tx,
        action="user.unshadowbanned",
        actor=ctx.user.snapshot(),
        room_id=room_id,  # a global shadowban is audited on the user (scope user)
        space_id=space_id,
        target_type="user",
        target_id=user_id,
        before=store.shadowban_wire(old),
        after=None,
    )


async def set_global(
    core: Core, ctx: Ctx, user_id: int, *, expires_in_s: Any = None, reason: Any = None
) -> dict[str, Any]:
    """Shadowban a user everywhere (staff). The shadowban object."""
    require_staff(ctx, "shadowban users everywhere")
    expires, why = _expiry(expires_in_s), _reason(reason)

    def job(tx: Tx) -> dict[str, Any]:
        _target_txn(tx, ctx, user_id)
        return _set_txn(tx, ctx, user_id, None, None, expires, why)

    result: dict[str, Any] = await core.log.run(job)
    return result


async def lift_global(core: Core, ctx: Ctx, user_id: int) -> None:
    require_staff(ctx, "lift global shadowbans")

    def job(tx: Tx) -> None:
        _lift_txn(tx, ctx, user_id, None, None)

    await core.log.run(job)


async def set_in_room(
    core: Core,
    ctx: Ctx,
    room_id: int,
    user_id: int,
    *,
    expires_in_s: Any = None,
    reason: Any = None,
) -> dict[str, Any]:
    """Shadowban a user in one room (its owners and moderators). The shadowban object."""
    expires, why = _expiry(expires_in_s), _reason(reason)

    def job(tx: Tx) -> dict[str, Any]:
        room = moderated_room_txn(tx.conn, ctx, room_id).room
        _target_txn(tx, ctx, user_id)
        return _set_txn(tx, ctx, user_id, room_id, room.space_id, expires, why)

    result: dict[str, Any] = await core.log.run(job)
    return result


async def lift_in_room(core: Core, ctx: Ctx, room_id: int, user_id: int) -> None:
    def job(tx: Tx) -> None:
        room = moderated_room_txn(tx.conn, ctx, room_id).room
        _lift_txn(tx, ctx, user_id, room_id, room.space_id)

    await core.log.run(job)


async def get_global(core: Core, ctx: Ctx, user_id: int) -> dict[str, Any] | None:
    """The user's global shadowban in force, or None (staff)."""
    require_staff(ctx, "read shadowbans")
    now = core.clock.now_ms()
    row = await core.db.read(lambda c: store.active_shadowban(c, user_id, None, now))
    return None if row is None else store.shadowban_wire(row)
