"""Reports (MD-04, D.66): rows, their wire shape, moderators' lists, and the per-message
report count that drives the threshold (MD-03)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import messages
from hubbub.server.store.schema_moderation import reports


def report_wire(r: RowMapping | dict[str, Any], report_count: int) -> dict[str, Any]:
    """EVENTS.md C.2 #66 `report`, plus its resolution. `report_count` is how many
    reports the target has in all (every reporter, every status)."""
    resolved_at = r["resolved_at"]
    return {
        "id": r["id"],
        "target_type": r["target_type"],
        "target_id": r["target_id"],
        "room_id": r["room_id"],
        "space_id": r["space_id"],
        "reason": r["reason"],
        "detail": r["detail"],
        "status": r["status"],
        "report_count": report_count,
        "reporter_id": r["reporter_id"],
        "created_at": iso_ms(r["created_at"]),
        "resolved_at": None if resolved_at is None else iso_ms(resolved_at),
        "resolver_id": r["resolver_id"],
        "note": r["resolution_note"],
    }


def get_row(conn: Connection, report_id: int) -> RowMapping | None:
    return conn.execute(select(reports).where(reports.c.id == report_id)).mappings().first()


def already_reported(conn: Connection, reporter_id: int, target_type: str, target_id: int) -> bool:
    q = select(reports.c.id).where(
        reports.c.reporter_id == reporter_id,
        reports.c.target_type == target_type,
        reports.c.target_id == target_id,
    )
    return conn.execute(q).first() is not None


def count_for_target(conn: Connection, target_type: str, target_id: int) -> int:
    q = select(func.count()).where(
        reports.c.target_type == target_type, reports.c.target_id == target_id
    )
    return int(conn.execute(q).scalar() or 0)


def insert_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    values = {"resolved_at": None, "resolver_id": None, "resolution_note": None, **values}
    result = conn.execute(insert(reports).values(**values).returning(reports.c.id))
    return {**values, "id": int(result.scalar_one())}


def close_txn(
    conn: Connection,
    report_id: int,
    *,
    status: str,
    resolver_id: int,
    note: str | None,
    now_ms: int,
) -> bool:
    """Close a report still open; False if someone closed it first."""
    q = (
        update(reports)
        .where(reports.c.id == report_id, reports.c.status == "created")
        .values(status=status, resolver_id=resolver_id, resolution_note=note, resolved_at=now_ms)
    )
    return conn.execute(q).rowcount == 1


def bump_message_count_txn(conn: Connection, message_id: int) -> int:
    """One more report on a message; the new messages.report_count."""
    col = messages.c.report_count
    conn.execute(update(messages).where(messages.c.id == message_id).values(report_count=col + 1))
    return int(conn.execute(select(col).where(messages.c.id == message_id)).scalar_one())


def page(
    conn: Connection,
    *,
    room_id: int | None = None,
    space_id: int | None = None,
    status: str | None = None,
    before: int | None = None,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first: a room's reports (its messages and itself), a space's (itself, its
    rooms and their messages), or every report when neither is given."""
    q: Select[Any] = select(reports)
    if room_id is not None:
        q = q.where(reports.c.room_id == room_id)
    if space_id is not None:
        q = q.where(reports.c.space_id == space_id)
    if status is not None:
        q = q.where(reports.c.status == status)
    if before is not None:
        q = q.where(reports.c.id < before)
    found = conn.execute(q.order_by(reports.c.id.desc()).limit(limit + 1)).mappings().all()
    rows = found[:limit]
    counts = _counts(conn, {(r["target_type"], r["target_id"]) for r in rows})
    out = [report_wire(r, counts.get((r["target_type"], r["target_id"]), 0)) for r in rows]
    return out, len(found) > limit


def _counts(conn: Connection, targets: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    if not targets:
        return {}
    ids = {t[1] for t in targets}
    q = (
        select(reports.c.target_type, reports.c.target_id, func.count())
        .where(reports.c.target_id.in_(ids))
        .group_by(reports.c.target_type, reports.c.target_id)
    )
    return {(str(t), int(i)): int(n) for t, i, n in conn.execute(q)}
