"""REST methods for spaces, members, roles, invites, bans, overrides and the audit log.

Each returns wire models (the live objects in client.objects.space wrap them) or raises
the typed error the server named. PATCH-style methods send only the fields given.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from hubbub.client.http_base import Requester
from hubbub.protocol.models import Room, WireModel
from hubbub.protocol.models_spaces import (
    AuditEntry,
    Ban,
    Invite,
    Override,
    Role,
    Space,
    SpaceMember,
    SpaceState,
)

__all__ = [
    "AuditPage",
    "PermissionInfo",
    "PermissionTable",
    "SpaceMemberPage",
    "SpacesAPI",
]

OverrideTarget = Literal["everyone", "role", "member"]
# Distinguishes "not given" from an explicit None (which clears a field).
_UNSET: Any = object()


class AuditPage(WireModel):
    entries: list[AuditEntry]
    has_more: bool = False


class SpaceMemberPage(WireModel):
    members: list[SpaceMember]
    has_more: bool = False


class PermissionInfo(WireModel):
    name: str
    value: int
    description: str = ""


class PermissionTable(WireModel):
    """`GET /permissions`: every bit, what it allows, and the masks a client needs."""

    permissions: list[PermissionInfo]
    all: int = 0
    default: int = 0

    def value_of(self, name: str) -> int:
        for p in self.permissions:
            if p.name == name:
                return p.value
        raise KeyError(name)


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not _UNSET}


def _present(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _code(code: str) -> str:
    return quote(code, safe="")


class SpacesAPI(Requester):
    # -- spaces ----------------------------------------------------------------------

    async def create_space(
        self,
        name: str,
        *,
        description: str | None = None,
        icon_url: str | None = None,
        open: bool | None = None,
    ) -> Space:
        body = _present(name=name, description=description, icon_url=icon_url, open=open)
        return Space.model_validate(await self.request("POST", "/spaces", json=body))

    async def list_spaces(self) -> list[Space]:
        """The spaces this user is a member of."""
        data = await self.request("GET", "/spaces")
        return [Space.model_validate(s) for s in data["spaces"]]

    async def get_space(self, space_id: int) -> Space:
        return Space.model_validate(await self.request("GET", f"/spaces/{space_id}"))

    async def get_space_state(self, space_id: int) -> SpaceState:
        """The whole space as this member sees it: rooms, roles, emojis, own member."""
        return SpaceState.model_validate(await self.request("GET", f"/spaces/{space_id}/state"))

    async def edit_space(
        self,
        space_id: int,
        *,
        name: str = _UNSET,
        description: str = _UNSET,
        icon_url: str | None = _UNSET,
        open: bool = _UNSET,
        system_room_id: int | None = _UNSET,
        default_permissions: int = _UNSET,
        flags: int = _UNSET,
        categories: list[dict[str, Any]] = _UNSET,
        owner_id: int = _UNSET,
    ) -> Space:
        body = _given(
            owner_id=owner_id,
            name=name,
            description=description,
            icon_url=icon_url,
            open=open,
            system_room_id=system_room_id,
            default_permissions=default_permissions,
            flags=flags,
            categories=categories,
        )
        return Space.model_validate(await self.request("PATCH", f"/spaces/{space_id}", json=body))

    async def delete_space(self, space_id: int) -> None:
        await self.request("DELETE", f"/spaces/{space_id}")

    async def join_space(self, space_id: int) -> SpaceState:
        """Join an open space (closed ones need an invite: `accept_invite`)."""
        data = await self.request("POST", f"/spaces/{space_id}/join")
        return SpaceState.model_validate(data)

    async def leave_space(self, space_id: int) -> None:
        await self.request("POST", f"/spaces/{space_id}/leave")

    async def create_space_room(
        self,
        space_id: int,
        name: str,
        *,
        kind: str | None = None,
        description: str | None = None,
        topic: str | None = None,
        **settings: Any,
    ) -> Room:
        """A room inside a space (needs manage_room there)."""
        body = _present(
            name=name, space_id=space_id, kind=kind, description=description, topic=topic
        )
        return Room.model_validate(await self.request("POST", "/rooms", json={**body, **settings}))

    # -- members ---------------------------------------------------------------------

    async def list_space_members(
        self, space_id: int, *, after: int | None = None, limit: int | None = None
    ) -> SpaceMemberPage:
        """One page of members by user id (`after` a user id to page on)."""
        params = {"after": after, "limit": limit}
        data = await self.request("GET", f"/spaces/{space_id}/members", params=params)
        return SpaceMemberPage.model_validate(data)

    async def get_space_member(self, space_id: int, user_id: int) -> SpaceMember:
        data = await self.request("GET", f"/spaces/{space_id}/members/{user_id}")
        return SpaceMember.model_validate(data)

    async def edit_space_member(
        self,
        space_id: int,
        user_id: int,
        *,
        nickname: str | None = _UNSET,
        avatar_url: str | None = _UNSET,
    ) -> SpaceMember:
        """Set (or clear with None) a nickname or avatar in the space."""
        body = _given(nickname=nickname, avatar_url=avatar_url)
        data = await self.request("PATCH", f"/spaces/{space_id}/members/{user_id}", json=body)
        return SpaceMember.model_validate(data)

    async def kick_space_member(
        self, space_id: int, user_id: int, *, reason: str | None = None
    ) -> None:
        params = {"reason": reason}
        await self.request("DELETE", f"/spaces/{space_id}/members/{user_id}", params=params)

    # -- bans ------------------------------------------------------------------------

    async def ban_space_member(
        self, space_id: int, user_id: int, *, reason: str | None = None
    ) -> None:
        body = _present(reason=reason)
        await self.request("PUT", f"/spaces/{space_id}/bans/{user_id}", json=body)

    async def unban_space_member(self, space_id: int, user_id: int) -> None:
        await self.request("DELETE", f"/spaces/{space_id}/bans/{user_id}")

    async def list_bans(self, space_id: int) -> list[Ban]:
        data = await self.request("GET", f"/spaces/{space_id}/bans")
        return [Ban.model_validate(b) for b in data["bans"]]

    # -- roles -----------------------------------------------------------------------

    async def list_roles(self, space_id: int) -> list[Role]:
        """The space's roles, highest rank first."""
        data = await self.request("GET", f"/spaces/{space_id}/roles")
        return sorted((Role.model_validate(r) for r in data["roles"]), key=lambda r: r.rank)

    async def create_role(
        self,
        space_id: int,
        name: str,
        *,
        permissions: int | None = None,
        colour: str | None = None,
        hoist: bool | None = None,
    ) -> Role:
        body = _present(name=name, permissions=permissions, colour=colour, hoist=hoist)
        data = await self.request("POST", f"/spaces/{space_id}/roles", json=body)
        return Role.model_validate(data)

    async def edit_role(
        self,
        space_id: int,
        role_id: int,
        *,
        name: str = _UNSET,
        permissions: int = _UNSET,
        colour: str | None = _UNSET,
        hoist: bool = _UNSET,
    ) -> Role:
        body = _given(name=name, permissions=permissions, colour=colour, hoist=hoist)
        data = await self.request("PATCH", f"/spaces/{space_id}/roles/{role_id}", json=body)
        return Role.model_validate(data)

    async def delete_role(self, space_id: int, role_id: int) -> None:
        await self.request("DELETE", f"/spaces/{space_id}/roles/{role_id}")

    async def set_role_ranks(self, space_id: int, role_ids: list[int]) -> list[Role]:
        """Reorder every role of the space, highest first."""
        body = {"role_ids": role_ids}
        data = await self.request("PUT", f"/spaces/{space_id}/roles/ranks", json=body)
        return [Role.model_validate(r) for r in data["roles"]]

    async def add_member_role(self, space_id: int, user_id: int, role_id: int) -> SpaceMember:
        """Give a member a role; the member as they now are."""
        path = f"/spaces/{space_id}/members/{user_id}/roles/{role_id}"
        return SpaceMember.model_validate(await self.request("PUT", path))

    async def remove_member_role(self, space_id: int, user_id: int, role_id: int) -> SpaceMember:
        path = f"/spaces/{space_id}/members/{user_id}/roles/{role_id}"
        return SpaceMember.model_validate(await self.request("DELETE", path))

    # -- room overrides --------------------------------------------------------------

    async def list_overrides(self, room_id: int) -> list[Override]:
        data = await self.request("GET", f"/rooms/{room_id}/overrides")
        return [Override.model_validate(o) for o in data["overrides"]]

    async def set_override(
        self,
        room_id: int,
        target_type: OverrideTarget,
        target_id: int = 0,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> list[Override]:
        """Allow and deny bits in one room for everyone (target_id 0), a role or a
        member; the room's overrides as they now are."""
        path = f"/rooms/{room_id}/overrides/{target_type}/{target_id}"
        data = await self.request("PUT", path, json={"allow": allow, "deny": deny})
        return [Override.model_validate(o) for o in data["overrides"]]

    async def delete_override(
        self, room_id: int, target_type: OverrideTarget, target_id: int = 0
    ) -> list[Override]:
        path = f"/rooms/{room_id}/overrides/{target_type}/{target_id}"
        data = await self.request("DELETE", path)
        return [Override.model_validate(o) for o in data["overrides"]]

    # -- invites ---------------------------------------------------------------------

    async def create_invite(
        self, space_id: int, *, max_uses: int | None = None, expires_in_s: int | None = None
    ) -> Invite:
        body = _present(max_uses=max_uses, expires_in_s=expires_in_s)
        data = await self.request("POST", f"/spaces/{space_id}/invites", json=body)
        return Invite.model_validate(data)

    async def list_invites(self, space_id: int) -> list[Invite]:
        data = await self.request("GET", f"/spaces/{space_id}/invites")
        return [Invite.model_validate(i) for i in data["invites"]]

    async def get_invite(self, code: str) -> Invite:
        """What an invite leads to (its space), without using it."""
        return Invite.model_validate(await self.request("GET", f"/invites/{_code(code)}"))

    async def accept_invite(self, code: str) -> SpaceState:
        return SpaceState.model_validate(await self.request("POST", f"/invites/{_code(code)}"))

    async def revoke_invite(self, code: str) -> None:
        await self.request("DELETE", f"/invites/{_code(code)}")

    # -- audit log and permissions ---------------------------------------------------

    async def list_audit(
        self,
        *,
        space_id: int | None = None,
        room_id: int | None = None,
        action: str | None = None,
        actor_id: int | None = None,
        target_type: str | None = None,
        target_id: int | None = None,
        before: int | None = None,
        limit: int | None = None,
    ) -> AuditPage:
        """One page of a space's (its rooms' included) or a room's audit log, newest
        first; `action` exact or a prefix ending in "."; `before` an entry id."""
        if (space_id is None) == (room_id is None):
            raise TypeError("pass exactly one of space_id or room_id")
        path = f"/spaces/{space_id}/audit" if space_id is not None else f"/rooms/{room_id}/audit"
        params = {
            "action": action,
            "actor_id": actor_id,
            "target_type": target_type,
            "target_id": target_id,
            "before": before,
            "limit": limit,
        }
        return AuditPage.model_validate(await self.request("GET", path, params=params))

    async def permission_table(self) -> PermissionTable:
        return PermissionTable.model_validate(await self.request("GET", "/permissions"))
