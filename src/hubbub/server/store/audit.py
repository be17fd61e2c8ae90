"""The audit log: one row per setting, permission, membership or moderation change."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, insert
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
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
