"""Many messages at once: which of a set are in a room, tombstoning, one author's ids."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select, update

from hubbub.server.store.schema import messages


def rows_in_room(conn: Connection, room_id: int, message_ids: Collection[int]) -> dict[int, bool]:
    """{id: deleted} for those of `message_ids` that are messages of `room_id`."""
    q = select(messages.c.id, messages.c.deleted).where(
        messages.c.room_id == room_id, messages.c.id.in_(list(message_ids))
    )
    return {int(r.id): bool(r.deleted) for r in conn.execute(q)}


def live_ids_by_author(conn: Connection, room_id: int, author_id: int) -> list[int]:
    """Ids of `author_id`'s not yet deleted messages in a room, oldest first."""
    q = (
        select(messages.c.id)
        .where(
            messages.c.room_id == room_id,
            messages.c.author_id == author_id,
            messages.c.deleted.is_(False),
        )
        .order_by(messages.c.id)
    )
    return [int(i) for i in conn.execute(q).scalars()]


def tombstone_txn(conn: Connection, message_ids: Collection[int], now_ms: int) -> None:
    if not message_ids:
        return
    conn.execute(
        update(messages)
        .where(messages.c.id.in_(list(message_ids)))
        .values(deleted=True, deleted_at=now_ms)
    )


def tombstone_by_author_txn(conn: Connection, room_id: int, author_id: int, now_ms: int) -> None:
    """One statement however many there are (an id list could exceed bind-parameter limits)."""
    conn.execute(
        update(messages)
        .where(
            messages.c.room_id == room_id,
            messages.c.author_id == author_id,
            messages.c.deleted.is_(False),
        )
        .values(deleted=True, deleted_at=now_ms)
    )
