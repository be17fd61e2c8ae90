"""Bulk delete and purge: moderators tombstone many messages of one room at once.

Both are all-or-nothing and emit `message.bulk_deleted` (EVENTS.md C.2 #54) instead of one
`message.deleted` per message. Messages already deleted are skipped, not refused: deleting
twice is still deleted, and the event names only what this call changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubbub.errors import NotFound, ValidationError
from hubbub.server.events import room_event
from hubbub.server.services import audit
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import moderated_room_txn
from hubbub.server.store import bulk as store
from hubbub.server.store import users as store_users
from hubbub.server.store.log import Tx

MAX_IDS = 100
# A purge may delete thousands of messages: its ids go out in events of at most this many,
# all committed in the one transaction, so no reader sees half a purge.
EVENT_CHUNK = 1000


def check_ids(message_ids: Sequence[int]) -> list[int]:
    """Distinct ids in the order given; 1..MAX_IDS of them."""
    if not message_ids:
        raise ValidationError("message_ids must not be empty", code="message_ids_empty")
    ids = list(dict.fromkeys(message_ids))
    if len(ids) > MAX_IDS:
        raise ValidationError(
            f"at most {MAX_IDS} messages at once; got {len(ids)}",
            code="too_many_messages",
            details={"limit": MAX_IDS, "count": len(ids)},
        )
    if any(i < 1 for i in ids):
        raise ValidationError("message ids are positive integers", code="invalid_message_id")
    return ids


def not_in_room(found: dict[int, bool], ids: list[int], room_id: int) -> None:
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            f"{len(missing)} of the messages are not in room {room_id}",
            code="messages_not_in_room",
            details={"message_ids": missing},
        )


def _emit_deleted(tx: Tx, ctx: Ctx, room_id: int, ids: list[int], extra: dict[str, Any]) -> None:
    for start in range(0, len(ids), EVENT_CHUNK):
        tx.emit(
            room_event(
                "message.bulk_deleted",
                room_id,
                ctx.user.snapshot(),
                {"message_ids": ids[start : start + EVENT_CHUNK], **extra, "actor_id": ctx.user_id},
            )
        )


def _audit_txn(
    tx: Tx, ctx: Ctx, access: RoomAccess, action: str, user_id: int | None, after: Any
) -> None:
    """Bulk deletes and purges are moderation actions: audited (MD-17)."""
    audit.record_txn(
        tx,
        action=action,
        actor=ctx.user.snapshot(),
        room_id=access.room.id,
        space_id=access.room.space_id,
        target_type=None if user_id is None else "user",
        target_id=user_id,
        after=after,
    )


async def bulk_delete(core: Core, ctx: Ctx, room_id: int, message_ids: Sequence[int]) -> list[int]:
    """Tombstone up to 100 messages of a room; the ids this call deleted."""
    ids = check_ids(message_ids)

    def job(tx: Tx) -> list[int]:
        access = moderated_room_txn(tx.conn, ctx, room_id)
        found = store.rows_in_room(tx.conn, room_id, ids)
        not_in_room(found, ids, room_id)
        fresh = sorted(i for i in ids if not found[i])
        if fresh:
            store.tombstone_txn(tx.conn, fresh, tx.now_ms)
            _emit_deleted(tx, ctx, room_id, fresh, {"reason": "bulk"})
            _audit_txn(tx, ctx, access, "message.bulk_deleted", None, {"message_ids": fresh})
        return fresh

    return await core.log.run(job)


async def purge(core: Core, ctx: Ctx, room_id: int, user_id: int) -> int:
    """Tombstone every message `user_id` has in a room (EVENTS.md D.81); how many."""

    def job(tx: Tx) -> int:
        access = moderated_room_txn(tx.conn, ctx, room_id)
        if store_users.get_user(tx.conn, user_id) is None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        ids = store.live_ids_by_author(tx.conn, room_id, user_id)
        if ids:
            store.tombstone_by_author_txn(tx.conn, room_id, user_id, tx.now_ms)
            _emit_deleted(tx, ctx, room_id, ids, {"reason": "purge", "purged_user_id": user_id})
        _audit_txn(tx, ctx, access, "message.purged", user_id, {"deleted_count": len(ids)})
        return len(ids)

    return await core.log.run(job)
