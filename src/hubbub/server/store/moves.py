"""Moving messages to another room: the message and every row that follows its room."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, update

from hubbub.server.store import messages as store_messages
from hubbub.server.store.schema import messages
from hubbub.server.store.schema_content import mentions
from hubbub.server.store.schema_lifecycle import attachments


def move_txn(conn: Connection, message_ids: Collection[int], to_room_id: int) -> None:
    """Ids are global, so a moved message keeps its id and its place in time; only its
    room changes. Rows that copy a message's room (mentions for unread counts, uploads
    for download rights) follow it in the same transaction."""
    ids = list(message_ids)
    if not ids:
        return
    conn.execute(update(messages).where(messages.c.id.in_(ids)).values(room_id=to_room_id))
    conn.execute(update(mentions).where(mentions.c.message_id.in_(ids)).values(room_id=to_room_id))
    conn.execute(
        update(attachments).where(attachments.c.message_id.in_(ids)).values(room_id=to_room_id)
    )


def wire_messages(conn: Connection, message_ids: Collection[int]) -> list[dict[str, Any]]:
    """The shared (viewer-less) wire copies of `message_ids`, oldest first, in one query."""
    q = store_messages._WITH_AUTHOR.where(messages.c.id.in_(list(message_ids))).order_by(
        messages.c.id
    )
    return store_messages._wire_rows(conn, list(conn.execute(q).mappings()))
