"""The SDK's space surface against a real server: `Space`, `SpaceMember` and `Role`
objects and their actions, typed space/role/audit events, the cache folding them
(before/after), the identity map, and typed errors."""

from __future__ import annotations

import asyncio

import pytest

import hubbub
from hubbub.client.objects import Role, Space, SpaceMember
from hubbub.errors import Forbidden, NotFound
from hubbub.protocol.events_spaces import (
    AuditEntryCreated,
    RoleCreated,
    RoleDeleted,
    RoleRanksUpdated,
    RoleUpdated,
    SpaceCreated,
    SpaceDeleted,
    SpaceEvent,
    SpaceMemberJoined,
    SpaceMemberRemoved,
    SpaceMemberUpdated,
    SpaceUpdated,
)
from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.integration.spaces.test_authorization_matrix import PNG
from tests.integration.waiting import expect
from tests.integration.wire import Api


async def test_space_lifecycle_through_objects(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    async with (
        hubbub.Client(server.url, token=alice.token) as owner,
        hubbub.Client(server.url, token=bob.token) as member,
    ):
        space, created = await expect(owner, SpaceCreated, owner.create_space("Guild", open=True))
        assert isinstance(space, Space) and space.name == "Guild" and space.open
        assert created.space_id == space.id and created.space.id == space.id
        assert created.member.user.id == alice.id
        assert owner.get_space(space.id) is space
        assert await owner.fetch_space(space.id) is space
        rooms = await space.rooms()
        assert [r.name for r in rooms] == ["general"] and space.system_room is rooms[0]
        assert (await owner.spaces()) == [space] and (await owner.spaces())[0] is space

        # Bob joins: he gets the whole space, alice sees him arrive.
        arrived = owner.wait_for(SpaceMemberJoined, timeout=5)
        joined, state = await expect(member, SpaceCreated, member.join_space(space.id))
        assert isinstance(joined, Space) and joined.member_count == 2
        assert member.get_space(space.id) is joined
        assert state.state.rooms[0].name == "general"
        event = await arrived
        assert event.user_id == bob.id and event.user.handle == bob.user["handle"]
        assert space.member_count == 2
        members = await space.members()
        assert {m.id for m in members} == {alice.id, bob.id}
        bob_member = next(m for m in members if m.id == bob.id)
        assert isinstance(bob_member, SpaceMember) and bob_member.user.id == bob.id
        assert await space.member(bob.id) is bob_member

        # Roles: create, assign, edit, rank; each a typed event, folded into the cache.
        helpers, made = await expect(
            member, RoleCreated, space.create_role("helpers", permissions=int(Perm.KICK))
        )
        assert isinstance(helpers, Role) and made.role.name == "helpers"
        seen_by_bob = member.cache.get_role(helpers.id)
        assert seen_by_bob is not None and seen_by_bob.name == "helpers"
        after_assign, updated = await expect(
            owner, SpaceMemberUpdated, helpers.assign(bob_member), lambda e: e.user_id == bob.id
        )
        assert after_assign is bob_member and bob_member.role_ids == [helpers.id]
        assert updated.roles == [helpers.id] and bob_member.roles == [helpers]
        renamed, role_event = await expect(member, RoleUpdated, helpers.edit(colour="#ff0000"))
        assert renamed is helpers and helpers.colour == "#ff0000"
        assert role_event.before is not None and role_event.before.colour is None
        assert role_event.after is not None and role_event.after.colour == "#ff0000"
        assert seen_by_bob.colour == "#ff0000"
        elders = await space.create_role("elders")
        assert [r.name for r in await space.roles()] == ["helpers", "elders"]
        reordered, ranks = await expect(
            member, RoleRanksUpdated, space.reorder_roles([elders, helpers])
        )
        assert reordered == [elders, helpers] and ranks.role_ids == [elders.id, helpers.id]
        assert [r.id for r in member.cache.roles_of(space.id)] == [elders.id, helpers.id]
        assert (await space.roles())[0] is elders and elders.rank == 0

        # Space settings: before/after on the member's side.
        _, changed = await expect(member, SpaceUpdated, space.edit(description="rules"))
        assert changed.changes == {"description": "rules"}
        assert changed.before is not None and changed.before.description == ""
        assert joined.description == "rules" and space.description == "rules"

        # Bob (kick only, below alice) may not kick the owner.
        bobs_view = member.get_space(space.id)
        assert bobs_view is not None
        with pytest.raises(Forbidden):
            await bobs_view.kick(alice.id)
        with pytest.raises(Forbidden) as refused:
            await bobs_view.create_role("mine")
        assert refused.value.code == "missing_permission"

        _, gone = await expect(owner, RoleDeleted, elders.delete())
        assert gone.role_id == elders.id and gone.role is not None
        assert elders not in space.cached_roles and space.cached_roles == [helpers]

        # The owner's audit log records it all, newest first.
        entries = [e async for e in space.audit(action="role.")]
        assert [e.action for e in entries][:2] == ["role.deleted", "role.ranks_updated"]
        assert [e.id async for e in space.audit(limit=3, page_size=2)] == [
            e.id async for e in space.audit(limit=3)
        ]
        with pytest.raises(Forbidden) as not_mod:
            _ = [e async for e in bobs_view.audit()]
        assert not_mod.value.code == "not_moderator"

        # Bob leaves; his cache drops the space.
        _, left = await expect(owner, SpaceMemberRemoved, bobs_view.leave())
        assert left.user_id == bob.id and left.reason == "leave" and not left.kicked
        assert space.id not in {s.id for s in member.cache.spaces}

        _, deleted = await expect(owner, SpaceDeleted, space.delete())
        assert deleted.space_id == space.id
        assert space.id not in {s.id for s in owner.cache.spaces}
        with pytest.raises(NotFound):
            await owner.fetch_space(space.id)


async def test_kick_ban_invites_and_audit_events(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    async with (
        hubbub.Client(server.url, token=alice.token) as owner,
        hubbub.Client(server.url, token=bob.token) as guest,
    ):
        space = await owner.create_space("Closed")
        assert not space.open

        # Invites: create, inspect, accept, list, revoke.
        invite = await space.create_invite(max_uses=1, expires_in_s=3600)
        assert invite.max_uses == 1 and invite.space_id == space.id
        assert (await guest.http.get_invite(invite.code)).code == invite.code
        entered, joined = await expect(owner, SpaceMemberJoined, guest.accept_invite(invite.code))
        assert entered.id == space.id and joined.user_id == bob.id
        assert guest.get_space(space.id) is entered
        await carol.error("POST", f"/invites/{invite.code}", 409, "invite_used_up")
        spare = await space.create_invite()
        assert spare.code in [i.code for i in await space.invites()]
        await owner.http.revoke_invite(spare.code)
        assert spare.code not in [i.code for i in await space.invites()]

        # Moderators get audit.entry.created as a typed event; members do not.
        member = await space.member(bob.id)
        _, audited = await expect(
            owner,
            AuditEntryCreated,
            member.edit(nickname="bobby"),
            lambda e: e.action == "space.member.updated",
        )
        assert audited.space_id == space.id and audited.entry.target is not None
        assert audited.entry.target.id == bob.id and member.nickname == "bobby"
        assert member.display_name == "bobby"

        # Kick through the member object, then ban through the space.
        removed_seen = guest.wait_for(SpaceMemberRemoved, timeout=5)
        _, kicked = await expect(owner, SpaceMemberRemoved, member.kick(reason="noise"))
        assert kicked.kicked and kicked.actor_id == alice.id
        assert (await removed_seen).reason == "kick"
        assert space.id not in {s.id for s in guest.cache.spaces}
        await space.ban(bob.id, reason="again")
        bans = await space.bans()
        assert [b.user.id for b in bans] == [bob.id] and bans[0].reason == "again"
        again = await space.create_invite()
        with pytest.raises(Forbidden) as banned:
            await guest.accept_invite(again.code)
        assert banned.value.code == "banned_from_space"
        await space.unban(bob.id)
        assert await space.bans() == []
        back = await guest.accept_invite(again.code)
        assert back.id == space.id

        actions = [e.action async for e in space.audit(actor=alice.id)]
        for action in ("space.member.kicked", "space.member.banned", "space.member.unbanned"):
            assert action in actions
        about_bob = [e.action async for e in space.audit(target_type="user", target_id=bob.id)]
        assert about_bob[0] == "space.member.joined"


async def test_events_are_typed_on_every_space_event(server: TestServer) -> None:
    alice = await Api.register(server)
    async with hubbub.Client(server.url, token=alice.token) as client:
        got: list[SpaceEvent] = []

        @client.on(SpaceEvent)
        async def on_space(event: SpaceEvent) -> None:
            got.append(event)

        space, _ = await expect(client, SpaceCreated, client.create_space("Typed", open=True))
        await expect(client, SpaceUpdated, space.edit(name="Typed 2"))
        await expect(client, RoleCreated, space.create_role("r"))
        await asyncio.sleep(0.05)
        kinds = {type(e) for e in got}
        assert {SpaceCreated, SpaceUpdated, RoleCreated} <= kinds
        assert all(e.space_id == space.id for e in got)
        assert space.name == "Typed 2"


async def test_rooms_in_a_space_through_the_client(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    async with (
        hubbub.Client(server.url, token=alice.token) as owner,
        hubbub.Client(server.url, token=bob.token) as member,
    ):
        space = await owner.create_space("Guild", open=True)
        await member.join_space(space.id)
        room, seen = await expect(
            member,
            hubbub.RoomCreated,
            owner.create_room("news", space_id=space.id, tags=["Updates"], custom_id="news-1"),
        )
        assert room.space_id == space.id and seen.room_id == room.id
        assert (await member.get_room_by_custom_id("NEWS-1")).id == room.id
        tagged = [r.id async for r in owner.fetch_rooms(tag="updates")]
        assert tagged == [room.id]  # tags are normalised to lower case
        mine = [r.id async for r in member.fetch_rooms(joined=True)]
        assert room.id in mine and space.system_room_id in mine
        with pytest.raises(Forbidden):
            await member.create_room("not mine", space_id=space.id)


async def test_ready_fills_the_cache_with_every_space(server: TestServer) -> None:
    alice = await Api.register(server)
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild"})
    role = await alice.ok("POST", f"/spaces/{space['id']}/roles", 201, json={"name": "Mods"})
    async with hubbub.Client(server.url, token=alice.token) as client:
        cached = client.get_space(space["id"])  # no request: it came with ready
        assert cached is not None and cached.name == "Guild"
        assert [r.id for r in client.cache.roles_of(space["id"])] == [role["id"]]
        assert client.get_room(space["system_room_id"]) is not None


async def test_transfer_through_the_sdk(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    async with (
        hubbub.Client(server.url, token=alice.token) as owner,
        hubbub.Client(server.url, token=bob.token) as member,
    ):
        space = await owner.create_space("Guild", open=True)
        await member.join_space(space.id)
        moved = await space.transfer(bob.id)
        assert moved is space and space.owner_id == bob.id
        with pytest.raises(Forbidden):
            await space.transfer(alice.id)  # no longer alice's to give


async def test_emojis_and_webhooks_from_their_space_and_room(server: TestServer) -> None:
    alice = await Api.register(server)
    async with hubbub.Client(server.url, token=alice.token) as client:
        space = await client.create_space("Guild")
        emoji = await space.create_emoji("party", PNG, "party.png")
        assert [e.id for e in await space.emojis()] == [emoji.id]
        room = client.get_room(space.system_room_id or 0)
        assert room is not None
        hook = await room.create_webhook("CI")
        assert hook.token and [w.id for w in await room.webhooks()] == [hook.id]
        posted = await hook.execute("build green")
        assert posted.content == "build green" and posted.room_id == room.id
