"""Read state (PR-05; D.43, D.53): the last message each user read in each room, with
unread and unread-mention counts, synced to all the user's sessions.

An ack only moves forward: acking an older message than the one recorded changes
nothing (two devices racing cannot undo each other). `read_state.updated` goes to the
user's own sessions (audience USER), the acking one included.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Forbidden, ValidationError
from hubbub.server.events import Audience, room_event
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.reactions import message_txn
from hubbub.server.services.rooms import room_role
from hubbub.server.store import readstate as store
from hubbub.server.store.log import Tx


async def ack(core: Core, ctx: Ctx, room_id: int, message_id: int) -> dict[str, Any]:
    """Mark everything up to `message_id` read; the room's read state after it."""

    def job(tx: Tx) -> dict[str, Any]:
        room_role(tx.conn, ctx, room_id).require_member()
        row, _role = message_txn(tx.conn, ctx, message_id)
        if row["room_id"] != room_id:
            raise ValidationError(
                f"message {message_id} is not in room {room_id}",
                code="message_not_in_room",
                details={"message_id": message_id, "room_id": room_id},
            )
        current = store.last_read(tx.conn, ctx.user_id, room_id)
        if current is None or message_id > current:
            cleared = store.mention_ids_between(tx.conn, ctx.user_id, room_id, current, message_id)
            store.set_last_read_txn(
                tx.conn, ctx.user_id, room_id, message_id, tx.now_ms, exists=current is not None
            )
            state = _state(tx.conn, ctx, room_id)
            tx.emit(
                room_event(
                    "read_state.updated",
                    room_id,
                    ctx.user.snapshot(),
                    {
                        "last_read_message_id": message_id,
                        "mention_ids_cleared": cleared,
                        "unread_count": state["unread_count"],
                        "mention_count": state["mention_count"],
                    },
                    audience=Audience.USER,
                    target_user_id=ctx.user_id,
                )
            )
            return state
        return _state(tx.conn, ctx, room_id)

    return await core.log.run(job)


def _state(conn: Connection, ctx: Ctx, room_id: int) -> dict[str, Any]:
    found = store.states(conn, ctx.user_id, room_id)
    if not found:
        raise Forbidden("join the room first", code="not_a_member")
    return found[0]


async def get(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        room_role(conn, ctx, room_id).require_member()
        return _state(conn, ctx, room_id)

    return await core.db.read(read)


async def list_all(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    """Every room the user is a member of, in room id order."""
    return await core.db.read(lambda conn: store.states(conn, ctx.user_id))
