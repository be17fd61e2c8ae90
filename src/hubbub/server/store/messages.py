"""Messages: rows, pages and the wire shape of EVENTS.md C.2.1."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store import attachments as lifecycle_attachments
from hubbub.server.store import content
from hubbub.server.store import embeds as lifecycle_embeds
from hubbub.server.store import reactions as reactions_store
from hubbub.server.store.schema import messages, users

_AUTHOR = [
    users.c.handle.label("author_handle"),
    users.c.display_name.label("author_display_name"),
    users.c.avatar_url.label("author_avatar_url"),
]
_WITH_AUTHOR = select(messages, *_AUTHOR).join(users, users.c.id == messages.c.author_id)
EXCERPT_CHARS = 120
HIDDEN_STATES = ("pending", "rejected")


def shown_to(viewer_id: int | None) -> ColumnElement[bool]:
    """The messages a non-moderator sees: neither shadowbanned, nor waiting for or
    rejected by a moderator, nor held (broadcast delay); their own always."""
    public = and_(
        messages.c.shadowbanned.is_(False),
        messages.c.moderation_state.not_in(HIDDEN_STATES),
        messages.c.release_at.is_(None),
    )
    return public if viewer_id is None else or_(public, messages.c.author_id == viewer_id)


def _json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def author_of(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """The author's snapshot (EVENTS.md C.1) from a message row joined with its author."""
    return {
        "id": r["author_id"],
        "handle": r["author_handle"],
        "display_name": r["author_display_name"],
        "avatar_url": r["author_avatar_url"],
    }


