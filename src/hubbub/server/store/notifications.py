"""A user's notifications: rows, pages, read flags.

The wire object (EVENTS.md C.2 #70) is stored as made, a snapshot; `read` comes from
`read_at`, and the content of a message deleted since is blanked on the way out.

A row with `ref_id` is a copy of the notification `ref_id` (a global notification: one
canonical row in Feeds' inbox, one copy per user, services.broadcasts) and shows that id:
the same object for everyone, which each user reads, pages past and marks read by it.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, func, insert, or_, select, update

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


# The id a row shows on the wire (its own, or the one of the notification it copies).
_shown = func.coalesce(notifications.c.ref_id, notifications.c.id)
_COLS = [
    _shown.label("id"),
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


def _is(notification_id: int) -> ColumnElement[bool]:
    return or_(notifications.c.id == notification_id, notifications.c.ref_id == notification_id)


def get(conn: Connection, user_id: int, notification_id: int) -> dict[str, Any] | None:
    q = (
        select(*_COLS)
        .select_from(_FROM)
        .where(_is(notification_id), notifications.c.user_id == user_id)
    )
    row = conn.execute(q).mappings().first()
    return None if row is None else _wire(row)


def page(
    conn: Connection,
    user_id: int,
    *,
    before: int | None,
    limit: int,
    unread_only: bool,
    kind: str | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first (by the id shown); fetches limit+1 rows to know whether there is more."""
    q = select(*_COLS).select_from(_FROM).where(notifications.c.user_id == user_id)
    if before is not None:
        q = q.where(_shown < before)
    if unread_only:
        q = q.where(notifications.c.read_at.is_(None))
    if kind is not None:
        q = q.where(notifications.c.kind == kind)
    rows = list(conn.execute(q.order_by(_shown.desc()).limit(limit + 1)).mappings())
    return [_wire(r) for r in rows[:limit]], len(rows) > limit


def unread_count(conn: Connection, user_id: int, kind: str | None = None) -> int:
    q = select(func.count()).where(
        notifications.c.user_id == user_id, notifications.c.read_at.is_(None)
    )
    if kind is not None:
        q = q.where(notifications.c.kind == kind)
    return int(conn.execute(q).scalar_one())


def unread_by_kind(conn: Connection, user_id: int) -> dict[str, int]:
    """kind → unread count, for the kinds that have unread notifications."""
    q = (
        select(notifications.c.kind, func.count())
        .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        .group_by(notifications.c.kind)
    )
    return {str(k): int(n) for k, n in conn.execute(q).all()}


def mark_read_txn(conn: Connection, user_id: int, notification_id: int, now_ms: int) -> bool:
    """True if it was unread (and is now read)."""
    result = conn.execute(
        update(notifications)
        .where(
            _is(notification_id),
            notifications.c.user_id == user_id,
            notifications.c.read_at.is_(None),
        )
        .values(read_at=now_ms)
    )
    return bool(result.rowcount)


def mark_all_read_txn(conn: Connection, user_id: int, now_ms: int) -> tuple[int, int | None]:
    """(how many were unread, the highest id marked)."""
    unread = (notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
    top = conn.execute(select(func.max(_shown)).where(*unread)).scalar()
    if top is None:
        return 0, None
    result = conn.execute(
        update(notifications).where(*unread, _shown <= top).values(read_at=now_ms)
    )
    return int(result.rowcount), int(top)
