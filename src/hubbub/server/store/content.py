"""SQL of the content area: mentions, D.11's parent lookup, revisions, token grants."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import messages, tokens, users
from hubbub.server.store.schema_content import mentions, message_revisions

# -- mentions ------------------------------------------------------------------------


def users_by_handles(conn: Connection, handles: Iterable[str]) -> dict[str, int]:
    """Lower-cased handle → user id, for the handles that exist."""
    keys = sorted(set(handles))
    if not keys:
        return {}
    q = select(users.c.handle_key, users.c.id).where(users.c.handle_key.in_(keys))
    return {str(k): int(i) for k, i in conn.execute(q).all()}


def mentioned_ids(conn: Connection, message_id: int) -> list[int]:
    q = select(mentions.c.user_id).where(mentions.c.message_id == message_id)
    return [int(u) for u in conn.execute(q).scalars()]


def set_mentions_txn(
    conn: Connection, message_id: int, room_id: int, user_ids: list[int], *, new: bool = False
) -> None:
    """Replace a message's mentions (`new`: a message just inserted, nothing to replace)."""
    if not new:
        conn.execute(delete(mentions).where(mentions.c.message_id == message_id))
    if user_ids:
        conn.execute(
            insert(mentions),
            [{"message_id": message_id, "user_id": u, "room_id": room_id} for u in user_ids],
        )


def add_mentions(conn: Connection, wired: list[dict[str, Any]]) -> None:
    """Fill `mentions` (user ids, in id order) on a batch of wire messages; one query."""
    ids = [m["id"] for m in wired if not m["deleted"]]
    if not ids:
        return
    q = (
        select(mentions.c.message_id, mentions.c.user_id)
        .where(mentions.c.message_id.in_(ids))
        .order_by(mentions.c.message_id, mentions.c.user_id)
    )
    by_message: dict[int, list[int]] = {}
    for message_id, user_id in conn.execute(q).all():
        by_message.setdefault(int(message_id), []).append(int(user_id))
    for m in wired:
        m["mentions"] = by_message.get(m["id"], [])


def latest_by_author(
    conn: Connection, room_id: int, author_id: int, before_id: int | None = None
) -> int | None:
    """The author's newest live message in the room (older than `before_id`), for D.11."""
    q = select(func.max(messages.c.id)).where(
        messages.c.room_id == room_id,
        messages.c.author_id == author_id,
        messages.c.deleted.is_(False),
    )
    if before_id is not None:
        q = q.where(messages.c.id < before_id)
    found = conn.execute(q).scalar()
    return None if found is None else int(found)


# -- revisions -----------------------------------------------------------------------


def insert_revision_txn(conn: Connection, **values: Any) -> None:
    conn.execute(insert(message_revisions).values(**values))


def revisions(conn: Connection, message_id: int) -> list[dict[str, Any]]:
    q = (
        select(message_revisions)
        .where(message_revisions.c.message_id == message_id)
        .order_by(message_revisions.c.revision)
    )
    return [
        {
            "revision": r["revision"],
            "content": r["content"],
            "content_html": r["content_html"],
            "content_text": r["content_text"],
            "custom_payload": r["custom_payload"],
            "created_at": iso_ms(r["created_at"]),
            "replaced_at": iso_ms(r["replaced_at"]),
            "replaced_by": r["replaced_by"],
        }
        for r in conn.execute(q).mappings()
    ]


# -- token grants --------------------------------------------------------------------

IMPORT = "import"  # may set created_at on sends (D.71)


def token_permissions(conn: Connection, token_id: int) -> frozenset[str]:
    q = select(tokens.c.permissions).where(tokens.c.id == token_id)
    value = conn.execute(q).scalar()
    return frozenset((value or "").split())


def grant_txn(conn: Connection, token_hash: str, permission: str) -> bool:
    """Add a permission to a token; False if there is no such token."""
    row = conn.execute(
        select(tokens.c.id, tokens.c.permissions).where(tokens.c.token_hash == token_hash)
    ).first()
    if row is None:
        return False
    granted = set((row[1] or "").split()) | {permission}
    conn.execute(
        tokens.update()
        .where(and_(tokens.c.id == row[0]))
        .values(permissions=" ".join(sorted(granted)))
    )
    return True
