"""SQL of the message pipeline (issue 6): profanity word lists, shadowbans, the room
freeze and slow mode lookups, the moderation queue and the broadcast hold.

Sanction rows are never deleted: lifting sets `lifted_at`, and "is X shadowbanned now" is
a lookup for a row that is neither lifted nor expired (expiry is read against the clock,
so an expired shadowban simply stops applying)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import messages, rooms
from hubbub.server.store.schema_moderation import moderation_queue, shadowbans, word_lists

SERVER_LIST = 0  # word_lists.room_id of the server-wide list

# -- word lists ------------------------------------------------------------------------


def words(conn: Connection, room_id: int) -> list[str]:
    """A room's own list (or, for SERVER_LIST, the server-wide one); [] when unset."""
    q = select(word_lists.c.words).where(word_lists.c.room_id == room_id)
    raw = conn.execute(q).scalar()
    return [] if raw is None else list(orjson.loads(raw))


def raw_lists(conn: Connection, room_id: int) -> tuple[str, str]:
    """The server-wide list and a room's own, as stored (JSON text; "" when unset), in
    one query: the message pipeline reads them for every message."""
    q = select(word_lists.c.room_id, word_lists.c.words).where(
        word_lists.c.room_id.in_((SERVER_LIST, room_id))
    )
    found = {int(r[0]): str(r[1]) for r in conn.execute(q)}
    return found.get(SERVER_LIST, ""), found.get(room_id, "") if room_id != SERVER_LIST else ""


# What the pipeline needs of every message, in one round trip: both word lists as stored
# and whether a shadowban applies. Written once as text, so no statement is built (or
# cache-keyed) per message; portable between SQLite and PostgreSQL.
_PIPELINE_FACTS = text(
    "SELECT"
    " (SELECT words FROM word_lists WHERE room_id = :server),"
    " (SELECT words FROM word_lists WHERE room_id = :room AND room_id <> :server),"
    " EXISTS (SELECT 1 FROM shadowbans WHERE user_id = :user AND lifted_at IS NULL"
    " AND (room_id IS NULL OR room_id = :room)"
    " AND (expires_at IS NULL OR expires_at > :now))"
)


def pipeline_facts(
    conn: Connection, room_id: int, user_id: int, now_ms: int
) -> tuple[tuple[str, str], bool]:
    """((server-wide list, room list) as stored JSON text, "" when unset; whether a
    global or this room's shadowban applies to the user now)."""
    params = {"server": SERVER_LIST, "room": room_id, "user": user_id, "now": now_ms}
    server, own, banned = conn.execute(_PIPELINE_FACTS, params).one()
    return (server or "", own or ""), bool(banned)


def set_words_txn(conn: Connection, room_id: int, values: list[str], now_ms: int) -> None:
    conn.execute(delete(word_lists).where(word_lists.c.room_id == room_id))
    if values:
        data = orjson.dumps(values).decode()
        conn.execute(insert(word_lists).values(room_id=room_id, words=data, updated_at=now_ms))


# -- shadowbans ------------------------------------------------------------------------


def _active(now_ms: int) -> Any:
    return and_(
        shadowbans.c.lifted_at.is_(None),
        or_(shadowbans.c.expires_at.is_(None), shadowbans.c.expires_at > now_ms),
    )


def active_shadowban(
    conn: Connection, user_id: int, room_id: int | None, now_ms: int
) -> RowMapping | None:
    """The shadowban of exactly this scope (room_id None: global) in force now."""
    scope = shadowbans.c.room_id.is_(None) if room_id is None else shadowbans.c.room_id == room_id
    q = select(shadowbans).where(shadowbans.c.user_id == user_id, scope, _active(now_ms))
    return conn.execute(q.order_by(shadowbans.c.id.desc()).limit(1)).mappings().first()


def insert_shadowban_txn(conn: Connection, **values: Any) -> int:
    result = conn.execute(insert(shadowbans).values(**values).returning(shadowbans.c.id))
    return int(result.scalar_one())


def lift_shadowban_txn(conn: Connection, shadowban_id: int, now_ms: int) -> None:
    q = update(shadowbans).where(shadowbans.c.id == shadowban_id).values(lifted_at=now_ms)
    conn.execute(q)


