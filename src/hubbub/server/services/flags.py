"""Flags (MD-05; D.5, D.6, D.14, D.17) and the reputation that gates them.

Any viewer of a message's room whose reputation reaches `flag_min_reputation` (room
moderators and staff always) raises one flag per message: `spam`, `offensive` or
`mod_attention`. A flag is a vote: a second flag by the same user is 409
`already_flagged` whatever its kind (`details.kind` names the one they hold); to change
it, retract (`DELETE /messages/{id}/flags`) and flag again. Flagging your own message is
400 `cannot_flag_own_message`; too little reputation 403 `reputation_too_low`
(`details.required`, `details.reputation`).

Flaggers are anonymous: events and answers carry counts, never who. One event name,
`message.flagged` (EVENTS.md #65), logged once per change:

    {room_id, message_id, flag_type: spam|offensive|mod_attention|null (cleared),
     change: added|retracted|cleared, flag_count (of flag_type), counts, net}

- a spam/offensive change goes to TRUSTED (viewers at `flag_review_min_reputation`, the
  room's moderators, staff) with `counts {spam, offensive}`;
- a mod_attention change goes to MODS only, with `counts {spam, offensive, mod_attention}`.
So each connection gets exactly one event per change; a moderator's counts never disagree
(a TRUSTED copy simply has no `mod_attention` key). A moderator clearing every flag logs the
TRUSTED copy (if spam/offensive flags were cleared) and the MODS copy (if mod_attention
ones were). A message only its author and moderators see (shadowbanned, pending, held)
has its flag events go to MODS alone. `net` = spam + offensive (mod_attention asks for a
moderator; it is no vote to remove).

When a new spam/offensive flag brings `net` to `flag_delete_threshold` (0 = never), the
message is deleted as by a moderator (`message.deleted {by_moderator: true, actor_id:
null, reason: "flags"}`, audited) and its author (unless staff) is suspended for
`flag_suspend_minutes` (0 = not) through services.suspensions.suspend_txn.

Reputation (D.17): staff set it, `PUT /admin/users/{id}/reputation {value}` → `user.updated
{changes{reputation}}` to OBSERVERS, audited with scope `user`. A gateway connection
decides at connect whether its user is TRUSTED: a new reputation applies to connections
made after it (and to every REST call at once).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from hubbub.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.services import audit, observers, suspensions
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.reports import (
    hidden_from_others,
    visible_message_txn,
)
from hubbub.server.services.system_users import is_system
from hubbub.server.services.tokencache import USER_CHANGED
from hubbub.server.store import flags as store
from hubbub.server.store import messages as messages_store
from hubbub.server.store import profiles as profiles_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx

KINDS = store.KINDS
EVENT = "message.flagged"
MAX_REPUTATION = 1_000_000_000


# -- who ------------------------------------------------------------------------------


def _reputation(conn: Connection, ctx: Ctx) -> int:
    """The caller's reputation now (the Ctx may carry a cached row)."""
    user = users_store.get_user(conn, ctx.user_id)
    return ctx.user.reputation if user is None else user.reputation


def _is_mod(ctx: Ctx, access: RoomAccess) -> bool:
    return ctx.user.is_moderator or access.moderator


def _may_flag(core: Core, conn: Connection, ctx: Ctx, access: RoomAccess) -> None:
    if _is_mod(ctx, access):
        return
    need = core.settings.flag_min_reputation
    have = _reputation(conn, ctx)
    if have < need:
        raise Forbidden(
            f"flagging needs {need} reputation",
            code="reputation_too_low",
            details={"required": need, "reputation": have},
        )


def _sees(core: Core, conn: Connection, ctx: Ctx, access: RoomAccess) -> tuple[bool, bool]:
    """(sees spam/offensive counts, sees mod_attention counts)."""
    if _is_mod(ctx, access):
        return True, True
    return _reputation(conn, ctx) >= core.settings.flag_review_min_reputation, False


