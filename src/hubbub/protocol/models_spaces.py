"""Wire models of spaces, their members, roles, invites, bans, overrides and the audit log
(issue 4). Emojis and webhooks: protocol.models_extras."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from hubbub.protocol.models import Actor, Room, Timestamp, WireModel

__all__ = [
    "AuditEntry",
    "AuditTarget",
    "Ban",
    "Category",
    "Invite",
    "Override",
    "Role",
    "Space",
    "SpaceMember",
    "SpaceState",
]


class Category(WireModel):
    id: int
    name: str
    room_ids: list[int] = Field(default_factory=list)


class Space(WireModel):
    id: int
    name: str
    description: str = ""
    icon_url: str | None = None
    owner_id: int
    system_room_id: int | None = None
    flags: int = 0
    default_permissions: int = 0
    open: bool = False
    categories: list[Category] = Field(default_factory=list)
    created_at: Timestamp
    member_count: int | None = None


class SpaceMember(WireModel):
    space_id: int
    user: Actor
    nickname: str | None = None
    avatar_url: str | None = None
    roles: list[int] = Field(default_factory=list)
    joined_at: Timestamp


class Role(WireModel):
    id: int
    space_id: int
    name: str
    permissions: int = 0
    colour: str | None = None
    hoist: bool = False
    rank: int = 0


class Invite(WireModel):
    code: str
    space_id: int
    creator_id: int
    created_at: Timestamp
    expires_at: Timestamp | None = None
    max_uses: int | None = None
    uses: int = 0
    space: Space | None = None


class Ban(WireModel):
    space_id: int
    user: Actor
    reason: str | None = None
    actor_id: int | None = None
    created_at: Timestamp


class Override(WireModel):
    target_type: Literal["everyone", "role", "member"]
    target_id: int
    allow: int = 0
    deny: int = 0


class SpaceState(WireModel):
    """`space.created`'s payload and `GET /spaces/{id}/state`: the whole space as one
    member sees it."""

    space: Space
    member: SpaceMember
    rooms: list[Room] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    emojis: list[dict[str, Any]] = Field(default_factory=list)
    voice_states: list[dict[str, Any]] = Field(default_factory=list)
    joined_at: Timestamp
    moderator: bool = False
    permissions: int = 0


class AuditTarget(WireModel):
    type: str
    id: int | None = None


class AuditEntry(WireModel):
    id: int
    scope: Literal["room", "space"]
    scope_id: int
    space_id: int | None = None
    room_id: int | None = None
    action: str
    actor_id: int | None = None
    target: AuditTarget | None = None
    before: Any = None
    after: Any = None
    reason: str | None = None
    created_at: Timestamp
