"""The permission model: the bits, their documented table, and the one function that turns
the facts about a user and a room (or space) into the bits they hold.

Pure logic, no I/O: `services.access` loads the facts and every service asks it. The order
of evaluation is owner > global moderator > administrator > role ranks > overrides:

- the space owner (or, in a standalone room, a room owner) holds every bit;
- a global moderator (staff, D.105) holds every bit everywhere;
- `administrator` in the member's space permissions grants every bit and ignores overrides;
- otherwise the space's base permissions (`@everyone`) OR every role the member holds,
  then the room's overrides: `@everyone` first, then each held role's from the lowest rank
  to the highest (a higher-ranked role has the last word), then the member's own;
- a member without `view` in a room holds nothing there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntFlag


class Perm(IntFlag):
    VIEW = 1 << 0
    SEND = 1 << 1
    REACT = 1 << 2
    ATTACH = 1 << 3
    MENTION_EVERYONE = 1 << 4
    MANAGE_MESSAGES = 1 << 5
    MANAGE_ROOM = 1 << 6
    MANAGE_ROLES = 1 << 7
    MANAGE_WEBHOOKS = 1 << 8
    INVITE = 1 << 9
    KICK = 1 << 10
    BAN = 1 << 11
    MODERATE = 1 << 12
    MANAGE_SPACE = 1 << 13
    MANAGE_EMOJIS = 1 << 14
    CHANGE_NICKNAME = 1 << 15
    MANAGE_NICKNAMES = 1 << 16
    ADMINISTRATOR = 1 << 17
    # Voice rooms (issue 8): join one, and the moderator actions on others in it.
    CONNECT = 1 << 18
    MUTE_MEMBERS = 1 << 19
    DEAFEN_MEMBERS = 1 << 20
    MOVE_MEMBERS = 1 << 21


ALL = Perm(0)
for _bit in Perm:
    ALL |= _bit
ALL_BITS = int(ALL)

# What every member of a new space may do, and a member of a public standalone room.
DEFAULT = Perm.VIEW | Perm.SEND | Perm.REACT | Perm.ATTACH | Perm.INVITE | Perm.CHANGE_NICKNAME
DEFAULT |= Perm.CONNECT  # like SEND: every member may join a voice room they can see
# Voice moderation (issue 8): server mute/deafen, move and disconnect others.
VOICE_MODERATION = Perm.MUTE_MEMBERS | Perm.DEAFEN_MEMBERS | Perm.MOVE_MEMBERS
# Holding any of these makes someone a moderator (audience MODS) of the room or space.
MODERATION = (
    Perm.MANAGE_MESSAGES
    | Perm.MANAGE_WEBHOOKS
    | Perm.MANAGE_ROOM
    | Perm.MANAGE_ROLES
    | Perm.KICK
    | Perm.BAN
    | Perm.MODERATE
    | Perm.MANAGE_SPACE
    | Perm.ADMINISTRATOR
    | VOICE_MODERATION
)
# A standalone room's moderators (room role `moderator`) hold these on top of DEFAULT.
ROOM_MODERATOR = (
    DEFAULT
    | Perm.MANAGE_MESSAGES
    | Perm.MANAGE_WEBHOOKS
    | Perm.KICK
    | Perm.BAN
    | Perm.MODERATE
    | Perm.MENTION_EVERYONE
    | VOICE_MODERATION
)
# Bits that only make sense space-wide: room overrides may not carry them.
SPACE_ONLY = Perm.MANAGE_SPACE | Perm.MANAGE_EMOJIS | Perm.ADMINISTRATOR | Perm.MANAGE_NICKNAMES

TABLE: dict[str, str] = {
    "view": "see the room (or space), read its history and receive its events",
    "send": "post messages",
    "react": "add reactions",
    "attach": "upload attachments and embed links",
    "mention_everyone": "notify every member with @everyone / @here",
    "manage_messages": "edit flags of, pin, delete and bulk-delete others' messages",
    "manage_room": "change room settings, create, reorder and delete rooms",
    "manage_roles": "create, edit, rank and assign roles below one's own; set overrides",
    "manage_webhooks": "create, edit and delete webhooks",
    "invite": "create invite codes",
    "kick": "remove members (they may rejoin)",
    "ban": "ban members and lift bans",
    "moderate": "moderation queue, reports, timeouts, room open/close",
    "manage_space": "edit the space's name, icon, categories and flags",
    "manage_emojis": "upload and delete custom emojis",
    "change_nickname": "change one's own nickname in the space",
    "manage_nicknames": "change other members' nicknames",
    "administrator": "every permission in every room of the space, overrides ignored",
    "connect": "join the room's voice channel (voice rooms)",
    "mute_members": "server-mute others in voice",
    "deafen_members": "server-deafen others in voice",
    "move_members": "move others between voice rooms and disconnect them from voice",
}


def name_of(bit: Perm) -> str:
    return (bit.name or "").lower()


def names(bits: int) -> list[str]:
    return [name_of(b) for b in Perm if bits & b]


def parse(value: int) -> Perm:
    """A client-supplied bit set; ValueError when it names a bit that does not exist."""
    if value < 0 or value & ~ALL_BITS:
        raise ValueError(f"unknown permission bits {value & ~ALL_BITS:#x}")
    return Perm(value)


@dataclass(frozen=True, slots=True)
class Override:
    allow: int = 0
    deny: int = 0

    def apply(self, bits: int) -> int:
        return (bits & ~self.deny) | self.allow


@dataclass(slots=True)
class SpaceFacts:
    """What decides someone's permissions in a space (and, with overrides, its rooms)."""

    owner_id: int
    default: int
    # role id → (rank, permissions); rank 0 is the highest.
    roles: Mapping[int, tuple[int, int]]
    # the user's role ids; None when they are not a member (or banned).
    member_roles: Iterable[int] | None