def _state(
    conn: Connection, message_id: int, room_id: int, mine: str | None, public: bool, mods: bool
) -> dict[str, Any]:
    """What the caller learns: their own flag, and the counts their trust allows."""
    out: dict[str, Any] = {"message_id": message_id, "room_id": room_id, "flag": mine}
    if public:
        c = store.counts(conn, message_id)
        shown = c if mods else {k: c[k] for k in store.PUBLIC_KINDS}
        out.update(counts=shown, net=store.net(c))
    return out


# -- events ---------------------------------------------------------------------------


def _emit_txn(
    tx: Tx, row: RowMapping, space_id: int | None, kind: str | None, change: str, mods: bool
) -> dict[str, int]:
    """Log `message.flagged` for one change: to MODS when `mods` (mod_attention, or a
    message others cannot see), else to TRUSTED without mod_attention."""
    c = store.counts(tx.conn, row["id"])
    counts = c if mods else {k: c[k] for k in store.PUBLIC_KINDS}
    data = {
        "message_id": row["id"],
        "flag_type": kind,
        "change": change,
        "flag_count": 0 if kind is None else c[kind],
        "counts": counts,
        "net": store.net(c),
    }
    audience = Audience.MODS if mods else Audience.TRUSTED
    tx.emit(room_event(EVENT, row["room_id"], None, data, audience=audience, space_id=space_id))
    return c


def _to_mods(kind: str, row: RowMapping) -> bool:
    return kind == "mod_attention" or hidden_from_others(row)


# -- flag, retract, clear -------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(
            f"kind must be one of {', '.join(KINDS)}",
            code="invalid_flag_kind",
            details={"allowed": list(KINDS)},
        )


async def flag(core: Core, ctx: Ctx, message_id: int, kind: str) -> dict[str, Any]:
    """Raise the caller's flag; the flag state as the caller may see it."""
    _check_kind(kind)
    suspended: list[int] = []

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        row, access = visible_message_txn(conn, ctx, message_id)
        if row["author_id"] == ctx.user_id:
            raise BadRequest("you cannot flag your own message", code="cannot_flag_own_message")
        _may_flag(core, conn, ctx, access)
        held = store.own_kind(conn, message_id, ctx.user_id)
        if held is not None:
            raise Conflict(
                "you have already flagged this message; retract that flag first",
                code="already_flagged",
                details={"kind": held},
            )
        store.insert_txn(conn, message_id, ctx.user_id, kind, tx.now_ms)
        space_id = access.room.space_id
        counts = _emit_txn(tx, row, space_id, kind, "added", _to_mods(kind, row))
        threshold = core.settings.flag_delete_threshold
        if kind in store.PUBLIC_KINDS and 0 < threshold <= store.net(counts):
            suspended.extend(_remove_txn(core, tx, row, space_id, store.net(counts)))
        public, mods = _sees(core, conn, ctx, access)
        return _state(conn, message_id, row["room_id"], kind, public, mods)

    try:
        result = await core.log.run(job)
    except IntegrityError as exc:  # the same user flagging twice at once
        raise Conflict("you have already flagged this message", code="already_flagged") from exc
    for user_id in suspended:
        core.tokens.forget_user(user_id)
    return result


def _remove_txn(core: Core, tx: Tx, row: RowMapping, space_id: int | None, net: int) -> list[int]:
    """The threshold: delete the message as a moderator would, and suspend its author;
    the ids of the users suspended."""
    room_id, message_id, author_id = row["room_id"], row["id"], row["author_id"]
    messages_store.update_message_txn(tx.conn, message_id, deleted=True, deleted_at=tx.now_ms)
    data = {"message_id": message_id, "actor_id": None, "by_moderator": True, "reason": "flags"}
    if hidden_from_others(row):
        ev = room_event(
            "message.deleted",
            room_id,
            None,
            data,
            audience=Audience.MODS,
            target_user_id=author_id,
            space_id=space_id,
        )
    else:
        ev = room_event("message.deleted", room_id, None, data, space_id=space_id)
    tx.emit(ev)
    audit.record_txn(
        tx,
        action="message.deleted",
        actor=None,
        room_id=room_id,
        space_id=space_id,
        target_type="message",
        target_id=message_id,
        before={"author_id": author_id, "net_flags": net},
        reason="flags",
    )
    minutes = core.settings.flag_suspend_minutes
    author = users_store.get_user(tx.conn, author_id)
    if minutes <= 0 or author is None or author.is_moderator or author.bot or is_system(author_id):
        return []
    suspensions.suspend_txn(
        tx,
        author_id,
        duration_s=minutes * 60,
        reason=f"message {message_id} removed by {net} flags",
        actor=None,
    )
    return [author_id]


