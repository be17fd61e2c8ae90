"""A user's notifications: rows, pages, read flags.

The wire object (EVENTS.md C.2 #70) is stored as made, a snapshot; `read` comes from
`read_at`, and the content of a message deleted since is blanked on the way out.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select, update

from hubbub.server.store.schema import messages
from hubbub.server.store.schema_content import notifications


def insert_txn(
    conn: Connection,
    *,
    user_id: int,
    kind: str,
    room_id: int | None,
    message_id: int | None,
    actor_id: int | None,
    wire: dict[str, Any],
    now_ms: int,
) -> dict[str, Any]:
    """Insert one notification; the wire object, with its id, is returned."""
    result = conn.execute(
        insert(notifications)
        .values(
            user_id=user_id,
            kind=kind,
            room_id=room_id,
            message_id=message_id,
            actor_id=actor_id,
            payload=orjson.dumps(wire).decode(),
            created_at=now_ms,
        )
        .returning(notifications.c.id)
    )
    return {"id": int(result.scalar_one()), **wire, "read": False}


_COLS = [
    notifications.c.id,
    notifications.c.payload,
    notifications.c.read_at,
    messages.c.deleted,
]
_FROM = notifications.outerjoin(messages, messages.c.id == notifications.c.message_id)


def _wire(r: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r["id"], **orjson.loads(r["payload"])}
    out["read"] = r["read_at"] is not None
    if r["deleted"]:
        out["content_html"] = out["content_text"] = ""
    return out


def get(conn: Connection, user_id: int, notification_id: int) -> dict[str, Any] | None:
    q = (
        select(*_COLS)
        .select_from(_FROM)
        .where(notifications.c.id == notification_id, notifications.c.user_id == user_id)
    )
    row = conn.execute(q).mappings().first()
    return None if row is None else _wire(row)


def page(
    conn: Connection, user_id: int, *, before: int | None, limit: int, unread_only: bool
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first; fetches limit+1 rows to know whether there is more."""
    q = select(*_COLS).select_from(_FROM).where(notifications.c.user_id == user_id)
    if before is not None:
        q = q.where(notifications.c.id < before)
    if unread_only:
        q = q.where(notifications.c.read_at.is_(None))
    rows = list(conn.execute(q.order_by(notifications.c.id.desc()).limit(limit + 1)).mappings())
    return [_wire(r) for r in rows[:limit]], len(rows) > limit


def unread_count(conn: Connection, user_id: int) -> int:
    q = select(func.count()).where(
        notifications.c.user_id == user_id, notifications.c.read_at.is_(None)
    )
    return int(conn.execute(q).scalar_one())


def mark_read_txn(conn: Connection, user_id: int, notification_id: int, now_ms: int) -> bool:
    """True if it was unread (and is now read)."""
    result = conn.execute(
        update(notifications)
        .where(
            notifications.c.id == notification_id,
            notifications.c.user_id == user_id,
            notifications.c.read_at.is_(None),
        )
        .values(read_at=now_ms)
    )
    return bool(result.rowcount)


def mark_all_read_txn(conn: Connection, user_id: int, now_ms: int) -> tuple[int, int | None]:
    """(how many were unread, the highest id marked)."""
    unread = (notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
    top = conn.execute(select(func.max(notifications.c.id)).where(*unread)).scalar()
    if top is None:
        return 0, None
    result = conn.execute(
        update(notifications).where(*unread, notifications.c.id <= top).values(read_at=now_ms)
    )
    return int(result.rowcount), int(top)