def shadowban_wire(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    expires = row["expires_at"]
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "room_id": row["room_id"],
        "reason": row["reason"],
        "actor_id": row["actor_id"],
        "created_at": iso_ms(row["created_at"]),
        "expires_at": None if expires is None else iso_ms(expires),
    }


# -- slow mode and the room freeze -----------------------------------------------------


def last_sent_at(conn: Connection, room_id: int, author_id: int) -> int | None:
    """When the user's newest message in the room reached the server (ms), if any."""
    q = (
        select(func.coalesce(messages.c.received_at, messages.c.created_at))
        .where(messages.c.room_id == room_id, messages.c.author_id == author_id)
        .order_by(messages.c.id.desc())
        .limit(1)
    )
    value = conn.execute(q).scalar()
    return None if value is None else int(value)


def rooms_timed_out_until(conn: Connection, now_ms: int, limit: int = 100) -> list[int]:
    """Rooms whose freeze has run out (timeout_until <= now) and is still recorded."""
    q = (
        select(rooms.c.id)
        .where(
            rooms.c.timeout_until.is_not(None),
            rooms.c.timeout_until <= now_ms,
            rooms.c.deleted_at.is_(None),
        )
        .order_by(rooms.c.id)
        .limit(limit)
    )
    return [int(r) for r in conn.execute(q).scalars()]


def timeout_until(conn: Connection, room_id: int) -> int | None:
    q = select(rooms.c.timeout_until).where(rooms.c.id == room_id)
    value = conn.execute(q).scalar()
    return None if value is None else int(value)


def set_timeout_txn(conn: Connection, room_id: int, until: int | None) -> None:
    conn.execute(update(rooms).where(rooms.c.id == room_id).values(timeout_until=until))


# -- the moderation queue --------------------------------------------------------------


def queue_txn(
    conn: Connection, message_id: int, room_id: int, reason: str, report_count: int, now_ms: int
) -> bool:
    """Queue a message (or refresh its report count); True if it was not queued before."""
    q = select(moderation_queue.c.message_id).where(moderation_queue.c.message_id == message_id)
    if conn.execute(q).first() is not None:
        conn.execute(
            update(moderation_queue)
            .where(moderation_queue.c.message_id == message_id)
            .values(report_count=report_count)
        )
        return False
    conn.execute(
        insert(moderation_queue).values(
            message_id=message_id,
            room_id=room_id,
            reason=reason,
            report_count=report_count,
            queued_at=now_ms,
        )
    )
    return True


def queued(conn: Connection, message_id: int) -> RowMapping | None:
    q = select(moderation_queue).where(moderation_queue.c.message_id == message_id)
    return conn.execute(q).mappings().first()


def unqueue_txn(conn: Connection, message_id: int) -> None:
    conn.execute(delete(moderation_queue).where(moderation_queue.c.message_id == message_id))


def queue_page(conn: Connection, room_id: int, after: int | None, limit: int) -> list[RowMapping]:
    """Queued items of a room, oldest message first."""
    q = select(moderation_queue).where(moderation_queue.c.room_id == room_id)
    if after is not None:
        q = q.where(moderation_queue.c.message_id > after)
    return list(conn.execute(q.order_by(moderation_queue.c.message_id).limit(limit)).mappings())


# -- the broadcast hold ----------------------------------------------------------------


def due_releases(conn: Connection, now_ms: int, limit: int = 200) -> list[int]:
    """Held messages whose hold has run out and that were not deleted inside it."""
    q = (
        select(messages.c.id)
        .where(
            messages.c.release_at.is_not(None),
            messages.c.release_at <= now_ms,
            messages.c.deleted.is_(False),
        )
        .order_by(messages.c.id)
        .limit(limit)
    )
    return [int(r) for r in conn.execute(q).scalars()]


def release_txn(conn: Connection, message_id: int) -> bool:
    """Clear a hold; False if another node released it (or it was deleted) first."""
    q = (
        update(messages)
        .where(
            messages.c.id == message_id,
            messages.c.release_at.is_not(None),
            messages.c.deleted.is_(False),
        )
        .values(release_at=None)
    )
    return conn.execute(q).rowcount == 1