def message_wire(
    r: RowMapping | dict[str, Any], reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    deleted = bool(r["deleted"])
    edited_at = None if r["edited_at"] is None else iso_ms(r["edited_at"])
    # The content area's columns (migration 0002); `.get`: rows built by hand may lack them.
    received_at = r.get("received_at")
    return {
        "id": r["id"],
        "room_id": r["room_id"],
        "space_id": None,
        "author": author_of(r),
        "type": r["type"],
        # A tombstone keeps its place in history but not its content.
        "content": "" if deleted else r["content"],
        "content_html": "" if deleted else r["content_html"],
        "content_text": "" if deleted else r["content_text"],
        "reply_to": reply_to,
        "webhook": _webhook_ref(r),
        "parent_id": r.get("parent_id"),
        "show_parent": r["reply_to_id"] is not None,  # D.10: only explicit replies
        "quote_of": None if deleted else _json(r.get("quote_of")),
        "mentions": [],  # filled by enrich (store.content.add_mentions)
        "attachments": [],
        "embeds": [],
        "custom_type": r.get("custom_type"),
        "custom_id": r.get("custom_id"),
        "custom_payload": None if deleted else _json(r.get("custom_payload")),
        "ad": None if deleted else _json(r.get("ad")),
        "nonce": r["nonce"],
        "stars": 0,
        "pinned": False,
        "pin_count": 0,
        "pinned_at": None,
        "edit_count": r["edit_count"],
        "reactions": [],
        # The moderation pipeline (issue 6); moderators' copies add original_content and
        # shadowbanned (services.message_audience.mod_fields).
        "moderation_state": r.get("moderation_state") or "na",
        # D.68: hidden (pending, rejected, deleted) messages are not active.
        "active": not deleted and r.get("moderation_state") not in HIDDEN_STATES,
        "censored": bool(r.get("censored") or False),
        "deleted": deleted,
        "created_at": iso_ms(r["created_at"]),
        # D.71: `ts` is when the server received it, even for a backdated import.
        "ts": r["created_at"] if received_at is None else received_at,
        "edited_at": edited_at,
        "modified_at": edited_at,
        "edited_by_moderator": bool(r.get("edited_by_moderator") or False),
    }


def moderator_fields(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """What only moderators see of a message (EVENTS.md C.2.1), when it says something:
    the original of a censored message, `shadowbanned: true`, and how many reports it
    has had."""
    out: dict[str, Any] = {}
    if r.get("censored") and r.get("original_content") is not None:
        out["original_content"] = r["original_content"]
    if r.get("shadowbanned"):
        out["shadowbanned"] = True
    if r.get("report_count"):
        out["report_count"] = r["report_count"]
    return out


def _webhook_ref(r: RowMapping | dict[str, Any]) -> dict[str, Any] | None:
    """Who a webhook's message shows as: the identity stored when it was posted."""
    webhook_id = r.get("webhook_id")
    if webhook_id is None:
        return None
    shown = _json(r.get("author_override")) or {}
    return {"id": webhook_id, "name": shown.get("name"), "avatar_url": shown.get("avatar_url")}


def _reply_ref(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    text = "" if r["deleted"] else r["content_text"]
    return {
        "id": r["id"],
        "author": author_of(r),
        "excerpt": text[:EXCERPT_CHARS],
    }


def _wire_rows(
    conn: Connection, rows: list[RowMapping], viewer_id: int | None = None
) -> list[dict[str, Any]]:
    """Wire messages for `rows`, with what other tables add to them, for one viewer
    (None: the shared copy that goes into events, with no per-viewer fields)."""
    reply_ids = {r["reply_to_id"] for r in rows if r["reply_to_id"] is not None}
    refs: dict[int, dict[str, Any]] = {}
    if reply_ids:
        q = _WITH_AUTHOR.where(messages.c.id.in_(reply_ids))
        refs = {r["id"]: _reply_ref(r) for r in (conn.execute(q)).mappings()}
    wired = [message_wire(r, refs.get(r["reply_to_id"])) for r in rows]
    enrich(conn, wired, viewer_id)
    return wired


def enrich(conn: Connection, wired: list[dict[str, Any]], viewer_id: int | None) -> None:
    """Fill the fields that live in other tables (reactions, stars, pins, attachments, …).
    Each area adds one call here, batched over all the messages of the page."""
    if not wired:
        return
    lifecycle_embeds.fill(conn, wired)
    lifecycle_attachments.fill(conn, wired)
    reactions_store.enrich_messages(conn, wired, viewer_id)
    content.add_mentions(conn, wired)


def get_message_row(conn: Connection, message_id: int) -> RowMapping | None:
    q = _WITH_AUTHOR.where(messages.c.id == message_id)
    return (conn.execute(q)).mappings().first()


def get_message(
    conn: Connection, message_id: int, viewer_id: int | None = None
) -> dict[str, Any] | None:
    row = get_message_row(conn, message_id)
    return None if row is None else (_wire_rows(conn, [row], viewer_id))[0]


def find_by_nonce(conn: Connection, author_id: int, nonce: str) -> dict[str, Any] | None:
    q = _WITH_AUTHOR.where(messages.c.author_id == author_id, messages.c.nonce == nonce)
    row = (conn.execute(q)).mappings().first()
    # The shared copy (no per-viewer fields), the same shape the first POST answered with.
    return None if row is None else (_wire_rows(conn, [row], None))[0]


def insert_message_txn(
    conn: Connection,
    author: dict[str, Any],
    parent: RowMapping | None,
    **values: Any,
) -> dict[str, Any]:
    """Insert and return the wire message, built from what is already known (no re-read)."""
    result = conn.execute(insert(messages).values(**values).returning(messages.c.id))
    row = {
        **values,
        "id": int(result.scalar_one()),
        "author_handle": author["handle"],
        "author_display_name": author["display_name"],
        "author_avatar_url": author["avatar_url"],
        "edited_at": None,
    }
    return message_wire(row, None if parent is None else _reply_ref(parent))


def update_message_txn(conn: Connection, message_id: int, **values: Any) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(**values))


def page(
    conn: Connection,
    room_id: int,
    *,
    before: int | None,
    after: int | None,
    limit: int,
    viewer_id: int | None = None,
    around: int | None = None,
    moderator: bool | None = None,
) -> tuple[list[dict[str, Any]], bool, bool]:
    """(page oldest → newest, more older exist, more newer exist), ordered by id. `after`
    walks forward; `around` takes up to half the page from each side of that id (the id
    itself included when it is in the room; a short side gives its room to the other);
    otherwise walk back from `before` (or from the newest). Each side fetches one row more
    than it can use to know whether there is more."""
    in_room = _WITH_AUTHOR.where(messages.c.room_id == room_id)
    if moderator is False:  # only what the viewer may see (shown_to)
        in_room = in_room.where(shown_to(viewer_id))
    if around is not None:
        older = _page_rows(conn, in_room.where(messages.c.id <= around), False, limit + 1)
        newer = _page_rows(conn, in_room.where(messages.c.id > around), True, limit + 1)
        n_before = min(len(older), limit - min(len(newer), limit // 2))
        n_after = min(len(newer), limit - n_before)
        rows = older[:n_before][::-1] + newer[:n_after]
        more_before, more_after = len(older) > n_before, len(newer) > n_after
    elif after is not None:
        rows = _page_rows(conn, in_room.where(messages.c.id > after), True, limit + 1)
        more_before = _any_row(conn, in_room.where(messages.c.id <= after))
        more_after = len(rows) > limit
        rows = rows[:limit]
    else:
        bounded = in_room if before is None else in_room.where(messages.c.id < before)
        rows = _page_rows(conn, bounded, False, limit + 1)
        more_before = len(rows) > limit
        more_after = before is not None and _any_row(conn, in_room.where(messages.c.id >= before))
        rows = rows[:limit][::-1]
    wired = _wire_rows(conn, rows, viewer_id)
    if moderator:  # with the moderator-only fields
        for m, r in zip(wired, rows, strict=True):
            m.update(moderator_fields(r))
    return wired, more_before, more_after


def _page_rows(conn: Connection, q: Any, ascending: bool, limit: int) -> list[RowMapping]:
    order = messages.c.id if ascending else messages.c.id.desc()
    return list(conn.execute(q.order_by(order).limit(limit)).mappings())


def _any_row(conn: Connection, q: Any) -> bool:
    return conn.execute(q.limit(1)).first() is not None


def count_in_room(conn: Connection, room_id: int) -> int:
    q = select(func.count()).where(messages.c.room_id == room_id, messages.c.deleted.is_(False))
    return int((conn.execute(q)).scalar_one())
