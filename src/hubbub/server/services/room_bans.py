"""Room bans (MD-10, D.80, EVENTS.md #44–45): kick-mute, bounce and ban as one model.

    PUT    /rooms/{id}/bans/{user} {kind, expires_in_s?, reason?}   ban (or replace a ban)
    DELETE /rooms/{id}/bans/{user}                                   lift
    GET    /rooms/{id}/bans                                          the bans in force (MODS)

`kind`: `kick_mute` (a short timed removal; 60 s unless `expires_in_s` says otherwise, as
Stack Exchange's kick-mute), `bounce` and `ban` (until lifted, or `expires_in_s`). The
three differ in name and default only: each removes the user from the room and keeps
them out (no rejoining, reading or posting) until it is lifted or expires.

Who: holders of `kick` (kick_mute) or `ban` (bounce, ban) in the room: a standalone
room's owners and moderators, a space room's members whose roles grant the bit, staff.
Never on oneself (409 `cannot_ban_self`), on staff (403 `cannot_ban_staff`), on the
room's owner (403 `cannot_ban_owner`), nor on someone at or above one's rank (403
`cannot_moderate_higher`: a space's role hierarchy; in a standalone room a moderator
cannot ban another moderator). Conversations (DMs, groups) have no bans (409
`no_bans_in_conversations`; a group's owner removes recipients instead).

What the stream shows:
- `room.ban.created {room_id, user_id, ban_id, kind, expires_at, reason: null, ban}` to
  the ROOM, while the user is still in it, so they get it too (a non-member banned
  ahead of time gets a USER copy). The reason is never in it: D.80 gives the reason to
  moderators only, and one event cannot carry it to some receivers and not others. The
  moderators receive it in the `audit.entry.created` the ban writes (`entry.reason`),
  which reaches them alone and at the same seq, and in `GET /rooms/{id}/bans`; so no
  moderator ever sees two `room.ban.created` for one ban.
- then, if they were a member, `room.member.left {reason: kicked (kick_mute) | banned}`
  and `room.deleted` to them (server.events.member_left): they leave the room's scope
  and its presence at that seq;
- `room.ban.removed {room_id, user_id, ban_id, reason: lifted|expired, actor_id}` to MODS
  and the user, when lifted or at expiry. Lifting does not add them back: they may join
  again.

While a ban is in force, `services.access.room_access` answers the user 403
`banned_from_room` (with `details.kind` and `details.expires_at`) for everything in the
room, reads included. Expiry: `expire_due(core)`, run every second by the app (and by
tests after moving the injected clock); the `lifted_at IS NULL` guard of the update
decides which node logs `room.ban.removed`, so it is logged once.

In a space room the ban also withdraws the room from the user's materialised viewers
(services.viewers skips banned users), so no later permission change gives it back;
lifting the ban re-decides their access to that room.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError, reject_nul
from hubbub.server.events import Audience, LogEvent, member_left, room_event
from hubbub.server.permissions import Perm
from hubbub.server.services import audit, dms, notifications, viewers
from hubbub.server.services.access import RoomAccess, banned_error, outranks, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import room_bans as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.users import UserRow

__all__ = ["KICK_MUTE_S", "KINDS", "ban", "banned_error", "bans", "expire_due", "lift"]

KINDS = store.KINDS
KICK_MUTE_S = 60
MAX_EXPIRES_S = 10 * 365 * 24 * 3600
MAX_REASON = 512
EXPIRE_BATCH = 100


# -- checks ---------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(
            "kind must be one of " + ", ".join(KINDS),
            code="invalid_ban_kind",
            details={"allowed": list(KINDS)},
        )
    return kind


def _expires_in(kind: str, expires_in_s: float | None) -> float | None:
    if expires_in_s is None:
        return KICK_MUTE_S if kind == "kick_mute" else None
    if not 1 <= expires_in_s <= MAX_EXPIRES_S:
        raise ValidationError(
            f"expires_in_s must be 1–{MAX_EXPIRES_S}",
            code="invalid_duration",
            details={"max": MAX_EXPIRES_S},
        )
    return expires_in_s


def _reason(value: str | None) -> str | None:
    if value is None:
        return None
    reject_nul(value, "reason")
    if len(value) > MAX_REASON:
        raise ValidationError(
            f"reason must be at most {MAX_REASON} characters", code="reason_too_long"
        )
    return value.strip() or None


def _bit(kind: str) -> Perm:
    return Perm.KICK if kind == "kick_mute" else Perm.BAN


def _moderating_txn(conn: Connection, ctx: Ctx, room_id: int, bit: Perm | None) -> RoomAccess:
    """The caller's access to a room where they sanction with `bit` (None: kick or ban,
    when which one is needed is only known after reading the ban)."""
    access = room_access(conn, ctx.user, room_id)
    if access.room.kind in dms.PRIVATE_KINDS:
        raise Conflict(
            "conversations have no bans; a group's owner removes recipients instead",
            code="no_bans_in_conversations",
        )
    if bit is not None:
        access.require(bit)
    elif not (access.can(Perm.KICK) or access.can(Perm.BAN)):
        access.require(Perm.BAN)
    return access


def _target_txn(conn: Connection, ctx: Ctx, access: RoomAccess, user_id: int) -> UserRow:
    """The user to ban, if the caller may ban them here."""
    if user_id == ctx.user_id:
        raise Conflict("you cannot ban yourself", code="cannot_ban_self")
    user = users_store.get_user(conn, user_id)
    if user is None or user_id <= 0:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    if user.is_moderator:
        raise Forbidden("global moderators cannot be banned from rooms", code="cannot_ban_staff")
    room = access.room
    role = rooms_store.member_role(conn, room.id, user_id)
    if role == "owner" or (room.space_id is None and room.owner_id == user_id):
        raise Forbidden("the room's owner cannot be banned", code="cannot_ban_owner")
    if room.space_id is not None:
        space = spaces_store.get_space(conn, room.space_id)
        if space is not None and not outranks(conn, space, ctx.user, user_id):
            raise _higher()
    elif role == "moderator" and not (ctx.user.is_moderator or access.role == "owner"):
        raise _higher()
    return user


def _higher() -> Forbidden:
    return Forbidden(
        "that user is at or above your rank in this room", code="cannot_moderate_higher"
    )


# -- use cases ------------------------------------------------------------------------


async def ban(
    core: Core,
    ctx: Ctx,
    room_id: int,
    user_id: int,
    kind: str,
    *,
    expires_in_s: float | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Ban `user_id` from the room (replacing a ban in force); the ban with its reason."""
    kind = _kind(kind)
    duration = _expires_in(kind, expires_in_s)
    why = _reason(reason)

    def job(tx: Tx) -> dict[str, Any]:
        access = _moderating_txn(tx.conn, ctx, room_id, _bit(kind))
        _target_txn(tx.conn, ctx, access, user_id)
        return ban_txn(tx, ctx, access, user_id, kind, duration, why)

    return await core.log.run(job)


