"""What a user may do in a room or a space: the facts loaded from the store, evaluated by
`hubbub.server.permissions`. Every service asks here; none decides access on its own.

A room the user may not view does not exist for them (NotFound), so that ids cannot be
probed; a room they can view but not act in answers Forbidden with the missing bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Forbidden, NotFound
from hubbub.server.permissions import (
    ALL_BITS,
    MODERATION,
    Perm,
    name_of,
    space_permissions,
    space_room_permissions,
    standalone_room_permissions,
)
from hubbub.server.store import room_bans as bans_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store.rooms import RoomRow
from hubbub.server.store.spaces import SpaceRow
from hubbub.server.store.users import UserRow


@dataclass(frozen=True, slots=True)
class RoomAccess:
    room: RoomRow
    # The materialised membership (owner / moderator / member), None for a non-member.
    role: str | None
    level: str | None
    perms: int

    @property
    def member(self) -> bool:
        return self.role is not None

    @property
    def moderator(self) -> bool:
        """Room owners and moderators, space members with a manage bit, global staff."""
        return bool(self.perms & MODERATION) or self.role in ("owner", "moderator")

    def can(self, bit: Perm) -> bool:
        return bool(self.perms & bit)

    def require(self, bit: Perm) -> None:
        if not self.perms & bit:
            raise missing(bit)

    def require_member(self) -> None:
        if self.role is None:
            raise Forbidden("join the room before doing this", code="not_a_member")


def missing(bit: Perm, where: str = "room") -> Forbidden:
    name = name_of(bit)
    return Forbidden(
        f"you need the {name} permission in this {where}",
        code="missing_permission",
        details={"permission": name},
    )


def room_not_found(room_id: int) -> NotFound:
    return NotFound(f"room {room_id} not found", code="room_not_found")


def room_permissions(
    conn: Connection,
    user: UserRow,
    room: RoomRow,
    role: str | None,
    level: str | None,
    materialised: int | None = None,
) -> int:
    """The bits a user holds in a room. In a space's room, a member's row carries the bits
    services.viewers computed at the last permission change: one query on the hot path
    (sending, reacting) instead of loading roles and overrides each time."""
    if room.space_id is not None and not user.is_moderator:
        if role is None:
            return 0  # a space room's viewers are exactly its (materialised) members
        if materialised is not None:
            return materialised
    if room.space_id is None:
        return standalone_room_permissions(
            staff=user.is_moderator,
            access_mode=room.access_mode,
            role=role,
            level=level,
            kind=room.kind,
        )
    space = spaces_store.get_space(conn, room.space_id)
    if space is None:
        return 0
    facts = spaces_store.facts(conn, space, user.id)
    return space_room_permissions(
        user.id, user.is_moderator, facts, spaces_store.overrides(conn, room.id)
    )


def room_access(conn: Connection, user: UserRow, room_id: int) -> RoomAccess:
    """The user's access to a room they can view; NotFound otherwise."""
    found = rooms_store.membership(conn, room_id, user.id)
    if found is None:
        raise room_not_found(room_id)
    room, role, level, materialised = found
    perms = room_permissions(conn, user, room, role, level, materialised)
    if not perms & Perm.VIEW:
        raise room_not_found(room_id)
    # A room ban (services.room_bans) shuts a user out, reads too. Banning removes the
    # membership and no path gives it back while the ban holds (joins are refused here,
    # space viewers skip banned users), so only a non-member needs the lookup: the
    # members who post and read all day pay nothing for it.
    if role is None and not user.is_moderator:
        ban = bans_store.active(conn, room_id, user.id)
        if ban is not None:
            raise banned_error(room, ban)
    return RoomAccess(room=room, role=role, level=level, perms=perms)


def banned_error(room: RoomRow, ban: RowMapping | dict[str, Any]) -> Forbidden:
    """The refusal a user banned from a room gets for anything in it (MD-10). It names
    the room (the banned user was in it), so a client can say where the ban holds."""
    wire = bans_store.wire(ban, reason=False)
    until = "" if wire["expires_at"] is None else f" until {wire['expires_at']}"
    return Forbidden(
        f"you are banned from room {room.id}{until}",
        code="banned_from_room",
        details={
            "ban_id": wire["id"],
            "kind": wire["kind"],
            "expires_at": wire["expires_at"],
            "room_id": room.id,
            "room_name": room.name,
        },
    )


@dataclass(frozen=True, slots=True)
class SpaceAccess:
    space: SpaceRow
    member: bool
    perms: int

    @property
    def owner(self) -> bool:
        return self.perms == ALL_BITS

    def can(self, bit: Perm) -> bool:
        return bool(self.perms & bit)

    def require(self, bit: Perm) -> None:
        if not self.perms & bit:
            raise missing(bit, "space")

    def require_member(self) -> None:
        if not self.member:
            raise Forbidden("join the space first", code="not_a_space_member")


def space_not_found(space_id: int) -> NotFound:
    return NotFound(f"space {space_id} not found", code="space_not_found")


def space_access(conn: Connection, user: UserRow, space_id: int) -> SpaceAccess:
    """The user's access to a space they can see: its members see it, and anyone sees an
    open space (to join it); NotFound otherwise."""
    space = spaces_store.get_space(conn, space_id)
    if space is None:
        raise space_not_found(space_id)
    facts = spaces_store.facts(conn, space, user.id)
    member = facts.member_roles is not None
    if not (member or space.open or user.is_moderator):
        raise space_not_found(space_id)
    return SpaceAccess(
        space=space, member=member, perms=space_permissions(user.id, user.is_moderator, facts)
    )


def top_rank(conn: Connection, space: SpaceRow, user_id: int) -> int | None:
    """The rank of the highest role a member holds (0 is highest); None for no role.
    The owner outranks everyone: -1."""
    if user_id == space.owner_id:
        return -1
    table = spaces_store.role_table(conn, space.id)
    ranks = [table[r][0] for r in spaces_store.member_roles(conn, space.id, user_id) if r in table]
    return min(ranks) if ranks else None


def outranks(conn: Connection, space: SpaceRow, actor: UserRow, target_user_id: int) -> bool:
    """Whether the actor sits strictly above the target in the role hierarchy (kick, ban,
    nickname, role changes). Staff outrank everyone but the owner."""
    if target_user_id == space.owner_id:
        return False
    if actor.id == space.owner_id:
        return True
    if actor.is_moderator:
        return True
    mine, theirs = top_rank(conn, space, actor.id), top_rank(conn, space, target_user_id)
    if mine is None:
        return False
    return theirs is None or mine < theirs