async def retract(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Take the caller's own flag back; 404 `flag_not_found` without one."""

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        row, access = visible_message_txn(conn, ctx, message_id)
        held = store.own_kind(conn, message_id, ctx.user_id)
        if held is None:
            raise NotFound("you have not flagged this message", code="flag_not_found")
        store.delete_txn(conn, message_id, ctx.user_id)
        space_id = access.room.space_id
        _emit_txn(tx, row, space_id, held, "retracted", _to_mods(held, row))
        public, mods = _sees(core, conn, ctx, access)
        return _state(conn, message_id, row["room_id"], None, public, mods)

    return await core.log.run(job)


async def clear(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Moderators remove every flag of a message (audited); nothing to clear is a no-op."""

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        row, access = visible_message_txn(conn, ctx, message_id)
        if not _is_mod(ctx, access):
            raise Forbidden("only the room's moderators can clear flags", code="not_moderator")
        before = store.counts(conn, message_id)
        space_id = access.room.space_id
        if any(before.values()):
            store.clear_txn(conn, message_id)
            hidden = hidden_from_others(row)
            if store.net(before):
                _emit_txn(tx, row, space_id, None, "cleared", hidden)
            if before["mod_attention"] and not (hidden and store.net(before)):
                _emit_txn(tx, row, space_id, None, "cleared", True)
            audit.record_txn(
                tx,
                action="message.flags.cleared",
                actor=ctx.user.snapshot(),
                room_id=row["room_id"],
                space_id=space_id,
                target_type="message",
                target_id=message_id,
                before=before,
            )
        return _state(conn, message_id, row["room_id"], None, True, True)

    return await core.log.run(job)


async def state(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """The caller's flag on a message and, for trusted users and moderators, its counts."""

    def read(conn: Connection) -> dict[str, Any]:
        row, access = visible_message_txn(conn, ctx, message_id)
        public, mods = _sees(core, conn, ctx, access)
        mine = store.own_kind(conn, message_id, ctx.user_id)
        return _state(conn, message_id, row["room_id"], mine, public, mods)

    return await core.db.read(read)


# -- reputation -----------------------------------------------------------------------


async def set_reputation(core: Core, ctx: Ctx, user_id: int, value: int) -> dict[str, Any]:
    """Staff set a user's reputation; the user's full object."""
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators set reputation", code="not_global_moderator")
    if isinstance(value, bool) or not 0 <= value <= MAX_REPUTATION:
        raise ValidationError(
            f"reputation must be 0–{MAX_REPUTATION}",
            code="invalid_reputation",
            details={"max": MAX_REPUTATION},
        )

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        user = None if is_system(user_id) else users_store.get_user(tx.conn, user_id)
        if user is None or user.deleted_at is not None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        if user.reputation == value:
            return user.wire(), False
        profiles_store.update_user_txn(tx.conn, user_id, {"reputation": value})
        actor = ctx.user.snapshot()
        data = {"user_id": user_id, "changes": {"reputation": value}, "cleared": []}
        tx.emit(observers.event_txn(tx.conn, "user.updated", user_id, actor, data))
        audit.record_txn(
            tx,
            action="user.reputation.updated",
            actor=actor,
            target_type="user",
            target_id=user_id,
            before={"reputation": user.reputation},
            after={"reputation": value},
        )
        fresh = users_store.get_user(tx.conn, user_id)
        assert fresh is not None
        return fresh.wire(), True

    wired, changed = await core.log.run(job)
    if changed:
        core.tokens.forget_user(user_id)
        core.publish_ephemeral(
            LogEvent(type=USER_CHANGED, audience=Audience.USER, data={"user_id": user_id})
        )
    return wired
