"""`Space`, `SpaceMember`, `Role`: a community, its members and its permission roles.

One live instance per space / role id, and per (space, user) for members, held by the
client cache and updated in place from events. Action methods call REST and return the
resulting live object, or raise a typed `HubbubError` (`missing_permission`,
`cannot_moderate_higher`, …).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from hubbub.client.http_spaces import OverrideTarget
from hubbub.client.objects.base import _Entity
from hubbub.client.objects.extras import Emoji
from hubbub.client.objects.room import Room
from hubbub.client.objects.user import User
from hubbub.errors import NotFound
from hubbub.protocol import models_spaces as wire

__all__ = ["Role", "Space", "SpaceMember"]

# "Not given", distinct from None (which clears a field).
_UNSET: Any = object()


def _user_id(user: int | User | SpaceMember) -> int:
    return user if isinstance(user, int) else user.id


def _role_id(role: int | Role) -> int:
    return role.id if isinstance(role, Role) else role


class Space(_Entity[wire.Space]):
    """A space. One fetch group, `info`: a bare space (`client.space(id)`,
    `room.space`) loads it with `await space.load()`."""

    __slots__ = ()
    groups = ("info",)
    _reads = _Entity._reads | {
        "state",
        "rooms",
        "members",
        "member",
        "bans",
        "emojis",
        "roles",
        "invites",
    }

    def __repr__(self) -> str:
        if self._snap is None:
            return f"<Space id={self.id} (not loaded)>"
        return f"<Space id={self.id} name={self.name!r}>"

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def description(self) -> str:
        return self._data.description

    @property
    def icon_url(self) -> str | None:
        return self._data.icon_url

    @property
    def owner_id(self) -> int:
        return self._data.owner_id

    @property
    def open(self) -> bool:
        """Anyone may join an open space; a closed one takes an invite."""
        return self._data.open

    @property
    def system_room_id(self) -> int | None:
        return self._data.system_room_id

    @property
    def system_room(self) -> Room | None:
        """The room system messages go to, when the client has it."""
        room_id = self._data.system_room_id
        return None if room_id is None else self._client.cache.get_room(room_id)

    @property
    def default_permissions(self) -> int:
        return self._data.default_permissions

    @property
    def member_count(self) -> int | None:
        return self._data.member_count

    @property
    def created_at(self) -> datetime:
        return self._data.created_at

    @property
    def cached_roles(self) -> list[Role]:
        """The roles the client knows of, highest first (no request)."""
        return self._client.cache.roles_of(self.id)

    @property
    def cached_rooms(self) -> list[Room]:
        """The space's rooms the client can see (no request)."""
        return [r for r in self._client.cache.rooms if r.space_id == self.id]

    # -- the space itself ------------------------------------------------------------

    async def fetch(self) -> Space:
        return await self._client.fetch_space(self.id)

    async def state(self) -> wire.SpaceState:
        """Everything about the space as you see it; its rooms, roles and your member
        record are taken into the cache."""
        return self._client.cache.apply_space_state(
            await self._client.http.get_space_state(self.id)
        )

    async def edit(self, **fields: Any) -> Space:
        """Change the named fields (name, description, icon_url, open, system_room_id,
        default_permissions, flags, categories); None clears icon_url/system_room_id."""
        data = await self._client.http.edit_space(self.id, **fields)
        return self._client.cache.store_space(data)

    async def transfer(self, user_id: int) -> Space:
        """Hand the space to one of its members (the owner only)."""
        data = await self._client.http.edit_space(self.id, owner_id=user_id)
        return self._client.cache.store_space(data)

    async def delete(self) -> None:
        await self._client.http.delete_space(self.id)
        self._client.cache.forget_space(self.id)

    async def join(self) -> Space:
        return await self._client.join_space(self.id)

    async def leave(self) -> None:
        await self._client.http.leave_space(self.id)
        self._client.cache.forget_space(self.id)

    # -- rooms -----------------------------------------------------------------------

    async def rooms(self) -> list[Room]:
        """The space's rooms you can see, fetched now."""
        return [self._client.cache.store_room(r) for r in (await self.state()).rooms]

    async def create_room(self, name: str, **settings: Any) -> Room:
        """A room in this space (kind, description, topic, …); needs manage_room."""
        data = await self._client.http.create_space_room(self.id, name, **settings)
        return self._client.cache.store_room(data)

    # -- members ---------------------------------------------------------------------

    async def members(self, *, limit: int | None = None, page_size: int = 100) -> list[SpaceMember]:
        """Every member by user id (or the first `limit`), paging as needed."""
        out: list[SpaceMember] = []
        after: int | None = None
        while limit is None or len(out) < limit:
            size = page_size if limit is None else min(page_size, limit - len(out))
            page = await self._client.http.list_space_members(self.id, after=after, limit=size)
            out += [self._client.cache.store_space_member(m) for m in page.members]
            if not page.has_more or not page.members:
                break
            after = page.members[-1].user.id
        return out

    async def member(self, user: int | User | SpaceMember) -> SpaceMember:
        data = await self._client.http.get_space_member(self.id, _user_id(user))
        return self._client.cache.store_space_member(data)

    async def kick(self, user: int | User | SpaceMember, *, reason: str | None = None) -> None:
        """Remove a member ranked below you (they may rejoin); needs kick."""
        await self._client.http.kick_space_member(self.id, _user_id(user), reason=reason)

    async def ban(self, user: int | User | SpaceMember, *, reason: str | None = None) -> None:
        """Ban someone (a member ranked below you, or not a member yet); needs ban."""
        await self._client.http.ban_space_member(self.id, _user_id(user), reason=reason)

    async def unban(self, user: int | User) -> None:
        await self._client.http.unban_space_member(self.id, _user_id(user))

    async def bans(self) -> list[wire.Ban]:
        return await self._client.http.list_bans(self.id)

    async def set_nickname(self, nickname: str | None) -> SpaceMember:
        """Your own nickname here (None clears it)."""
        me = self._client.user or await self._client.fetch_me()
        data = await self._client.http.edit_space_member(self.id, me.id, nickname=nickname)
        return self._client.cache.store_space_member(data)

    # -- emojis ----------------------------------------------------------------------

    async def emojis(self) -> list[Emoji]:
        """The space's custom emojis, fetched now."""
        found = await self._client.http.list_emojis(self.id)
        return [self._client.cache.store_emoji(e) for e in found]

    async def create_emoji(self, name: str, data: bytes, filename: str = "emoji") -> Emoji:
        """Upload a custom emoji (PNG, GIF, WebP or JPEG ≤ 256 KiB); needs manage_emojis."""
        created = await self._client.http.create_emoji(self.id, name, data, filename)
        return self._client.cache.store_emoji(created)

    # -- roles -----------------------------------------------------------------------

    async def roles(self) -> list[Role]:
        """The space's roles, highest first."""
        found = await self._client.http.list_roles(self.id)
        return [self._client.cache.store_role(r) for r in found]

    async def create_role(
        self,
        name: str,
        *,
        permissions: int | None = None,
        colour: str | None = None,
        hoist: bool | None = None,
    ) -> Role:
        data = await self._client.http.create_role(
            self.id, name, permissions=permissions, colour=colour, hoist=hoist
        )
        return self._client.cache.store_role(data)

    async def reorder_roles(self, roles: list[int | Role]) -> list[Role]:
        """Set every role's rank: `roles` highest first."""
        done = await self._client.http.set_role_ranks(self.id, [_role_id(r) for r in roles])
        return [self._client.cache.store_role(r) for r in sorted(done, key=lambda r: r.rank)]

    # -- invites and audit -----------------------------------------------------------

    async def create_invite(
        self, *, max_uses: int | None = None, expires_in_s: int | None = None
    ) -> wire.Invite:
        return await self._client.http.create_invite(
            self.id, max_uses=max_uses, expires_in_s=expires_in_s
        )

    async def invites(self) -> list[wire.Invite]:
        return await self._client.http.list_invites(self.id)

    async def audit(
        self,
        *,
        action: str | None = None,
        actor: int | User | None = None,
        target_type: str | None = None,
        target_id: int | None = None,
        before: int | None = None,
        limit: int | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[wire.AuditEntry]:
        """The audit log of the space and its rooms, newest first (moderators);
        `action` exact or a prefix ending in "."."""
        actor_id = None if actor is None else _user_id(actor)
        remaining = limit
        while remaining is None or remaining > 0:
            size = page_size if remaining is None else min(page_size, remaining)
            page = await self._client.http.list_audit(
                space_id=self.id,
                action=action,
                actor_id=actor_id,
                target_type=target_type,
                target_id=target_id,
                before=before,
                limit=size,
            )
            for entry in page.entries:
                yield entry
            if remaining is not None:
                remaining -= len(page.entries)
            if not page.has_more or not page.entries:
                return
            before = page.entries[-1].id

    async def set_override(
        self,
        room: int | Room,
        target_type: OverrideTarget,
        target: int | Role | User | SpaceMember = 0,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> list[wire.Override]:
        """Allow/deny bits in one of the space's rooms for everyone, a role or a member;
        the room's overrides as they now are."""
        room_id = room.id if isinstance(room, Room) else room
        target_id = target.id if not isinstance(target, int) else target
        return await self._client.http.set_override(
            room_id, target_type, target_id, allow=allow, deny=deny
        )


class SpaceMember(_Entity[wire.SpaceMember]):
    """Someone's membership of one space. `id` is the user's id; equality takes the
    space into account."""

    __slots__ = ()
    groups = ("member",)

    def __repr__(self) -> str:
        return f"<SpaceMember space_id={self.space_id} user_id={self.id}>"

    @property
    def id(self) -> int:
        return self._data.user.id

    @property
    def space_id(self) -> int:
        return self._data.space_id

    @property
    def space(self) -> Space:
        return self._client.cache.space_ref(self.space_id)

    @property
    def user(self) -> User:
        return self._client.cache.user_from_actor(self._data.user)

    @property
    def nickname(self) -> str | None:
        return self._data.nickname

    @property
    def display_name(self) -> str:
        """The nickname, else the user's display name."""
        return self._data.nickname or self._data.user.display_name

    @property
    def avatar_url(self) -> str | None:
        return self._data.avatar_url or self._data.user.avatar_url

    @property
    def role_ids(self) -> list[int]:
        return list(self._data.roles)

    @property
    def roles(self) -> list[Role]:
        """The member's roles the client knows of, highest first."""
        found = (self._client.cache.get_role(r) for r in self._data.roles)
        return sorted((r for r in found if r is not None), key=lambda r: r.rank)

    @property
    def joined_at(self) -> datetime:
        return self._data.joined_at

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SpaceMember)
            and other.space_id == self.space_id
            and other.id == self.id
        )

    def __hash__(self) -> int:
        return hash(("SpaceMember", self.space_id, self.id))

    async def fetch(self) -> SpaceMember:
        data = await self._client.http.get_space_member(self.space_id, self.id)
        return self._client.cache.store_space_member(data)

    async def edit(
        self, *, nickname: str | None = _UNSET, avatar_url: str | None = _UNSET
    ) -> SpaceMember:
        """Set or clear (None) the nickname (yours, or others' with manage_nicknames) or
        your own avatar in this space."""
        fields: dict[str, Any] = {}
        if nickname is not _UNSET:
            fields["nickname"] = nickname
        if avatar_url is not _UNSET:
            fields["avatar_url"] = avatar_url
        data = await self._client.http.edit_space_member(self.space_id, self.id, **fields)
        return self._client.cache.store_space_member(data)

    async def kick(self, *, reason: str | None = None) -> None:
        await self._client.http.kick_space_member(self.space_id, self.id, reason=reason)

    async def ban(self, *, reason: str | None = None) -> None:
        await self._client.http.ban_space_member(self.space_id, self.id, reason=reason)

    async def add_role(self, role: int | Role) -> SpaceMember:
        data = await self._client.http.add_member_role(self.space_id, self.id, _role_id(role))
        return self._client.cache.store_space_member(data)

    async def remove_role(self, role: int | Role) -> SpaceMember:
        data = await self._client.http.remove_member_role(self.space_id, self.id, _role_id(role))
        return self._client.cache.store_space_member(data)


