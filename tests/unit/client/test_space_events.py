"""Space and role events without a server: parsing (envelope or data space ids, the
`server` alias), and the cache folding them into live objects with before/after."""

from __future__ import annotations

from typing import Any

import hubbub
from hubbub.protocol import events as ev
from hubbub.protocol import events_spaces as sp
from hubbub.protocol.models_spaces import Role, Space, SpaceMember

AT = "2024-11-29T00:00:00.123Z"
BOB = {"id": 2, "handle": "bob", "display_name": "Bob", "avatar_url": None}
SPACE = {"id": 3, "name": "Guild", "owner_id": 1, "created_at": AT, "member_count": 1}
ROLE = {"id": 9, "space_id": 3, "name": "mods", "permissions": 4096, "rank": 0}


def frame(type_: str, data: dict[str, Any], space_id: int | None = 3) -> dict[str, Any]:
    return {"op": "event", "seq": 1, "type": type_, "ts": 1, "at": AT, "space_id": space_id,
            "room_id": None, "actor": None, "data": data}  # fmt: skip


def member(**extra: Any) -> dict[str, Any]:
    return {"space_id": 3, "user": BOB, "roles": [], "joined_at": AT, **extra}


def test_parsing() -> None:
    state = {"server": SPACE, "member": member(), "rooms": [], "roles": [ROLE], "joined_at": AT}
    created = ev.parse_event(frame("space.created", state, space_id=None))
    assert isinstance(created, sp.SpaceCreated) and created.space_id == 3
    assert created.space.name == "Guild" and created.state.roles[0].name == "mods"
    joined = ev.parse_event(frame("space.member.joined", {"member": member()}, None))
    assert isinstance(joined, sp.SpaceMemberJoined) and joined.user_id == 2
    assert joined.user.handle == "bob"
    removed = ev.parse_event(frame("space.member.removed", {"user_id": 2, "reason": "ban"}))
    assert isinstance(removed, sp.SpaceMemberRemoved) and removed.banned and not removed.kicked
    ranks = ev.parse_event(frame("role.ranks_updated", {"space_id": 3, "role_ids": [9, 8]}, None))
    assert isinstance(ranks, sp.RoleRanksUpdated) and ranks.role_ids == [9, 8]
    assert isinstance(ranks, sp.RoleEvent) and isinstance(ranks, sp.SpaceEvent)
    entry = {"id": 5, "scope": "room", "scope_id": 7, "space_id": 3, "room_id": 7,
             "action": "room.updated", "created_at": AT}  # fmt: skip
    audited = ev.parse_event(frame("audit.entry.created", {"entry": entry}, None))
    assert isinstance(audited, sp.AuditEntryCreated) and audited.action == "room.updated"
    assert (audited.space_id, audited.room_id) == (3, 7)
    # A payload that does not fit degrades to UnknownEvent, never raises.
    assert type(ev.parse_event(frame("role.created", {"role": {}}))) is ev.UnknownEvent


async def test_cache_folds_space_events(client: hubbub.Client) -> None:
    cache = client.cache
    space = cache.store_space(Space.model_validate(SPACE))
    role = cache.store_role(Role.model_validate(ROLE))
    bob = cache.store_space_member(SpaceMember.model_validate(member()))

    updated = ev.parse_event(frame("space.updated", {"changes": {"name": "New"}, "cleared": []}))
    assert isinstance(updated, sp.SpaceUpdated)
    cache.apply(updated)
    assert updated.before is not None and updated.before.name == "Guild"
    assert space.name == "New" and client.get_space(3) is space

    cache.apply(ev.parse_event(frame("space.member.joined", {"member": member()})))
    assert space.member_count == 2 and cache.get_space_member(3, 2) is bob
    cache.apply(ev.parse_event(frame("space.member.updated", {"user_id": 2,
                                     "changes": {"roles": [9], "nickname": "b"}})))  # fmt: skip
    assert bob.role_ids == [9] and bob.roles == [role] and bob.display_name == "b"

    role_update = ev.parse_event(frame("role.updated", {"role_id": 9, "changes": {"hoist": True}}))
    assert isinstance(role_update, sp.RoleUpdated)
    cache.apply(role_update)
    assert role.hoist and role_update.before is not None and not role_update.before.hoist
    other = cache.store_role(Role.model_validate({**ROLE, "id": 8, "rank": 1}))
    cache.apply(ev.parse_event(frame("role.ranks_updated", {"role_ids": [8, 9]})))
    assert space.cached_roles == [other, role] and (other.rank, role.rank) == (0, 1)
    deleted = ev.parse_event(frame("role.deleted", {"role_id": 8}))
    assert isinstance(deleted, sp.RoleDeleted)
    cache.apply(deleted)
    assert deleted.role is not None and space.cached_roles == [role]

    gone = ev.parse_event(frame("space.deleted", {"space_id": 3}))
    assert isinstance(gone, sp.SpaceDeleted)
    cache.apply(gone)
    assert gone.space is not None and gone.space.name == "New" and cache.spaces == []
