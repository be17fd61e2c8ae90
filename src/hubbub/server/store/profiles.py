"""Profiles, statistics, wipes and merges: the SQL behind services.profiles and
services.wipe (the users row itself is read through store.users)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select, update

from hubbub.server.store import users as users_store
from hubbub.server.store.schema import messages, room_members, rooms, users
from hubbub.server.store.schema_people import relationships
from hubbub.server.store.schema_spaces import space_members, spaces
from hubbub.server.store.users import UserRow

# A merge chain longer than this is a loop or a bug: resolution stops there.
MAX_MERGE_HOPS = 8


# -- profile --------------------------------------------------------------------------


def update_user_txn(conn: Connection, user_id: int, values: dict[str, Any]) -> None:
    """Write profile columns; a new `handle` brings its lookup key along."""
    if "handle" in values:
        values = {**values, "handle_key": str(values["handle"]).lower()}
    if values:
        conn.execute(update(users).where(users.c.id == user_id).values(**values))


def resolve(conn: Connection, user_id: int) -> tuple[UserRow, int | None] | None:
    """The account `user_id` resolves to, following merges (ID-12), and the id it was
    asked for when that is a merged-away account (else None)."""
    user = users_store.get_user(conn, user_id)
    hops = 0
    while user is not None and user.merged_into is not None and hops < MAX_MERGE_HOPS:
        user = users_store.get_user(conn, user.merged_into)
        hops += 1
    if user is None:
        return None
    return user, (user_id if user.id != user_id else None)


def message_count(conn: Connection, user_id: int) -> int:
    """Live messages authored (index messages(author_id, id))."""
    q = select(func.count()).where(messages.c.author_id == user_id, messages.c.deleted.is_(False))
    return int(conn.execute(q).scalar() or 0)


def room_count(conn: Connection, user_id: int) -> int:
    """Live rooms the user is a member of, DMs and groups left out (they are private
    conversations, not rooms one is seen in)."""
    q = (
        select(func.count())
        .select_from(room_members.join(rooms, rooms.c.id == room_members.c.room_id))
        .where(
            room_members.c.user_id == user_id,
            rooms.c.deleted_at.is_(None),
            rooms.c.kind.not_in(("dm", "group")),
        )
    )
    return int(conn.execute(q).scalar() or 0)


# -- wipe -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Membership:
    room_id: int
    space_id: int | None
    kind: str
    role: str
    level: str


def memberships(conn: Connection, user_id: int) -> list[Membership]:
    """The user's memberships of live rooms, by room id."""
    q = (
        select(
            room_members.c.room_id,
            rooms.c.space_id,
            rooms.c.kind,
            room_members.c.role,
            room_members.c.level,
        )
        .join(rooms, rooms.c.id == room_members.c.room_id)
        .where(room_members.c.user_id == user_id, rooms.c.deleted_at.is_(None))
        .order_by(room_members.c.room_id)
    )
    return [
        Membership(int(r.room_id), r.space_id, str(r.kind), str(r.role), str(r.level))
        for r in conn.execute(q)
    ]


def space_ids_of(conn: Connection, user_id: int) -> list[int]:
    """Live spaces the user belongs to, by id."""
    q = (
        select(space_members.c.space_id)
        .join(spaces, spaces.c.id == space_members.c.space_id)
        .where(space_members.c.user_id == user_id, spaces.c.deleted_at.is_(None))
        .order_by(space_members.c.space_id)
    )
    return [int(s) for s in conn.execute(q).scalars()]


def owned_space_ids(conn: Connection, user_id: int) -> list[int]:
    q = (
        select(spaces.c.id)
        .where(spaces.c.owner_id == user_id, spaces.c.deleted_at.is_(None))
        .order_by(spaces.c.id)
    )
    return [int(s) for s in conn.execute(q).scalars()]


def live_ids_by_room(conn: Connection, author_id: int) -> dict[int, list[int]]:
    """room → the author's live message ids there, oldest first."""
    q = (
        select(messages.c.room_id, messages.c.id)
        .where(messages.c.author_id == author_id, messages.c.deleted.is_(False))
        .order_by(messages.c.id)
    )
    out: dict[int, list[int]] = {}
    for room_id, message_id in conn.execute(q):
        out.setdefault(int(room_id), []).append(int(message_id))
    return out


def blank_messages_txn(conn: Connection, author_id: int, now_ms: int) -> None:
    """Tombstone every live message of an author and blank its content (a wipe keeps no
    text behind); one statement however many there are."""
    conn.execute(
        update(messages)
        .where(messages.c.author_id == author_id, messages.c.deleted.is_(False))
        .values(
            deleted=True,
            deleted_at=now_ms,
            content="",
            content_html="",
            content_text="",
            quote_of=None,
            custom_payload=None,
            ad=None,
        )
    )


def relations_towards(conn: Connection, user_id: int) -> list[tuple[int, str]]:
    """(other user, the other's view of the pair) for every relationship of `user_id`."""
    q = (
        select(relationships.c.user_id, relationships.c.status)
        .where(relationships.c.other_id == user_id)
        .order_by(relationships.c.user_id)
    )
    return [(int(u), str(s)) for u, s in conn.execute(q)]


def delete_relations_txn(conn: Connection, user_id: int) -> None:
    conn.execute(
        delete(relationships).where(
            (relationships.c.user_id == user_id) | (relationships.c.other_id == user_id)
        )
    )


def remove_memberships_txn(conn: Connection, user_id: int, room_ids: list[int]) -> None:
    if room_ids:
        conn.execute(
            delete(room_members).where(
                room_members.c.user_id == user_id, room_members.c.room_id.in_(room_ids)
            )
        )


# -- merge ----------------------------------------------------------------------------


def move_messages_txn(conn: Connection, source_id: int, target_id: int) -> int:
    """Every message of `source_id` (deleted ones too) now authored by `target_id`."""
    result = conn.execute(
        update(messages).where(messages.c.author_id == source_id).values(author_id=target_id)
    )
    return int(result.rowcount or 0)


def move_membership_txn(conn: Connection, room_id: int, source_id: int, target_id: int) -> None:
    """Hand a room membership row (role, level, bits) over to another user."""
    conn.execute(
        update(room_members)
        .where(and_(room_members.c.room_id == room_id, room_members.c.user_id == source_id))
        .values(user_id=target_id)
    )


def set_merged_txn(conn: Connection, source_id: int, target_id: int) -> None:
    conn.execute(update(users).where(users.c.id == source_id).values(merged_into=target_id))
    # Accounts merged into the source earlier now point at the survivor directly.
    conn.execute(
        update(users).where(users.c.merged_into == source_id).values(merged_into=target_id)
    )
