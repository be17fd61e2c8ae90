"""The audit log: one row per setting, permission, membership or moderation change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Select, and_, func, insert, or_, select
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import rooms
from hubbub.server.store.schema_spaces import audit_log


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def insert_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    values["before"] = _json(values.get("before"))
    values["after"] = _json(values.get("after"))
    row = conn.execute(insert(audit_log).values(**values).returning(*audit_log.c)).mappings().one()
    return entry_wire(row)


def entry_wire(r: RowMapping) -> dict[str, Any]:
    target = None if r["target_type"] is None else {"type": r["target_type"], "id": r["target_id"]}
    return {
        "id": r["id"],
        "scope": r["scope"],
        "scope_id": r["scope_id"],
        "space_id": r["space_id"],
        "room_id": r["room_id"],
        "action": r["action"],
        "actor_id": r["actor_id"],
        "target": target,
        "before": None if r["before"] is None else orjson.loads(r["before"]),
        "after": None if r["after"] is None else orjson.loads(r["after"]),
        "reason": r["reason"],
        "created_at": iso_ms(r["created_at"]),
    }


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a reader narrows the log to. `action` ending in "." matches as a prefix."""

    action: str | None = None
    actor_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    before: int | None = None


def _narrowed(q: Select[Any], f: AuditFilter) -> Select[Any]:
    c = audit_log.c
    if f.action is not None:
        if f.action.endswith("."):
            # substr, not LIKE: `_` in action names would be a wildcard there.
            q = q.where(func.substr(c.action, 1, len(f.action)) == f.action)
        else:
            q = q.where(c.action == f.action)
    if f.actor_id is not None:
        q = q.where(c.actor_id == f.actor_id)
    if f.target_type is not None:
        q = q.where(c.target_type == f.target_type)
    if f.target_id is not None:
        q = q.where(c.target_id == f.target_id)
    if f.before is not None:
        q = q.where(c.id < f.before)
    return q


def _page(conn: Connection, q: Select[Any], limit: int) -> tuple[list[dict[str, Any]], bool]:
    rows = conn.execute(q.order_by(audit_log.c.id.desc()).limit(limit + 1)).mappings().all()
    return [entry_wire(r) for r in rows[:limit]], len(rows) > limit


def room_entries(
    conn: Connection, room_id: int, f: AuditFilter, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """A room's entries, newest first, and whether older ones remain."""
    q = select(audit_log).where(audit_log.c.scope == "room", audit_log.c.scope_id == room_id)
    return _page(conn, _narrowed(q, f), limit)


def user_entries(
    conn: Connection, user_id: int, f: AuditFilter, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The entries about a user that belong to no room or space (suspensions,
    reputation, reports on the user), newest first."""
    q = select(audit_log).where(audit_log.c.scope == "user", audit_log.c.scope_id == user_id)
    return _page(conn, _narrowed(q, f), limit)


def space_entries(
    conn: Connection, space_id: int, f: AuditFilter, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """A space's entries and those of its rooms, newest first. A room entry written
    without its space_id still belongs here through the room's space."""
    c = audit_log.c
    in_space = select(rooms.c.id).where(rooms.c.space_id == space_id)
    q = select(audit_log).where(
        or_(c.space_id == space_id, and_(c.scope == "room", c.scope_id.in_(in_space)))
    )
    return _page(conn, _narrowed(q, f), limit)
