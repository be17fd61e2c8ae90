"""The moderation queue (MD-01, MD-02, MD-15, D.79, D.89): messages waiting for a
moderator, from pre-moderation (`moderation: pre`) or from the report threshold.

- Pre-moderation: a non-moderator's message is stored `pending`; its `message.created`
  goes to the author and the moderators, and the moderators get `moderation.queued`
  (reason `pre_moderation`). Approving publishes it: `message.created` to everyone else
  in the room (ROOM_BUT_MODS: the author and the moderators already have it; their
  copies learn the new state from `moderation.resolved`). Rejecting leaves it hidden.
- Report threshold (services.reports calls `enqueue_txn`): `moderation.queued` (reason
  `report_threshold`); with the room's `hide_on_report_threshold` the message is hidden
  (`pending`) until approved: the room gets `message.updated` with the new
  `moderation_state` and `active`, as it does when a visible message is approved or
  rejected.
- Either way `moderation.resolved {room_id, message_id, state, actor_id, note}` goes to
  the moderators and the author, and an audit entry is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, NotFound, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, room_event
from hubbub.server.services import audit, messages
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.message_audience import mod_fields, published_event
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import messages as messages_store
from hubbub.server.store import moderation as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

REASONS = ("pre_moderation", "report_threshold")
MAX_NOTE = 1000
MAX_PAGE = 100


def moderator_copy(conn: Connection, message_id: int) -> dict[str, Any]:
    """The stored message as its moderators see it (with the moderator-only fields)."""
    row = messages_store.get_message_row(conn, message_id)
    wire = messages_store.get_message(conn, message_id)
    assert row is not None and wire is not None
    return {**wire, **mod_fields(row)}


def _state_changed(tx: Tx, room: RoomRow, row: Any, actor: Any, state: str, active: bool) -> None:
    """`message.updated` telling the whole room a message's moderation state."""
    tx.emit(
        room_event(
            "message.updated",
            room.id,
            actor,
            {
                "message_id": row["id"],
                "changes": {"moderation_state": state, "active": active},
                "cleared": [],
                "edit_count": row["edit_count"],
                "edited_by_moderator": bool(row["edited_by_moderator"]),
            },
            space_id=room.space_id,
        )
    )


def enqueue_txn(
    tx: Tx,
    room: RoomRow,
    message: Mapping[str, Any],
    reason: str,
    report_count: int,
) -> bool:
    """Put a message (its row, or its wire object) into the room's queue and tell the
    moderators (`moderation.queued`); at the report threshold, hide it too when the room
    says so. True if it was not queued before (a second call only updates the count)."""
    assert reason in REASONS
    message_id = int(message["id"])
    new = store.queue_txn(tx.conn, message_id, room.id, reason, report_count, tx.now_ms)
    row = messages_store.get_message_row(tx.conn, message_id)
    assert row is not None
    if (
        reason == "report_threshold"
        and room.hide_on_report_threshold
        and row["moderation_state"] in ("na", "approved")
    ):
        messages_store.update_message_txn(tx.conn, message_id, moderation_state="pending")
        _state_changed(tx, room, row, None, "pending", False)
    if not new:
        return False
    wire = (
        dict(message)
        if "author" in message and reason == "pre_moderation"
        else moderator_copy(tx.conn, message_id)
    )
    tx.emit(
        room_event(
            "moderation.queued",
            room.id,
            None,
            {"message": wire, "reason": reason, "report_count": report_count},
            audience=Audience.MODS,
            space_id=room.space_id,
        )
    )
    return True


