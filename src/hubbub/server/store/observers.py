"""Who can see a user: the places they share with others (OBSERVERS, EVENTS.md C.1)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from hubbub.server.store.schema import room_members, rooms
from hubbub.server.store.schema_people import relationships
from hubbub.server.store.schema_spaces import space_members, spaces


def standalone_room_ids(conn: Connection, user_id: int) -> set[int]:
    """Rooms outside spaces the user is a member of (DMs and groups included); a space's
    rooms are reached through the space."""
    q = (
        select(room_members.c.room_id)
        .join(rooms, rooms.c.id == room_members.c.room_id)
        .where(
            room_members.c.user_id == user_id,
            rooms.c.space_id.is_(None),
            rooms.c.deleted_at.is_(None),
        )
    )
    return {int(r) for r in conn.execute(q).scalars()}


def space_ids(conn: Connection, user_id: int) -> set[int]:
    q = (
        select(space_members.c.space_id)
        .join(spaces, spaces.c.id == space_members.c.space_id)
        .where(space_members.c.user_id == user_id, spaces.c.deleted_at.is_(None))
    )
    return {int(r) for r in conn.execute(q).scalars()}


def related_ids(conn: Connection, user_id: int) -> set[int]:
    """Friends and pending requests, either way; a block, either way, severs observation
    (they may still share a room, which reaches them through the room)."""
    q = select(relationships.c.other_id).where(
        relationships.c.user_id == user_id,
        relationships.c.status.not_in(("blocked", "blocked_other")),
    )
    return {int(r) for r in conn.execute(q).scalars()}