@dataclass(slots=True)
class RoomOverrides:
    everyone: Override | None = None
    roles: dict[int, Override] = field(default_factory=dict)
    members: dict[int, Override] = field(default_factory=dict)


def space_permissions(user_id: int, staff: bool, facts: SpaceFacts) -> int:
    """The bits a user holds space-wide (before any room's overrides)."""
    if facts.owner_id == user_id or staff:
        return ALL_BITS
    if facts.member_roles is None:
        return 0
    bits = facts.default
    for role_id in facts.member_roles:
        found = facts.roles.get(role_id)
        if found is not None:
            bits |= found[1]
    return ALL_BITS if bits & Perm.ADMINISTRATOR else bits


def space_room_permissions(
    user_id: int, staff: bool, facts: SpaceFacts, overrides: RoomOverrides
) -> int:
    """The bits a user holds in one room of a space."""
    base = space_permissions(user_id, staff, facts)
    if base == ALL_BITS or base == 0:
        return base
    bits = base
    if overrides.everyone is not None:
        bits = overrides.everyone.apply(bits)
    held = [r for r in (facts.member_roles or ()) if r in facts.roles and r in overrides.roles]
    # Lowest rank first (largest rank number), so the highest-ranked role applies last.
    for role_id in sorted(held, key=lambda r: facts.roles[r][0], reverse=True):
        bits = overrides.roles[role_id].apply(bits)
    mine = overrides.members.get(user_id)
    if mine is not None:
        bits = mine.apply(bits)
    return bits if bits & Perm.VIEW else 0


# Stack Exchange-style access levels of standalone rooms (AC-01), highest last.
LEVELS = ("none", "request", "read_only", "read_write", "owner")


def standalone_room_permissions(
    *, staff: bool, access_mode: str, role: str | None, level: str | None, kind: str
) -> int:
    """The bits a user holds in a standalone room, from its access mode and their membership
    (`role` owner/moderator/member or None; `level` read_only/read_write for members)."""
    if staff or role == "owner":
        return ALL_BITS
    if role == "moderator":
        return int(ROOM_MODERATOR)
    if role is not None:  # a member
        if level == "read_only":
            return int(Perm.VIEW)
        return int(DEFAULT)
    # Not a member: public and gallery rooms can be read (and joined); private ones and
    # DMs/groups do not exist for outsiders.
    if kind in ("dm", "group") or access_mode == "private":
        return 0
    return int(Perm.VIEW)


def is_moderation(bits: int) -> bool:
    return bool(bits & MODERATION)
