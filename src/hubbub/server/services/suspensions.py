"""Platform suspensions (MD-11, D.14, EVENTS.md #15–16): staff suspend a user until a
time, extend or shorten it, or clear it; it clears itself when it expires.

A suspended user can read everything they could before, but every write is refused 403
`suspended` with `details.expires_at`: REST writes (api.deps, all but the few listed in
`ALLOWED_WHILE_SUSPENDED`: logging out, sessions, settings, read marks, muting, presence,
leaving, blocking; commands, of which only `/help` runs: services.commands) and the
gateway's typing, editing and command ops.

The check costs nothing per request: it reads the `suspended` bit of users.flags (D.32)
from the user row the token cache already holds. The bit is kept in step with the
suspension rows in the same transaction, and every node drops its cached copies of the
user when `user.suspended` / `user.unsuspended` passes through its log delivery (app.py),
so a change is enforced everywhere at once (this node also forgets before answering).

Events go to the user (every session) and to global staff: audience MODS with neither
room nor space and `target_user_id` set. Each change writes an audit entry of scope
`user` (the user is the scope: a suspension belongs to no room or space), announced to
staff as `audit.entry.created`.

Expiry: `expire_due(core)`, run every second by the app (and by tests after moving the
injected clock), clears each due suspension in its own job; the `cleared_at IS NULL`
guard in the update decides which node logs `user.unsuspended`, so it is logged once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services import audit
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import suspensions as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.suspensions import SUSPENDED
from hubbub.server.store.users import UserRow

__all__ = [
    "ALLOWED_WHILE_SUSPENDED",
    "MAX_DURATION_S",
    "SUSPENDED",
    "USER_FLAG_EVENTS",
    "expire_due",
    "get",
    "is_suspended",
    "parse_time",
    "refusal",
    "require_active",
    "suspend",
    "suspend_txn",
    "unsuspend",
    "write_allowed",
]

# Events after which every node drops its cached copies of the target user (app.py).
USER_FLAG_EVENTS = frozenset({"user.suspended", "user.unsuspended"})
MAX_DURATION_S = 10 * 365 * 24 * 3600  # ten years
MAX_REASON = 512
EXPIRE_BATCH = 100

# REST writes a suspended user may still make (paths under /api/v1): their own session,
# settings, read marks and presence, and getting away from people.
ALLOWED_WHILE_SUSPENDED = re.compile(
    r"^/api/v1/("
    r"auth/logout"
    r"|sessions(/[^/]+)?"
    r"|users/me/(settings|presence)"
    r"|users/[^/]+/block"
    r"|rooms/[^/]+/(ack|mute|leave|commands)"
    r"|spaces/[^/]+/leave"
    r"|groups/[^/]+/recipients/me"
    r"|notifications/([^/]+/read|read-all)"
    r"|invitations/[^/]+/decline"
    r")/?$"
)
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# -- enforcement ----------------------------------------------------------------------


def is_suspended(user: UserRow) -> bool:
    return bool(user.flags & SUSPENDED)


def write_allowed(method: str, path: str) -> bool:
    """Whether a suspended user may make this REST call."""
    return method.upper() not in _WRITES or ALLOWED_WHILE_SUSPENDED.match(path) is not None


def _refused(expires_at: int | None) -> Forbidden:
    when = None if expires_at is None else iso_ms(expires_at)
    return Forbidden(
        "your account is suspended: you can read but not write"
        + ("" if when is None else f" until {when}"),
        code="suspended",
        details={"expires_at": when},
    )


async def refusal(core: Core, user_id: int) -> Forbidden:
    """The 403 `suspended` for this user, with the expiry of their suspension."""
    row = await core.db.read(lambda c: store.active(c, user_id))
    return _refused(None if row is None else int(row["expires_at"]))


async def require_active(core: Core, ctx: Ctx) -> None:
    """For callers whose Ctx may be old (a gateway connection authenticates once): read
    the user's flags now and refuse a suspended user."""

    def read(conn: Connection) -> int | None:
        user = users_store.get_user(conn, ctx.user_id)
        if user is None or not is_suspended(user):
            return None
        row = store.active(conn, ctx.user_id)
        return 0 if row is None else int(row["expires_at"])

    if ctx.user_id <= 0:  # anonymous readers and system users are never suspended
        return
    expires = await core.db.read(read)
    if expires is not None:
        raise _refused(expires or None)


