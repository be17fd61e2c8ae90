"""Pin rows: a pin is a boolean per message (D.12)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from hubbub.server.store.schema_reactions import pins


def pinned_at(conn: Connection, message_ids: list[int]) -> dict[int, int]:
    """message id → pinned_at (ms) for the pinned ones among `message_ids`."""
    if not message_ids:
        return {}
    q = select(pins.c.message_id, pins.c.pinned_at).where(pins.c.message_id.in_(message_ids))
    return {int(m): int(at) for m, at in conn.execute(q).all()}


def pin_txn(conn: Connection, message_id: int, user_id: int, now_ms: int) -> None:
    conn.execute(insert(pins).values(message_id=message_id, pinned_by=user_id, pinned_at=now_ms))


def unpin_txn(conn: Connection, message_id: int) -> bool:
    return bool(conn.execute(delete(pins).where(pins.c.message_id == message_id)).rowcount)