def ban_txn(
    tx: Tx,
    ctx: Ctx,
    access: RoomAccess,
    user_id: int,
    kind: str,
    duration_s: float | None,
    reason: str | None,
) -> dict[str, Any]:
    """Write the ban and its events (the caller checked rights and target)."""
    room = access.room
    actor = ctx.user.snapshot()
    previous = store.active(tx.conn, room.id, user_id)
    if previous is not None:  # a new ban replaces the one in force, silently
        store.lift_txn(tx.conn, int(previous["id"]), tx.now_ms, "replaced")
    expires_at = None if duration_s is None else tx.now_ms + int(duration_s * 1000)
    row = store.insert_txn(
        tx.conn,
        room_id=room.id,
        user_id=user_id,
        kind=kind,
        reason=reason,
        actor_id=ctx.user_id,
        now_ms=tx.now_ms,
        expires_at=expires_at,
    )
    public = store.wire(row, reason=False)
    data = {
        "user_id": user_id,
        "ban_id": row["id"],
        "kind": kind,
        "expires_at": public["expires_at"],
        "reason": None,
        "ban": public,
    }
    role = rooms_store.member_role(tx.conn, room.id, user_id)
    audience = Audience.ROOM if role is not None else Audience.USER
    tx.emit(
        room_event(
            "room.ban.created",
            room.id,
            actor,
            data,
            audience=audience,
            target_user_id=user_id,
            space_id=room.space_id,
        )
    )
    target = users_store.get_user(tx.conn, user_id)
    if target is not None and room.space_id is None:  # NT-02: the room's other owners hear
        what = {"kick_mute": "kick-muted", "bounce": "bounced"}.get(kind, "banned")
        notifications.notify_kick_txn(tx, room, target, actor, what)
    if role is not None:
        rooms_store.remove_member_txn(tx.conn, room.id, user_id)
        left = "kicked" if kind == "kick_mute" else "banned"
        for ev in member_left(room.id, user_id, actor, left, role, ctx.user_id):
            tx.emit(ev)  # the log writer fills the envelope's space_id from the room
    audit.record_txn(
        tx,
        action="room.ban.created",
        actor=actor,
        room_id=room.id,
        space_id=room.space_id,
        target_type="user",
        target_id=user_id,
        before=None if previous is None else store.wire(previous),
        after=public,
        reason=reason,
    )
    return store.wire(row)


