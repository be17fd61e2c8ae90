"""Voice states (issue 8, VC-01…VC-04): one row per user in voice, its wire shape (D.38),
the lookups `ready`, space joins and the sweeper need, and the voice secret.

A state whose user no longer belongs in the room (the membership row is gone: left,
banned, wiped, lost the view; or the room was deleted; or a space room's materialised
bits lost `connect`) is *stale*: reads never show it, and services.voice.sweep removes it
and logs its `voice.member.left`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.elements import ColumnElement

from hubbub.server.clock import iso_ms
from hubbub.server.permissions import Perm
from hubbub.server.store.schema import meta, room_members, rooms, users
from hubbub.server.store.schema_people import presence_states
from hubbub.server.store.schema_voice import voice_states

FLAGS = ("self_mute", "self_deaf", "server_mute", "server_deaf", "camera", "screensharing")
SECRET_KEY = "voice_secret"


def wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """A voice state exactly as EVENTS.md D.38 lists it."""
    return {
        "user_id": int(r["user_id"]),
        "joined_at": iso_ms(int(r["joined_at"])),
        **{flag: bool(r[flag]) for flag in FLAGS},
    }


def _fresh() -> ColumnElement[bool]:
    """The state's user still belongs in its room (see the module docstring)."""
    return and_(
        rooms.c.deleted_at.is_(None),
        users.c.deleted_at.is_(None),
        room_members.c.user_id.is_not(None),
        or_(
            room_members.c.perms.is_(None),
            room_members.c.perms.op("&")(int(Perm.CONNECT)) != 0,
        ),
    )


def _joined() -> Any:
    return (
        voice_states.join(rooms, rooms.c.id == voice_states.c.room_id)
        .join(users, users.c.id == voice_states.c.user_id)
        .outerjoin(
            room_members,
            and_(
                room_members.c.room_id == voice_states.c.room_id,
                room_members.c.user_id == voice_states.c.user_id,
            ),
        )
    )


def get(conn: Connection, user_id: int) -> RowMapping | None:
    """The user's voice state row, stale or not (the writer decides what to do with it)."""
    q = select(voice_states).where(voice_states.c.user_id == user_id)
    return conn.execute(q).mappings().first()


def in_room(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    """The room's participants, in the order they joined."""
    return states_by_room(conn, [room_id]).get(room_id, [])


def states_by_room(conn: Connection, room_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """room → its participants' states (rooms without any are absent)."""
    ids = sorted(set(room_ids))
    out: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        q = (
            select(voice_states)
            .select_from(_joined())
            .where(voice_states.c.room_id.in_(chunk), _fresh())
            .order_by(voice_states.c.room_id, voice_states.c.joined_at, voice_states.c.user_id)
        )
        for r in conn.execute(q).mappings():
            out.setdefault(int(r["room_id"]), []).append(wire(r))
    return out


def containers(conn: Connection, room_ids: Iterable[int]) -> list[dict[str, Any]]:
    """`voice_states` of `ready` and `space.created`: `{room_id, participants[]}` per room
    with someone in voice (D.38)."""
    found = states_by_room(conn, room_ids)
    return [{"room_id": rid, "participants": found[rid]} for rid in sorted(found)]


def insert_txn(conn: Connection, *, user_id: int, room_id: int, now_ms: int, node: str) -> None:
    values = {f: False for f in FLAGS}
    conn.execute(
        insert(voice_states).values(
            user_id=user_id, room_id=room_id, joined_at=now_ms, node=node, **values
        )
    )


def move_txn(
    conn: Connection, user_id: int, from_room: int, to_room: int, now_ms: int, node: str
) -> bool:
    """Move a state to another room (flags kept, joined_at restarts); False if the user is
    no longer in `from_room`."""
    q = (
        update(voice_states)
        .where(voice_states.c.user_id == user_id, voice_states.c.room_id == from_room)
        .values(room_id=to_room, joined_at=now_ms, node=node)
    )
    return conn.execute(q).rowcount == 1


def set_node_txn(conn: Connection, user_id: int, node: str) -> None:
    conn.execute(update(voice_states).where(voice_states.c.user_id == user_id).values(node=node))


def update_flags_txn(conn: Connection, user_id: int, values: dict[str, bool]) -> None:
    conn.execute(update(voice_states).where(voice_states.c.user_id == user_id).values(**values))


def remove_txn(conn: Connection, user_id: int, room_id: int, joined_at: int | None = None) -> bool:
    """Remove the user's state in `room_id` (and, when given, of that join only); False
    if it is gone already: another node's sweeper, or the user, got there first."""
    cond = [voice_states.c.user_id == user_id, voice_states.c.room_id == room_id]
    if joined_at is not None:
        cond.append(voice_states.c.joined_at == joined_at)
    return conn.execute(delete(voice_states).where(*cond)).rowcount == 1


def stale(conn: Connection, limit: int = 100) -> list[RowMapping]:
    """States whose user no longer belongs in the room."""
    q = (
        select(voice_states)
        .select_from(_joined())
        .where(~_fresh())
        .order_by(voice_states.c.joined_at)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())


def gone_offline(conn: Connection, limit: int = 100) -> list[RowMapping]:
    """States of users shown offline since after they joined: presence logged them
    offline (its grace included) while they were in voice. A user who never connected
    (REST only) or went invisible before joining is not among them."""
    q = (
        select(voice_states)
        .select_from(
            voice_states.join(presence_states, presence_states.c.user_id == voice_states.c.user_id)
        )
        .where(
            presence_states.c.status == "offline",
            presence_states.c.changed_at >= voice_states.c.joined_at,
        )
        .order_by(voice_states.c.joined_at)
        .limit(limit)
    )
    return list(conn.execute(q).mappings())


def secret_txn(conn: Connection) -> str:
    """The voice secret kept in `meta`, made on first use (inside the log writer's
    transaction, so two nodes cannot both make one)."""
    found = conn.execute(select(meta.c.value).where(meta.c.key == SECRET_KEY)).scalar()
    if found is not None:
        return str(found)
    value = secrets.token_urlsafe(32)
    conn.execute(insert(meta).values(key=SECRET_KEY, value=value))
    return value