# -- checks ---------------------------------------------------------------------------


def _reason(value: str | None) -> str | None:
    if value is None:
        return None
    reject_nul(value, "reason")
    if len(value) > MAX_REASON:
        raise ValidationError(
            f"reason must be at most {MAX_REASON} characters", code="reason_too_long"
        )
    return value.strip() or None


def _expiry(now_ms: int, duration_s: float | None, expires_at_ms: int | None) -> int:
    if (duration_s is None) == (expires_at_ms is None):
        raise ValidationError(
            "give exactly one of duration_s and expires_at", code="invalid_suspension_expiry"
        )
    if duration_s is not None:
        if not 1 <= duration_s <= MAX_DURATION_S:
            raise ValidationError(
                f"duration_s must be 1–{MAX_DURATION_S}",
                code="invalid_duration",
                details={"max": MAX_DURATION_S},
            )
        return now_ms + int(duration_s * 1000)
    assert expires_at_ms is not None
    if expires_at_ms <= now_ms:
        raise ValidationError("expires_at must be in the future", code="expiry_in_past")
    if expires_at_ms > now_ms + MAX_DURATION_S * 1000:
        raise ValidationError("expires_at is too far ahead", code="invalid_duration")
    return expires_at_ms


def parse_time(value: str) -> int:
    """An ISO 8601 time (UTC when it names no zone) as epoch milliseconds."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "expires_at must be an ISO 8601 time", code="invalid_expires_at"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _require_staff(ctx: Ctx) -> None:
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators can suspend users", code="not_staff")


def _target_txn(conn: Connection, ctx: Ctx, user_id: int) -> UserRow:
    user = users_store.get_user(conn, user_id)
    if user is None or user_id <= 0 or user.deleted_at is not None:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    if user_id == ctx.user_id:
        raise Conflict("you cannot suspend yourself", code="cannot_suspend_self")
    if user.is_moderator:
        raise Forbidden("global moderators cannot be suspended", code="cannot_suspend_staff")
    return user


# -- the transaction pieces -----------------------------------------------------------


def _event(
    type_: str, user_id: int, actor: dict[str, Any] | None, data: dict[str, Any]
) -> LogEvent:
    # MODS without a room or a space: global staff, plus the target user's sessions.
    return LogEvent(
        type=type_,
        audience=Audience.MODS,
        actor=actor,
        target_user_id=user_id,
        data={"user_id": user_id, **data},
    )


def _set_txn(
    tx: Tx, user_id: int, expires_at: int, reason: str | None, actor: dict[str, Any] | None
) -> dict[str, Any]:
    current = store.active(tx.conn, user_id)
    actor_id = None if actor is None else int(actor["id"])
    previous = None if current is None else int(current["expires_at"])
    if current is None:
        row = store.insert_txn(
            tx.conn,
            user_id=user_id,
            reason=reason,
            actor_id=actor_id,
            now_ms=tx.now_ms,
            expires_at=expires_at,
        )
        store.set_flag_txn(tx.conn, user_id, True)
    else:
        store.set_expiry_txn(tx.conn, int(current["id"]), expires_at, reason, actor_id)
        row = {**current, "expires_at": expires_at, "actor_id": actor_id}
        if reason is not None:
            row["reason"] = reason
    data = {
        "suspension_id": row["id"],
        "previous_expires_at": None if previous is None else iso_ms(previous),
        "expires_at": iso_ms(expires_at),
        "reason": row["reason"],
    }
    tx.emit(_event("user.suspended", user_id, actor, data))
    audit.record_txn(
        tx,
        action="user.suspended",
        actor=actor,
        target_type="user",
        target_id=user_id,
        before=None if previous is None else {"expires_at": data["previous_expires_at"]},
        after={"suspension_id": row["id"], "expires_at": data["expires_at"]},
        reason=row["reason"],
    )
    return {**store.wire(row), "previous_expires_at": data["previous_expires_at"]}


def suspend_txn(
    tx: Tx,
    user_id: int,
    *,
    duration_s: float,
    reason: str | None,
    actor: dict[str, Any] | None,
) -> dict[str, Any]:
    """Suspend `user_id` for `duration_s` from now, or move the expiry of the suspension
    in force to that time; logs `user.suspended` and an audit entry. No permission check:
    for callers that decided already (the flag threshold's auto-suspension, actor None
    for the system). Returns the suspension `{id, user_id, reason, actor_id, created_at,
    expires_at, cleared_at, previous_expires_at}`."""
    expires_at = _expiry(tx.now_ms, duration_s, None)
    return _set_txn(tx, user_id, expires_at, _reason(reason), actor)


def _clear_txn(
    tx: Tx, row: Any, reason: str, actor: dict[str, Any] | None
) -> dict[str, Any] | None:
    if not store.clear_txn(tx.conn, int(row["id"]), tx.now_ms):
        return None  # cleared already, elsewhere: that caller logged it
    user_id = int(row["user_id"])
    store.set_flag_txn(tx.conn, user_id, False)
    previous = iso_ms(int(row["expires_at"]))
    data = {"suspension_id": row["id"], "previous_expires_at": previous, "reason": reason}
    tx.emit(_event("user.unsuspended", user_id, actor, data))
    audit.record_txn(
        tx,
        action="user.unsuspended",
        actor=actor,
        target_type="user",
        target_id=user_id,
        before={"suspension_id": row["id"], "expires_at": previous},
        after={"reason": reason},
    )
    return {**store.wire(row), "cleared_at": iso_ms(tx.now_ms)}


# -- use cases ------------------------------------------------------------------------


def _forget(core: Core, user_id: int) -> None:
    # This node at once; the others when the event reaches them (app.py).
    core.tokens.forget_user(user_id)


async def suspend(
    core: Core,
    ctx: Ctx,
    user_id: int,
    *,
    duration_s: float | None = None,
    expires_at_ms: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """PUT /admin/users/{id}/suspension: staff only; sets, extends or shortens."""
    _require_staff(ctx)
    why = _reason(reason)

    def job(tx: Tx) -> dict[str, Any]:
        _target_txn(tx.conn, ctx, user_id)
        expires_at = _expiry(tx.now_ms, duration_s, expires_at_ms)
        return _set_txn(tx, user_id, expires_at, why, ctx.user.snapshot())

    done = await core.log.run(job)
    _forget(core, user_id)
    return done


async def unsuspend(core: Core, ctx: Ctx, user_id: int) -> dict[str, Any]:
    """DELETE /admin/users/{id}/suspension: staff only; 404 when none is in force."""
    _require_staff(ctx)

    def job(tx: Tx) -> dict[str, Any]:
        _target_txn(tx.conn, ctx, user_id)
        row = store.active(tx.conn, user_id)
        cleared = None if row is None else _clear_txn(tx, row, "lifted", ctx.user.snapshot())
        if cleared is None:
            raise NotFound(f"user {user_id} is not suspended", code="suspension_not_found")
        return cleared

    done = await core.log.run(job)
    _forget(core, user_id)
    return done


async def get(core: Core, ctx: Ctx, user_id: int) -> dict[str, Any]:
    """The suspension in force and the past ones: for staff, and for the user themselves."""
    if not (ctx.user.is_moderator or ctx.user_id == user_id):
        raise Forbidden("only global moderators can read others' suspensions", code="not_staff")

    def read(conn: Connection) -> dict[str, Any]:
        if users_store.get_user(conn, user_id) is None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        row = store.active(conn, user_id)
        return {
            "suspension": None if row is None else store.wire(row),
            "history": store.history(conn, user_id),
        }

    return await core.db.read(read)


async def expire_due(core: Core) -> int:
    """Clear every suspension whose expiry has passed (on the injected clock), one job
    each; the number this call cleared (another node may have cleared some)."""
    now = core.clock.now_ms()
    due = await core.db.read(lambda c: store.due(c, now, EXPIRE_BATCH))
    cleared = 0
    for row in due:

        def job(tx: Tx, row: Any = row) -> bool:
            fresh = store.active(tx.conn, int(row["user_id"]))
            if fresh is None or int(fresh["id"]) != int(row["id"]):
                return False
            if int(fresh["expires_at"]) > tx.now_ms:  # extended meanwhile
                return False
            return _clear_txn(tx, fresh, "expired", None) is not None

        if await core.log.run(job):
            cleared += 1
            _forget(core, int(row["user_id"]))
    return cleared