def _note(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NOTE or "\x00" in value:
        raise ValidationError(
            f"note must be text of at most {MAX_NOTE} characters", code="invalid_note"
        )
    return value.strip() or None


def _queued_txn(tx: Tx, ctx: Ctx, message_id: int) -> tuple[Any, RoomRow, Any]:
    """(message row, room, queue row) of a message the caller moderates and that waits."""
    row = messages_store.get_message_row(tx.conn, message_id)
    if row is None:
        raise NotFound(f"message {message_id} not found", code="message_not_found")
    try:
        room = moderated_room_txn(tx.conn, ctx, row["room_id"]).room
    except NotFound:
        raise NotFound(f"message {message_id} not found", code="message_not_found") from None
    if row["deleted"]:
        raise Conflict("the message was deleted", code="message_deleted")
    queued = store.queued(tx.conn, message_id)
    if queued is None:
        raise Conflict(
            "the message is not waiting for moderation",
            code="not_pending",
            details={"moderation_state": row["moderation_state"]},
        )
    return row, room, queued


def _resolve_txn(
    tx: Tx, ctx: Ctx, row: Any, room: RoomRow, state: str, note: str | None
) -> dict[str, Any]:
    actor = ctx.user.snapshot()
    messages_store.update_message_txn(tx.conn, row["id"], moderation_state=state)
    store.unqueue_txn(tx.conn, row["id"])
    data = {"message_id": row["id"], "state": state, "actor_id": ctx.user_id, "note": note}
    tx.emit(
        room_event(
            "moderation.resolved",
            room.id,
            actor,
            data,
            audience=Audience.MODS,
            target_user_id=row["author_id"],
            space_id=room.space_id,
        )
    )
    audit.record_txn(
        tx,
        action=f"message.{state}",
        actor=actor,
        room_id=room.id,
        space_id=room.space_id,
        target_type="message",
        target_id=row["id"],
        before={"moderation_state": row["moderation_state"]},
        after={"moderation_state": state},
        reason=note,
    )
    return moderator_copy(tx.conn, row["id"])


async def approve(core: Core, ctx: Ctx, message_id: int, note: Any = None) -> dict[str, Any]:
    """Approve a queued message (the room's owners and moderators): state `approved`; a
    pre-moderated one is published to the room. 409 `not_pending` if nothing waits."""
    why = _note(note)

    def job(tx: Tx) -> dict[str, Any]:
        row, room, queued = _queued_txn(tx, ctx, message_id)
        out = _resolve_txn(tx, ctx, row, room, "approved", why)
        if queued["reason"] == "pre_moderation" and row["moderation_state"] == "pending":
            public = messages_store.get_message(tx.conn, message_id)
            assert public is not None
            tx.emit(published_event(room, public, messages_store.author_of(row)))
            messages.notify_published_txn(tx, room, public)
        else:  # it was (or is again) in the room's view
            _state_changed(tx, room, row, ctx.user.snapshot(), "approved", True)
        return out

    result: dict[str, Any] = await core.log.run(job)
    return result


async def reject(core: Core, ctx: Ctx, message_id: int, note: Any = None) -> dict[str, Any]:
    """Reject a queued message: state `rejected`, hidden from everyone but its author
    and the moderators; the author is told (`moderation.resolved`)."""
    why = _note(note)

    def job(tx: Tx) -> dict[str, Any]:
        row, room, queued = _queued_txn(tx, ctx, message_id)
        out = _resolve_txn(tx, ctx, row, room, "rejected", why)
        if queued["reason"] != "pre_moderation":  # the room saw it: it goes away
            _state_changed(tx, room, row, ctx.user.snapshot(), "rejected", False)
        return out

    result: dict[str, Any] = await core.log.run(job)
    return result


async def queue(
    core: Core, ctx: Ctx, room_id: int, *, after: int | None = None, limit: int = 50
) -> dict[str, Any]:
    """`{items: [{message, reason, report_count, queued_at}], has_more}`, oldest first
    (page on with `after` = the last message id); the room's owners and moderators."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")

    def read(conn: Connection) -> dict[str, Any]:
        moderated_room_txn(conn, ctx, room_id)
        rows = store.queue_page(conn, room_id, after, limit + 1)
        items = [
            {
                "message": moderator_copy(conn, int(r["message_id"])),
                "reason": r["reason"],
                "report_count": r["report_count"],
                "queued_at": iso_ms(r["queued_at"]),
            }
            for r in rows[:limit]
        ]
        return {"items": items, "has_more": len(rows) > limit}

    result: dict[str, Any] = await core.db.read(read)
    return result
