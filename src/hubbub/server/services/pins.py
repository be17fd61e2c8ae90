"""Pins (RX-06; D.12, D.99, D.108): room owners and moderators pin and unpin messages;
a room's pinned list, most recently pinned first. Pinning twice changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import room_event
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.reactions import reactable_txn, viewed
from hubbub.server.services.rooms import is_moderator, room_role
from hubbub.server.store import boards
from hubbub.server.store import pins as store
from hubbub.server.store.log import Tx

MAX_PINS_PAGE = 100


async def pin(core: Core, ctx: Ctx, message_id: int, on: bool) -> dict[str, Any]:
    def job(tx: Tx) -> dict[str, Any]:
        row, role = reactable_txn(tx.conn, ctx, message_id)
        if not is_moderator(role):
            raise Forbidden(
                "only the room's owners and moderators can pin messages", code="not_moderator"
            )
        pinned = bool(store.pinned_at(tx.conn, [message_id]))
        data: dict[str, Any] = {"message_id": message_id, "actor_id": ctx.user_id}
        if on and not pinned:
            store.pin_txn(tx.conn, message_id, ctx.user_id, tx.now_ms)
            data["pinned_at"] = iso_ms(tx.now_ms)
            tx.emit(room_event("message.pinned", row["room_id"], ctx.user.snapshot(), data))
        elif not on and pinned:
            store.unpin_txn(tx.conn, message_id)
            tx.emit(room_event("message.unpinned", row["room_id"], ctx.user.snapshot(), data))
        return viewed(tx.conn, ctx, message_id)

    return await core.log.run(job)


async def pinned(core: Core, ctx: Ctx, room_id: int, limit: int) -> list[dict[str, Any]]:
    """The room's pinned messages (deleted ones drop out), most recently pinned first."""
    if not 1 <= limit <= MAX_PINS_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PINS_PAGE}", code="invalid_limit")

    def read(conn: Connection) -> list[dict[str, Any]]:
        room_role(conn, ctx, room_id)
        return boards.messages_by_ids(conn, boards.pinned_ids(conn, room_id, limit), ctx.user_id)

    return await core.db.read(read)
