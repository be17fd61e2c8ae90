"""The cache's space part: spaces, their roles and members, folded from space and role
events before handlers run (see cache.py for the pattern).

Kept alive: the spaces this user belongs to (from `space.created`, joins, creates and
fetches) and the roles of those spaces. Members live as long as the app holds them (one
object per space and user); a cached member follows `space.member.updated`.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from hubbub.client.objects import IdentityMap, Room, User
from hubbub.client.objects.space import Role, Space, SpaceMember
from hubbub.client.snapshots import patched
from hubbub.protocol import models
from hubbub.protocol import models_spaces as wire
from hubbub.protocol.events import ServerEvent
from hubbub.protocol.events_spaces import (
    RoleCreated,
    RoleDeleted,
    RoleRanksUpdated,
    RoleUpdated,
    SpaceCreated,
    SpaceDeleted,
    SpaceMemberJoined,
    SpaceMemberRemoved,
    SpaceMemberUpdated,
    SpaceUpdated,
)

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["SpaceCache"]


class SpaceCache:
    _client: Client
    me: User | None

    def _init_spaces(self) -> None:
        self._space_map: IdentityMap[Space] = IdentityMap()
        self._role_map: IdentityMap[Role] = IdentityMap()
        self._members: weakref.WeakValueDictionary[tuple[int, int], SpaceMember] = (
            weakref.WeakValueDictionary()
        )
        self._spaces: dict[int, Space] = {}
        self._roles: dict[int, Role] = {}

    # Provided by Cache.
    def store_room(self, data: models.Room) -> Room:
        raise NotImplementedError

    def user_from_actor(self, actor: models.Actor) -> User:
        raise NotImplementedError

    # -- lookups ---------------------------------------------------------------------

    @property
    def spaces(self) -> list[Space]:
        return list(self._spaces.values())

    def get_space(self, space_id: int) -> Space | None:
        found = self._spaces.get(space_id) or self._space_map.get(space_id)
        return found if found is not None and found.loaded else None

    def get_role(self, role_id: int) -> Role | None:
        return self._roles.get(role_id) or self._role_map.get(role_id)

    def roles_of(self, space_id: int) -> list[Role]:
        found = [r for r in self._roles.values() if r.space_id == space_id]
        return sorted(found, key=lambda r: r.rank)

    def get_space_member(self, space_id: int, user_id: int) -> SpaceMember | None:
        return self._members.get((space_id, user_id))

    # -- upserts ---------------------------------------------------------------------

    def store_space(self, data: wire.Space) -> Space:
        space, created = self._space_map.get_or_create(data.id, lambda: Space(self._client, data))
        if not created:
            if data.member_count is None and space.data.member_count is not None:
                # A PATCH answer may omit the count; keep the one we had.
                data = data.model_copy(update={"member_count": space.data.member_count})
            space._update(data)
        self._spaces[space.id] = space
        return space

    def forget_space(self, space_id: int) -> wire.Space | None:
        """Drop a space we left or that was deleted; its last snapshot, if we had it."""
        gone = self._spaces.pop(space_id, None) or self._space_map.get(space_id)
        if gone is not None and not gone.loaded:
            gone = None
        for role_id in [r.id for r in self._roles.values() if r.space_id == space_id]:
            del self._roles[role_id]
        return None if gone is None else gone.data

    def store_role(self, data: wire.Role) -> Role:
        role, created = self._role_map.get_or_create(data.id, lambda: Role(self._client, data))
        if not created:
            role._update(data)
        self._roles[role.id] = role
        return role

    def forget_role(self, role_id: int) -> wire.Role | None:
        gone = self._roles.pop(role_id, None) or self._role_map.get(role_id)
        return None if gone is None else gone.data

    def store_space_member(self, data: wire.SpaceMember) -> SpaceMember:
        key = (data.space_id, data.user.id)
        member = self._members.get(key)
        if member is None:
            member = SpaceMember(self._client, data)
            self._members[key] = member
        else:
            member._update(data)
        self.user_from_actor(data.user)
        return member

    def forget_space_memberships(self, user_id: int) -> None:
        for key in [k for k in list(self._members.keys()) if k[1] == user_id]:
            self._members.pop(key, None)

    def apply_space_state(self, state: wire.SpaceState) -> wire.SpaceState:
        """Take in a whole space (space.created, a join, `GET …/state`)."""
        self.store_space(state.space)
        for role in state.roles:
            self.store_role(role)
        for room in state.rooms:
            self.store_room(room)
        self.store_space_member(state.member)
        return state

    def apply_ready_spaces(self, frame: dict[str, Any]) -> None:
        """Adopt `ready`'s spaces when the server sends them; they replace ours."""
        if "spaces" not in frame:
            return
        self._spaces, self._roles = {}, {}
        for item in frame.get("spaces") or []:
            if "space" in item and "member" in item:
                self.apply_space_state(wire.SpaceState.model_validate(item))
            else:
                self.store_space(wire.Space.model_validate(item))

    # -- folding events --------------------------------------------------------------

    def apply_space_event(self, event: ServerEvent) -> None:
        if isinstance(event, SpaceCreated):
            self.apply_space_state(event.state)
        elif isinstance(event, SpaceUpdated):
            space = self.get_space(event.space_id)
            if space is not None:
                event.before = space.data
                event.after = patched(space.data, event.changes, event.cleared, {})
                space._update(event.after)
        elif isinstance(event, SpaceDeleted):
            event.space = self.forget_space(event.space_id)
        elif isinstance(event, SpaceMemberJoined):
            self.store_space_member(event.member)
            # Our own join's count already came with space.created.
            if self.me is None or event.user_id != self.me.id:
                self._bump_space_members(event.space_id, +1)
        elif isinstance(event, SpaceMemberUpdated):
            member = self.get_space_member(event.space_id, event.user_id)
            if member is not None:
                event.before = member.data
                event.after = patched(member.data, event.changes, event.cleared, {})
                member._update(event.after)
        elif isinstance(event, SpaceMemberRemoved):
            self._members.pop((event.space_id, event.user_id), None)
            self._bump_space_members(event.space_id, -1)
            if self.me is not None and event.user_id == self.me.id:
                self.forget_space(event.space_id)
        elif isinstance(event, RoleCreated):
            self.store_role(event.role)
        elif isinstance(event, RoleUpdated):
            role = self.get_role(event.role_id)
            if role is not None:
                event.before = role.data
                event.after = patched(role.data, event.changes, event.cleared, {})
                role._update(event.after)
        elif isinstance(event, RoleDeleted):
            event.role = self.forget_role(event.role_id)
        elif isinstance(event, RoleRanksUpdated):
            for rank, role_id in enumerate(event.role_ids):
                role = self.get_role(role_id)
                if role is not None and role.rank != rank:
                    role._update(role.data.model_copy(update={"rank": rank}))

    def _bump_space_members(self, space_id: int, delta: int) -> None:
        space = self.get_space(space_id)
        if space is not None and space.data.member_count is not None:
            count = max(0, space.data.member_count + delta)
            space._update(space.data.model_copy(update={"member_count": count}))
