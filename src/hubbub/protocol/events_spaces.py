"""Typed SDK events of issue 4's spaces and roles (EVENTS.md C.2 #20–29, #69), registered
in protocol.events' registry.

    ServerEvent
    ├── SpaceEvent                space_id is always set
    │   ├── SpaceCreated          space.created: the whole space, to the creator / joiner
    │   ├── SpaceUpdated          space.updated: changes, cleared (cache fills before/after)
    │   ├── SpaceDeleted          space.deleted
    │   ├── SpaceMemberEvent      user_id is always set
    │   │   ├── SpaceMemberJoined / SpaceMemberUpdated / SpaceMemberRemoved
    │   └── RoleEvent
    │       ├── RoleCreated / RoleUpdated / RoleDeleted   role_id is always set
    │       └── RoleRanksUpdated  role_ids, highest first
    └── AuditEntryCreated         audit.entry.created, to moderators (room or space scope)

The space id comes from the envelope, falling back to `data["space_id"]`, so a payload
that only carries it in `data` still parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Actor, Envelope
from hubbub.protocol.models_spaces import AuditEntry, Role, Space, SpaceMember, SpaceState

__all__ = [
    "AuditEntryCreated",
    "RoleCreated",
    "RoleDeleted",
    "RoleEvent",
    "RoleRanksUpdated",
    "RoleUpdated",
    "SpaceCreated",
    "SpaceDeleted",
    "SpaceEvent",
    "SpaceMemberEvent",
    "SpaceMemberJoined",
    "SpaceMemberRemoved",
    "SpaceMemberUpdated",
    "SpaceUpdated",
]


def _changes(d: dict[str, Any]) -> dict[str, Any]:
    return {"changes": dict(d.get("changes") or {}), "cleared": list(d.get("cleared") or [])}


@dataclass(kw_only=True, eq=False)
class SpaceEvent(ServerEvent):
    space_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        space_id = envelope.space_id
        if space_id is None:
            space_id = envelope.data["space_id"]
        return {**super()._parse_data(envelope), "space_id": int(space_id)}


# -- spaces ---------------------------------------------------------------------------


@register
@dataclass(kw_only=True, eq=False)
class SpaceCreated(SpaceEvent):
    """A space became yours: you created it, or joined it (open space or invite). `state`
    holds it whole, as you see it: rooms, roles, emojis, your member record."""

    type_name = "space.created"
    state: SpaceState

    @property
    def space(self) -> Space:
        return self.state.space

    @property
    def member(self) -> SpaceMember:
        return self.state.member

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = dict(envelope.data)
        # EVENTS.md names the space `server` (stoat's word); hubbub sends `space`.
        if "space" not in d and "server" in d:
            d["space"] = d["server"]
        state = SpaceState.model_validate(d)
        space_id = envelope.space_id if envelope.space_id is not None else state.space.id
        return {"space_id": space_id, "state": state}


@register
@dataclass(kw_only=True, eq=False)
class SpaceUpdated(SpaceEvent):
    """The space's settings changed: `changes` and `cleared`, with `before`/`after`
    when it was cached (SPACE)."""

    type_name = "space.updated"
    changes: dict[str, Any]
    cleared: list[str]
    before: Space | None = None
    after: Space | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), **_changes(envelope.data)}


@register
@dataclass(kw_only=True, eq=False)
class SpaceDeleted(SpaceEvent):
    """The space is gone; `space` is the cached one as it was, when known."""

    type_name = "space.deleted"
    space: Space | None = None
    """The cached space as it was, when the client had it."""


# -- members --------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class SpaceMemberEvent(SpaceEvent):
    user_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "user_id": int(envelope.data["user_id"])}


@register
@dataclass(kw_only=True, eq=False)
class SpaceMemberJoined(SpaceMemberEvent):
    """Someone joined the space (SPACE)."""

    type_name = "space.member.joined"
    member: SpaceMember

    @property
    def user(self) -> Actor:
        return self.member.user

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        member = SpaceMember.model_validate(d["member"])
        space_id = envelope.space_id if envelope.space_id is not None else member.space_id
        user_id = d.get("user_id", member.user.id)
        return {"space_id": int(space_id), "user_id": int(user_id), "member": member}


@register
@dataclass(kw_only=True, eq=False)
class SpaceMemberUpdated(SpaceMemberEvent):
    """A member's nickname, avatar or roles changed (`changes["roles"]` is the whole new
    list of role ids)."""

    type_name = "space.member.updated"
    changes: dict[str, Any]
    cleared: list[str]
    # Filled by the client cache when it holds the member.
    before: SpaceMember | None = None
    after: SpaceMember | None = None

    @property
    def roles(self) -> list[int] | None:
        value = self.changes.get("roles")
        return [int(r) for r in value] if isinstance(value, list) else None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), **_changes(envelope.data)}


@register
@dataclass(kw_only=True, eq=False)
class SpaceMemberRemoved(SpaceMemberEvent):
    """A member left, was kicked or banned. The removed user gets it too."""

    type_name = "space.member.removed"
    reason: str = "leave"
    actor_id: int | None = None

    @property
    def kicked(self) -> bool:
        return self.reason == "kick"

    @property
    def banned(self) -> bool:
        return self.reason == "ban"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        actor_id = d.get("actor_id")
        return {
            **super()._parse_data(envelope),
            "reason": str(d.get("reason", "leave")),
            "actor_id": None if actor_id is None else int(actor_id),
        }


# -- roles ----------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class RoleEvent(SpaceEvent):
    pass


@register
@dataclass(kw_only=True, eq=False)
class RoleCreated(RoleEvent):
    """A role was created in a space (SPACE)."""

    type_name = "role.created"
    role: Role
    role_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        role = Role.model_validate(d["role"])
        space_id = envelope.space_id if envelope.space_id is not None else role.space_id
        return {"space_id": int(space_id), "role": role, "role_id": role.id}


@register
@dataclass(kw_only=True, eq=False)
class RoleUpdated(RoleEvent):
    """A role's fields changed: `changes` holds the new values, `cleared` the
    fields reset to their defaults (SPACE)."""

    type_name = "role.updated"
    role_id: int
    changes: dict[str, Any]
    cleared: list[str]
    before: Role | None = None
    after: Role | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {**super()._parse_data(envelope), "role_id": int(d["role_id"]), **_changes(d)}


@register
@dataclass(kw_only=True, eq=False)
class RoleDeleted(RoleEvent):
    """A space's role was deleted (SPACE)."""

    type_name = "role.deleted"
    role_id: int
    role: Role | None = None
    """The cached role as it was, when the client had it."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "role_id": int(envelope.data["role_id"])}


@register
@dataclass(kw_only=True, eq=False)
class RoleRanksUpdated(RoleEvent):
    """A space's roles were reordered: `role_ids`, highest rank first (SPACE)."""

    type_name = "role.ranks_updated"
    role_ids: list[int]
    """Every role of the space, highest first (rank = position)."""

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        ids = [int(r) for r in envelope.data["role_ids"]]
        return {**super()._parse_data(envelope), "role_ids": ids}


# -- audit ----------------------------------------------------------------------------


@register
@dataclass(kw_only=True, eq=False)
class AuditEntryCreated(ServerEvent):
    """A change was written to the audit log of a room or a space (moderators only)."""

    type_name = "audit.entry.created"
    entry: AuditEntry

    @property
    def action(self) -> str:
        return self.entry.action

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        entry = AuditEntry.model_validate(envelope.data["entry"])
        return {
            "entry": entry,
            "space_id": envelope.space_id if envelope.space_id is not None else entry.space_id,
            "room_id": envelope.room_id if envelope.room_id is not None else entry.room_id,
        }
