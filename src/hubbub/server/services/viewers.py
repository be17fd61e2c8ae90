"""Visibility that follows permissions (RM-12, D.29).

In a space, `room_members` holds one row per member who can view the room, with the
room role their permissions give them (owner, moderator, member). After any change that
can move permissions (roles, overrides, membership, the space's defaults), the service
calls `reconcile_txn`, which recomputes the rows and logs, for each user whose view
changed, `room.created` / `room.deleted` (reason `access_gained` / `access_lost`) to that
user and `room.member.updated {role}` to the room. Those events are also what moves the
user's scope (services.visibility), so their connections start or stop receiving the
room at that very seq, live and on replay alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hubbub.server.events import Audience, LogEvent, member_updated, room_event
from hubbub.server.permissions import (
    RoomOverrides,
    SpaceFacts,
    is_moderation,
    space_permissions,
    space_room_permissions,
)
from hubbub.server.store import room_bans as bans_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.spaces import SpaceRow

# A viewer's room role and permission bits.
Grant = tuple[str, int]


@dataclass(slots=True)
class SpaceState:
    """Everything permission evaluation needs for a whole space, loaded in a few queries.
    Global staff are not special here: what is materialised (rows, bits) must not depend
    on a flag that changes outside the space; staff rights apply at request time
    (services.access) and staff receive moderator events anyway (services.visibility)."""

    space: SpaceRow
    roles: dict[int, tuple[int, int]]
    held: dict[int, list[int]]  # member → role ids

    @classmethod
    def load(cls, conn: Connection, space: SpaceRow) -> SpaceState:
        members = store.member_ids(conn, space.id)
        held: dict[int, list[int]] = {m: [] for m in members}
        held.update(store.roles_by_user(conn, space.id))
        return cls(space, store.role_table(conn, space.id), held)

    def facts(self, user_id: int) -> SpaceFacts:
        return SpaceFacts(
            owner_id=self.space.owner_id,
            default=self.space.default_permissions,
            roles=self.roles,
            member_roles=self.held.get(user_id),
        )

    def space_bits(self, user_id: int) -> int:
        return space_permissions(user_id, False, self.facts(user_id))

    def room_access(self, user_id: int, overrides: RoomOverrides) -> Grant | None:
        """(room role, bits) of a member who can view the room; None if they cannot."""
        bits = space_room_permissions(user_id, False, self.facts(user_id), overrides)
        if not bits:
            return None
        if user_id == self.space.owner_id:
            return "owner", bits
        return ("moderator" if is_moderation(bits) else "member"), bits


def desired_roles(
    conn: Connection, state: SpaceState, room: RoomRow, users: Iterable[int]
) -> dict[int, Grant]:
    """user → (room role, bits), for the given users who can view the room; a user banned
    from the room (services.room_bans) cannot, whatever their roles say."""
    overrides = store.overrides(conn, room.id)
    banned = bans_store.banned_ids(conn, room.id)
    out = {}
    for user_id in users:
        if user_id in banned:
            continue
        grant = state.room_access(user_id, overrides)
        if grant is not None:
            out[user_id] = grant
    return out


def capture_bits(
    conn: Connection, space: SpaceRow, users: frozenset[int] | None = None
) -> dict[int, int]:
    """The space-wide bits of the members a change may affect (all, by default), to
    compare after it (`reconcile_txn`)."""
    state = SpaceState.load(conn, space)
    who = state.held if users is None else [u for u in users if u in state.held]
    return {user_id: state.space_bits(user_id) for user_id in who}


def reconcile_txn(
    tx: Tx,
    space: SpaceRow,
    actor: dict[str, Any] | None,
    *,
    before_bits: dict[int, int] | None = None,
    rooms: list[RoomRow] | None = None,
    users: frozenset[int] | None = None,
    quiet: frozenset[int] = frozenset(),
) -> None:
    """Bring the materialised room membership of a space in line with its permissions and
    log what changed for whom (for `users` only, when the change concerns no one else).
    `quiet` users get no room.created/deleted (the caller
    announces their whole space instead: space.created, space.member.removed)."""
    conn = tx.conn
    state = SpaceState.load(conn, space)
    if before_bits is not None:
        for user_id in sorted(u for u in before_bits if u in state.held):
            now = state.space_bits(user_id)
            was = before_bits.get(user_id)
            if was is None or was == now:
                continue
            if is_moderation(was) == is_moderation(now):
                # Members recompute their bits from roles and defaults they already
                # hold; only a change of audience (MODS) needs telling.
                continue
            changes: dict[str, Any] = {"permissions": now, "moderator": is_moderation(now)}
            tx.emit(member_updated(space.id, user_id, actor, changes))
    for room in rooms if rooms is not None else rooms_store.space_rooms(conn, space.id):
        # Only these users' rows are in question (all, by default).
        current = rooms_store.grants(conn, room.id, users)
        wanted = desired_roles(conn, state, room, state.held if users is None else users)
        _apply_room(tx, space, room, current, wanted, actor, quiet)


def _apply_room(
    tx: Tx,
    space: SpaceRow,
    room: RoomRow,
    current: dict[int, Grant],
    wanted: dict[int, Grant],
    actor: dict[str, Any] | None,
    quiet: frozenset[int],
) -> None:
    """Write one room's differences in three batched statements (a default-permission
    change can touch every member), then log them."""
    gone = sorted(u for u in current if u not in wanted)
    added = sorted(u for u in wanted if u not in current)
    moved = sorted(u for u in wanted if u in current and current[u] != wanted[u])
    conn = tx.conn
    if gone:
        rooms_store.remove_members_txn(conn, room.id, gone)
    if added:
        rooms_store.add_members_txn(
            conn, room.id, [(u, wanted[u][0], wanted[u][1]) for u in added], tx.now_ms
        )
    if moved:
        rooms_store.set_access_many_txn(
            conn, room.id, [(u, wanted[u][0], wanted[u][1]) for u in moved]
        )
    for user_id in gone:
        if user_id not in quiet:
            lost = {"reason": "access_lost", "role": current[user_id][0]}
            tx.emit(_access_event("room.deleted", room, user_id, actor, lost))
    if added and not quiet.issuperset(added):
        wire = (rooms_store.get_room(conn, room.id) or room).wire()
        for user_id in added:
            if user_id not in quiet:
                gained = {"room": wire, "reason": "access_gained", "role": wanted[user_id][0]}
                tx.emit(_access_event("room.created", room, user_id, actor, gained))
    for user_id in moved:
        old, new = current[user_id][0], wanted[user_id][0]
        if old == new:
            continue  # only the bits moved: nothing anyone needs to be told
        tx.emit(
            room_event(
                "room.member.updated",
                room.id,
                actor,
                {"user_id": user_id, "changes": {"role": new}, "cleared": [], "previous_role": old},
                target_user_id=user_id,
                space_id=space.id,
            )
        )


def _access_event(
    type_: str, room: RoomRow, user_id: int, actor: dict[str, Any] | None, data: dict[str, Any]
) -> LogEvent:
    return room_event(
        type_,
        room.id,
        actor,
        data,
        audience=Audience.USER,
        target_user_id=user_id,
        space_id=room.space_id,
    )


def open_room_txn(tx: Tx, space: SpaceRow, room: RoomRow, actor: dict[str, Any]) -> None:
    """Materialise a new room's viewers and announce it: one `room.created` to the whole
    space when every member can see it, else one to each member who can."""
    state = SpaceState.load(tx.conn, space)
    wanted = desired_roles(tx.conn, state, room, state.held)
    rooms_store.add_members_txn(
        tx.conn, room.id, [(u, role, bits) for u, (role, bits) in sorted(wanted.items())], tx.now_ms
    )
    wire = {**room.wire(), "member_count": len(wanted)}
    if set(wanted) == set(state.held):
        tx.emit(
            room_event(
                "room.created",
                room.id,
                actor,
                {"room": wire, "reason": "created"},
                audience=Audience.SPACE,
                space_id=space.id,
            )
        )
        return
    for user_id, (role, _bits) in sorted(wanted.items()):
        tx.emit(
            _access_event(
                "room.created",
                room,
                user_id,
                actor,
                {"room": wire, "reason": "created", "role": role},
            )
        )


def visible_rooms(conn: Connection, space: SpaceRow, user_id: int) -> list[dict[str, Any]]:
    """The space's rooms a member can view, as room objects with their room `role`."""
    state = SpaceState.load(conn, space)
    out = []
    for room in rooms_store.space_rooms(conn, space.id):
        grant = desired_roles(conn, state, room, [user_id]).get(user_id)
        if grant is not None:
            out.append({**room.wire(), "role": grant[0]})
    return out