def _removed_event(
    row: Any, reason: str, actor: dict[str, Any] | None, space_id: int | None
) -> LogEvent:
    data = {
        "user_id": row["user_id"],
        "ban_id": row["id"],
        "kind": row["kind"],
        "reason": reason,
        "actor_id": None if actor is None else actor["id"],
    }
    return room_event(
        "room.ban.removed",
        int(row["room_id"]),
        actor,
        data,
        audience=Audience.MODS,
        target_user_id=int(row["user_id"]),
        space_id=space_id,
    )


def _lift_txn(
    tx: Tx, row: Any, reason: str, actor: dict[str, Any] | None, space_id: int | None
) -> bool:
    if not store.lift_txn(tx.conn, int(row["id"]), tx.now_ms, reason):
        return False
    tx.emit(_removed_event(row, reason, actor, space_id))
    if space_id is not None:  # a space room: they see it again if their roles say so
        space = spaces_store.get_space(tx.conn, space_id)
        room = rooms_store.get_room(tx.conn, int(row["room_id"]))
        if space is not None and room is not None:
            viewers.reconcile_txn(
                tx, space, actor, rooms=[room], users=frozenset({int(row["user_id"])})
            )
    audit.record_txn(
        tx,
        action="room.ban.removed",
        actor=actor,
        room_id=int(row["room_id"]),
        space_id=space_id,
        target_type="user",
        target_id=int(row["user_id"]),
        before=store.wire(row, reason=False),
        after={"reason": reason},
    )
    return True


async def lift(core: Core, ctx: Ctx, room_id: int, user_id: int) -> None:
    """Lift the ban in force (404 `ban_not_found` when there is none). A kick-mute needs
    `kick`, the others `ban`."""

    def job(tx: Tx) -> None:
        access = _moderating_txn(tx.conn, ctx, room_id, None)
        row = store.active(tx.conn, room_id, user_id)
        if row is None:
            raise NotFound(f"user {user_id} is not banned here", code="ban_not_found")
        access.require(_bit(str(row["kind"])))
        _lift_txn(tx, row, "lifted", ctx.user.snapshot(), access.room.space_id)

    await core.log.run(job)


async def bans(core: Core, ctx: Ctx, room_id: int) -> list[dict[str, Any]]:
    """The bans in force, reasons included: the room's moderators only."""

    def read(conn: Connection) -> list[dict[str, Any]]:
        if not room_access(conn, ctx.user, room_id).moderator:
            raise Forbidden("only the room's moderators can list its bans", code="not_moderator")
        return store.list_active(conn, room_id)

    return await core.db.read(read)


async def expire_due(core: Core) -> int:
    """Lift every ban whose expiry has passed (on the injected clock), one job each; the
    number this call lifted (another node may have lifted some)."""
    now = core.clock.now_ms()
    due = await core.db.read(lambda c: store.due(c, now, EXPIRE_BATCH))
    lifted = 0
    for row in due:

        def job(tx: Tx, row: Any = row) -> bool:
            room = rooms_store.get_room(tx.conn, int(row["room_id"]))
            space_id = None if room is None else room.space_id
            return _lift_txn(tx, row, "expired", None, space_id)

        if await core.log.run(job):
            lifted += 1
    return lifted
