"""The SDK cache folding real server events (over TestServer): every update event
carries `before` and `after` snapshots that differ, the cached object is copied and never
mutated (a snapshot taken earlier is unchanged), deleted messages stay marked
`deleted=True` (single, bulk and purge), a platform wipe purges the user's data and a
merge re-points the old id."""

from __future__ import annotations

from hubbub.protocol.events import MemberUpdated, MessageDeleted, MessageUpdated, RoomUpdated
from hubbub.protocol.events_extras import WebhookUpdated
from hubbub.protocol.events_lifecycle import MessageAppended, MessagesBulkDeleted
from hubbub.protocol.events_profiles import UserMerged, UserUpdated, UserWiped
from hubbub.protocol.events_reactions import ReadStateUpdated
from hubbub.protocol.events_relations import RelationshipUpdated
from hubbub.protocol.events_spaces import RoleUpdated, SpaceMemberUpdated, SpaceUpdated
from hubbub.testing import TestServer
from tests.integration.waiting import expect


async def test_update_events_carry_distinct_before_and_after(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room_json = await hubbub_server.room(alice, "before", members=[bob])
    rid = room_json["id"]
    sent = await alice.send(rid, "one")
    async with alice.client() as client:
        room = client.room(rid)
        assert room.loaded  # from Ready
        message = await client.fetch_message(sent["id"])
        bob_member = next(m for m in await room.members() if m.id == bob.id)
        bob_user = await client.fetch_user(bob.id)

        held = message.data
        _, edited = await expect(
            client,
            MessageUpdated,
            alice.request("PATCH", f"/messages/{sent['id']}", json={"content": "two"}),
        )
        assert edited.before is held and edited.before.content == "one"
        assert edited.after is not None and edited.after.content == "two"
        assert held.content == "one"  # the old snapshot was copied, not mutated
        assert message.content == "two" and message.data is edited.after

        held_room = room.data
        _, renamed = await expect(
            client, RoomUpdated, alice.request("PATCH", f"/rooms/{rid}", json={"name": "after"})
        )
        assert renamed.before is held_room and held_room.name == "before"
        assert renamed.after is not None and renamed.after.name == "after" == room.name

        held_member = bob_member.data
        promote = alice.request(
            "PATCH", f"/rooms/{rid}/members/{bob.id}", json={"role": "moderator"}
        )
        _, promoted = await expect(client, MemberUpdated, promote)
        assert promoted.before is held_member and held_member.role == "member"
        assert promoted.after is not None and promoted.after.role == "moderator"
        assert bob_member.role == "moderator"

        held_user = bob_user.data
        rename = bob.request("PATCH", "/users/me", json={"display_name": "Robert"})
        _, profile = await expect(client, UserUpdated, rename, lambda e: e.user_id == bob.id)
        assert profile.before is held_user and held_user.display_name != "Robert"
        assert profile.after is not None and profile.after.display_name == "Robert"
        assert bob_user.display_name == "Robert"

        webhook = await room.create_webhook("hook")
        held_hook = webhook.data
        _, hooked = await expect(
            client,
            WebhookUpdated,
            alice.request("PATCH", f"/webhooks/{webhook.id}", json={"name": "renamed"}),
        )
        assert hooked.before is held_hook and held_hook.name == "hook"
        assert hooked.after is not None and hooked.after.name == "renamed" == webhook.name
        assert webhook.token == held_hook.token  # the token survives the update

        first = await room.read_state()
        ack = alice.request("POST", f"/rooms/{rid}/ack", json={"message_id": sent["id"]})
        _, read = await expect(client, ReadStateUpdated, ack)
        assert read.before == first and read.after is not None
        assert read.after.last_read_message_id == sent["id"]
        assert client.cache.read_states[rid] is read.after


async def test_space_member_role_updates_have_before_and_after(hubbub_server: TestServer) -> None:
    # Changes go through plain REST (not the client's own actions, whose answers the
    # cache also takes in), so the event alone moves the cache.
    alice = await hubbub_server.user()
    async with alice.client() as client:
        space = await client.create_space("guild")
        me = await space.member(alice.id)
        role = await space.create_role("helpers")
        base = f"/spaces/{space.id}"

        held = me.data
        nick = alice.request("PATCH", f"{base}/members/{alice.id}", json={"nickname": "Al"})
        _, event = await expect(client, SpaceMemberUpdated, nick)
        assert event.before is held and held.nickname is None
        assert event.after is not None and event.after.nickname == "Al" == me.nickname

        held_space = space.data
        rename = alice.request("PATCH", base, json={"name": "guild 2"})
        _, renamed = await expect(client, SpaceUpdated, rename)
        assert renamed.before is held_space and held_space.name == "guild"
        assert renamed.after is not None and renamed.after.name == "guild 2" == space.name

        held_role = role.data
        edit = alice.request("PATCH", f"{base}/roles/{role.id}", json={"name": "helpers 2"})
        _, changed = await expect(client, RoleUpdated, edit)
        assert changed.before is held_role and held_role.name == "helpers"
        assert changed.after is not None and changed.after.name == "helpers 2" == role.name


async def test_deleted_messages_stay_marked(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    rid = (await hubbub_server.room(alice, members=[bob]))["id"]
    single = await bob.send(rid, "single")
    bulk = [await bob.send(rid, f"bulk {i}") for i in range(2)]
    purged = [await bob.send(rid, f"purged {i}") for i in range(2)]
    async with alice.client() as client:
        messages = {m.id: m for m in await client.room(rid).messages()}

        _, deleted = await expect(
            client, MessageDeleted, bob.request("DELETE", f"/messages/{single['id']}")
        )
        assert deleted.message is not None and not deleted.message.deleted  # the before
        assert messages[single["id"]].deleted
        assert client.get_message(single["id"]) is messages[single["id"]]

        ids = [m["id"] for m in bulk]
        bulk_delete = alice.request(
            "POST", f"/rooms/{rid}/messages/bulk-delete", json={"message_ids": ids}
        )
        _, gone = await expect(client, MessagesBulkDeleted, bulk_delete)
        assert sorted(m.id for m in gone.messages) == sorted(ids)
        assert all(messages[i].deleted for i in ids)

        purge = alice.request("POST", f"/rooms/{rid}/purge", json={"user_id": bob.id})
        await expect(client, MessagesBulkDeleted, purge)
        assert all(messages[m["id"]].deleted for m in purged)
        assert all(messages[m["id"]].content.startswith("purged") for m in purged)


async def test_wipe_purges_the_users_data_and_merge_repoints(hubbub_server: TestServer) -> None:
    alice, bob, carol = [await hubbub_server.user() for _ in range(3)]
    staff = await hubbub_server.staff()
    rid = (await hubbub_server.room(alice, members=[bob, carol]))["id"]
    async with alice.client() as client:
        dm = await client.open_dm(bob.id)
        said = await bob.send(dm.id, "hi alice")
        await bob.request("PUT", f"/users/{alice.id}/friend")
        befriend = client.user_ref(bob.id).befriend()
        await expect(client, RelationshipUpdated, befriend, lambda e: e.status == "friend")
        message = await client.fetch_message(said["id"])
        member = next(m for m in await client.room(rid).members() if m.id == bob.id)
        assert client.cache.relationships.get(bob.id) == "friend" and member is not None
        assert dm in client.rooms

        wipe = staff.request("POST", f"/admin/users/{bob.id}/wipe", json={"flags": ["deleted"]})
        await expect(client, UserWiped, wipe, lambda e: e.user_id == bob.id)
        assert client.get_message(said["id"]) is None and message.deleted
        assert dm not in client.rooms
        assert bob.id not in client.cache.relationships
        assert client.cache.get_member(rid, bob.id) is None

        dave = await hubbub_server.user()
        await dave.join(rid)
        old = await client.fetch_user(carol.id)
        merge = staff.request(
            "POST",
            "/admin/users/merge",
            json={"source_user_id": carol.id, "target_user_id": dave.id},
        )
        await expect(client, UserMerged, merge)
        assert client.user_ref(carol.id) is client.user_ref(dave.id) is not old
        assert (await client.user_ref(carol.id).load()).handle == dave.handle


async def test_identical_embeds_appended_twice_stay_two(hubbub_server: TestServer) -> None:
    alice = await hubbub_server.user()
    rid = (await hubbub_server.room(alice))["id"]
    sent = await alice.send(rid, "a link")
    card = {"title": "Preview", "url": "https://example.org/"}
    path = f"/messages/{sent['id']}/embeds"
    async with alice.client() as client:
        [message] = [m for m in await client.room(rid).messages() if m.id == sent["id"]]
        for count in (1, 2):
            _, appended = await expect(
                client, MessageAppended, alice.request("POST", path, json={"embeds": [card]})
            )
            # Placed by the event's position, not guessed from the tail: the second
            # identical card is a second card.
            assert appended.position == count - 1
            assert len(message.embeds) == count
