"""The SDK's relationship, DM and group surface against a real server (SQLite): `User`
actions and `relationship`, the typed RelationshipUpdated event, `Client.open_dm` /
`create_group` / `relationships`, and typed errors."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.wire import Api


async def test_friends_blocks_dms_and_groups_through_the_sdk(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    async with (
        hubbub.Client(lite.url, token=alice.token) as me,
        hubbub.Client(lite.url, token=bob.token) as them,
    ):
        bob_user = await me.fetch_user(bob.id)
        assert bob_user.relationship == "none"
        heard = them.wait_for(hubbub.RelationshipUpdated, timeout=5)
        assert await bob_user.befriend() == "outgoing"
        request = await heard
        assert request.user_id == alice.id and request.user.id == alice.id
        assert request.status == "incoming" and request.is_friend_request
        assert bob_user.relationship == "outgoing"
        alice_user = await them.fetch_user(alice.id)
        assert alice_user.relationship == "incoming"  # folded from the event

        with pytest.raises(hubbub.Conflict) as err:
            await bob_user.befriend()
        assert err.value.code == "already_requested"
        accepted = me.wait_for(
            hubbub.RelationshipUpdated, check=lambda e: e.status == "friend", timeout=5
        )
        assert await alice_user.befriend() == "friend"
        assert (await accepted).previous_status == "outgoing"
        assert bob_user.relationship == "friend"
        assert await them.relationships() == {alice_user: "friend"}

        # DMs: idempotent, delivered to the other side as a room.
        arrived = them.wait_for(
            hubbub.RoomCreated, check=lambda e: e.reason == "dm_opened", timeout=5
        )
        dm = await bob_user.open_dm()
        assert dm.kind == "dm" and dm.member_count == 2
        assert (await arrived).room_id == dm.id and them.get_room(dm.id) is not None
        # Its people, so a client can title it (a DM has no name of its own).
        assert [u.id for u in dm.recipients] == sorted([alice.id, bob.id])
        other = them.get_room(dm.id)
        assert other is not None and {u.id for u in other.recipients} == {alice.id, bob.id}
        assert await me.open_dm(bob.id) is dm
        # DM-03: a private-message signal for the recipient, never for one's own message.
        signal = them.wait_for(hubbub.PrivateMessage, timeout=5)
        own = me.wait_for(hubbub.PrivateMessage, timeout=0.5)
        await dm.send("psst")
        private = await signal
        assert private.message.content == "psst" and private.room_id == dm.id
        assert private.author is not None and private.author.id == alice.id
        assert isinstance(private.event, hubbub.MessageCreated)
        with pytest.raises(TimeoutError):
            await own

        # Groups.
        added = them.wait_for(
            hubbub.RoomCreated, check=lambda e: e.reason == "added_to_group", timeout=5
        )
        group = await me.create_group([bob_user, carol.id], name="Trio")
        assert group.kind == "group" and group.name == "Trio" and group.member_count == 3
        assert (await added).room_id == group.id
        moved = await me.http.transfer_group(group.id, bob.id)
        assert moved.owner_id == bob.id
        with pytest.raises(hubbub.Forbidden) as denied:
            await me.http.remove_recipient(group.id, carol.id)
        assert denied.value.code == "not_group_owner"
        await me.http.leave_group(group.id)

        # Blocks.
        assert await alice_user.block() == "blocked"
        with pytest.raises(hubbub.Forbidden) as blocked:
            await me.open_dm(bob.id)
        assert blocked.value.code == "blocked"
        assert [r.status for r in await me.http.relationships()] == ["blocked_other"]
        assert await alice_user.unblock() == "none"
        assert alice_user.relationship == "none"
        with pytest.raises(hubbub.BadRequest) as self_err:
            await me.http.send_friend_request(alice.id)
        assert self_err.value.code == "cannot_relate_to_self"
        assert (await me.http.send_friend_request(carol.user["handle"])).status == "outgoing"