class Role(_Entity[wire.Role]):
    __slots__ = ()
    groups = ("role",)

    def __repr__(self) -> str:
        return f"<Role id={self.id} name={self.name!r} rank={self.rank}>"

    @property
    def space_id(self) -> int:
        return self._data.space_id

    @property
    def space(self) -> Space:
        return self._client.cache.space_ref(self.space_id)

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def permissions(self) -> int:
        return self._data.permissions

    @property
    def colour(self) -> str | None:
        return self._data.colour

    @property
    def hoist(self) -> bool:
        return self._data.hoist

    @property
    def rank(self) -> int:
        """0 is the highest."""
        return self._data.rank

    async def fetch(self) -> Role:
        """The role as it is now (NotFound once deleted)."""
        for found in await self._client.http.list_roles(self.space_id):
            if found.id == self.id:
                return self._client.cache.store_role(found)
        raise NotFound(f"role {self.id} not found", code="role_not_found")

    async def edit(self, **fields: Any) -> Role:
        """Change name, permissions, colour (None clears) or hoist."""
        data = await self._client.http.edit_role(self.space_id, self.id, **fields)
        return self._client.cache.store_role(data)

    async def delete(self) -> None:
        await self._client.http.delete_role(self.space_id, self.id)
        self._client.cache.forget_role(self.id)

    async def assign(self, user: int | User | SpaceMember) -> SpaceMember:
        """Give this role to a member (below your own highest role; manage_roles); the
        member as they now are."""
        data = await self._client.http.add_member_role(self.space_id, _user_id(user), self.id)
        return self._client.cache.store_space_member(data)

    async def remove(self, user: int | User | SpaceMember) -> SpaceMember:
        data = await self._client.http.remove_member_role(self.space_id, _user_id(user), self.id)
        return self._client.cache.store_space_member(data)
