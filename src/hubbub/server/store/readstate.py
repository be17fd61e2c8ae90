"""Read states: the last message a user read in each room, and what is unread after it.

Unread = live messages by others after the last read one. A user who never acked a room
counts from when they joined it, not from the room's first message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from hubbub.server.store.schema import messages, room_members
from hubbub.server.store.schema_content import mentions
from hubbub.server.store.schema_reactions import read_states


def last_read(conn: Connection, user_id: int, room_id: int) -> int | None:
    q = select(read_states.c.last_read_message_id).where(
        read_states.c.user_id == user_id, read_states.c.room_id == room_id
    )
    value = conn.execute(q).scalar()
    return None if value is None else int(value)


def set_last_read_txn(
    conn: Connection, user_id: int, room_id: int, message_id: int, now_ms: int, *, exists: bool
) -> None:
    if exists:
        conn.execute(
            update(read_states)
            .where(read_states.c.user_id == user_id, read_states.c.room_id == room_id)
            .values(last_read_message_id=message_id, updated_at=now_ms)
        )
    else:
        conn.execute(
            insert(read_states).values(
                user_id=user_id, room_id=room_id, last_read_message_id=message_id, updated_at=now_ms
            )
        )


def mention_ids_between(
    conn: Connection, user_id: int, room_id: int, after: int | None, upto: int
) -> list[int]:
    """Ids of the messages mentioning the user in (after, upto]: what an ack clears."""
    q = (
        select(mentions.c.message_id)
        .where(
            mentions.c.user_id == user_id,
            mentions.c.room_id == room_id,
            mentions.c.message_id <= upto,
        )
        .order_by(mentions.c.message_id)
    )
    if after is not None:
        q = q.where(mentions.c.message_id > after)
    return [int(m) for m in conn.execute(q).scalars()]


def states(conn: Connection, user_id: int, room_id: int | None = None) -> list[dict[str, Any]]:
    """`{room_id, last_read_message_id, unread_count, mention_count}` for each room the
    user is a member of (or just `room_id`), in three grouped queries however many rooms."""
    rooms_q = (
        select(room_members.c.room_id, room_members.c.joined_at, read_states.c.last_read_message_id)
        .select_from(
            room_members.outerjoin(
                read_states,
                and_(
                    read_states.c.room_id == room_members.c.room_id,
                    read_states.c.user_id == room_members.c.user_id,
                ),
            )
        )
        .where(room_members.c.user_id == user_id)
        .order_by(room_members.c.room_id)
    )
    if room_id is not None:
        rooms_q = rooms_q.where(room_members.c.room_id == room_id)
    rows = conn.execute(rooms_q).all()
    if not rows:
        return []
    # Unread messages: after the last read one, or created since joining for a room
    # never acked. One grouped query over the user's rooms.
    unread_since = or_(
        and_(
            read_states.c.last_read_message_id.is_not(None),
            messages.c.id > read_states.c.last_read_message_id,
        ),
        and_(
            read_states.c.last_read_message_id.is_(None),
            messages.c.created_at >= room_members.c.joined_at,
        ),
    )
    base = room_members.join(messages, messages.c.room_id == room_members.c.room_id).outerjoin(
        read_states,
        and_(
            read_states.c.room_id == room_members.c.room_id,
            read_states.c.user_id == room_members.c.user_id,
        ),
    )
    scope = [room_members.c.user_id == user_id, messages.c.deleted.is_(False), unread_since]
    if room_id is not None:
        scope.append(room_members.c.room_id == room_id)
    unread_q = (
        select(room_members.c.room_id, func.count())
        .select_from(base)
        .where(*scope, messages.c.author_id != user_id)
        .group_by(room_members.c.room_id)
    )
    unread = {int(r): int(n) for r, n in conn.execute(unread_q).all()}
    mention_q = (
        select(room_members.c.room_id, func.count())
        .select_from(base.join(mentions, mentions.c.message_id == messages.c.id))
        .where(*scope, mentions.c.user_id == user_id)
        .group_by(room_members.c.room_id)
    )
    mentioned = {int(r): int(n) for r, n in conn.execute(mention_q).all()}
    return [
        {
            "room_id": int(r),
            "last_read_message_id": None if last is None else int(last),
            "unread_count": unread.get(int(r), 0),
            "mention_count": mentioned.get(int(r), 0),
        }
        for r, _joined, last in rows
    ]
