"""Moving messages to another room (a moderator of both rooms).

One transaction changes the messages' room and emits `message.moved_out` in the source
(ids only: its readers drop them) and `message.moved_in` in the destination (full message
objects, now with the new room_id: its readers may never have seen them). Ids are global,
so a moved message keeps its id, and both rooms' history reflects the move at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubbub.errors import ValidationError
from hubbub.server.events import room_event
from hubbub.server.services.bulk import check_ids, not_in_room
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import bulk as store_bulk
from hubbub.server.store import moves as store
from hubbub.server.store.log import Tx


async def move(
    core: Core, ctx: Ctx, room_id: int, message_ids: Sequence[int], to_room_id: int
) -> list[dict[str, Any]]:
    """The moved messages as they now are (in `to_room_id`), oldest first."""
    ids = check_ids(message_ids)
    if to_room_id == room_id:
        raise ValidationError("to_room_id is the room the messages are in", code="same_room")

    def job(tx: Tx) -> list[dict[str, Any]]:
        moderated_room_txn(tx.conn, ctx, room_id)
        moderated_room_txn(tx.conn, ctx, to_room_id)
        found = store_bulk.rows_in_room(tx.conn, room_id, ids)
        not_in_room(found, ids, room_id)
        deleted = [i for i in ids if found[i]]
        if deleted:  # a tombstone has nothing left to move
            raise ValidationError(
                "deleted messages cannot be moved",
                code="messages_deleted",
                details={"message_ids": deleted},
            )
        ordered = sorted(ids)
        store.move_txn(tx.conn, ordered, to_room_id)
        moved = store.wire_messages(tx.conn, ordered)
        actor = ctx.user.snapshot()
        tx.emit(
            room_event(
                "message.moved_out",
                room_id,
                actor,
                {"to_room_id": to_room_id, "message_ids": ordered, "actor_id": ctx.user_id},
            )
        )
        tx.emit(
            room_event(
                "message.moved_in",
                to_room_id,
                actor,
                {"from_room_id": room_id, "messages": moved},
            )
        )
        return moved

    return await core.log.run(job)
