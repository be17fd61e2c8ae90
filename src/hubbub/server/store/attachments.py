"""Uploaded files: rows, their wire shape, the `attachments[]` of message objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.store.schema import messages
from hubbub.server.store.schema_lifecycle import attachments

API_PREFIX = "/api/v1"


def url_of(attachment_id: int, filename: str) -> str:
    """Where the file is served. The name is in the URL so browsers save it under it."""
    return f"{API_PREFIX}/attachments/{attachment_id}/{quote(filename, safe='')}"


def attachment_wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "filename": r["filename"],
        "content_type": r["content_type"],
        "size": r["size"],
        "url": url_of(r["id"], r["filename"]),
    }


def insert_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    result = conn.execute(insert(attachments).values(**values).returning(attachments.c.id))
    return {**values, "id": int(result.scalar_one())}


def get_row(conn: Connection, attachment_id: int) -> RowMapping | None:
    q = select(attachments).where(attachments.c.id == attachment_id)
    return conn.execute(q).mappings().first()


def find_by_nonce(conn: Connection, uploader_id: int, nonce: str) -> RowMapping | None:
    q = select(attachments).where(
        attachments.c.uploader_id == uploader_id, attachments.c.nonce == nonce
    )
    return conn.execute(q).mappings().first()


def message_deleted(conn: Connection, message_id: int) -> bool:
    q = select(messages.c.deleted).where(messages.c.id == message_id)
    return bool(conn.execute(q).scalar())


def rows(conn: Connection, attachment_ids: Collection[int]) -> list[RowMapping]:
    q = select(attachments).where(attachments.c.id.in_(list(attachment_ids)))
    return list(conn.execute(q).mappings())


def set_message_txn(conn: Connection, attachment_ids: Collection[int], message_id: int) -> None:
    conn.execute(
        update(attachments)
        .where(attachments.c.id.in_(list(attachment_ids)))
        .values(message_id=message_id)
    )


def unattached_before(conn: Connection, cutoff_ms: int, limit: int) -> list[RowMapping]:
    q = (
        select(attachments.c.id, attachments.c.storage_key)
        .where(attachments.c.message_id.is_(None), attachments.c.created_at < cutoff_ms)
        .order_by(attachments.c.id)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())


def delete_unattached_txn(conn: Connection, attachment_ids: Collection[int]) -> None:
    # `message_id IS NULL` again: an upload attached since it was listed is kept.
    conn.execute(
        delete(attachments).where(
            attachments.c.id.in_(list(attachment_ids)), attachments.c.message_id.is_(None)
        )
    )


def fill(conn: Connection, wired: list[dict[str, Any]]) -> None:
    """Set `attachments` on every wire message of a page with one query (none on a
    tombstone)."""
    ids = [m["id"] for m in wired if not m["deleted"]]
    if not ids:
        return
    q = (
        select(attachments)
        .where(attachments.c.message_id.in_(ids))
        .order_by(attachments.c.message_id, attachments.c.id)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(q).mappings():
        found[int(row["message_id"])].append(attachment_wire(row))
    for m in wired:
        if m["id"] in found:
            m["attachments"] = found[m["id"]]
