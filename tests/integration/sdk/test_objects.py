"""SDK objects against a real server: one live instance per id, bare objects with lazy
fetch groups (D.97), navigation, and actions that return their result or raise a typed
error (D.98), including before any request (deleted message, anonymous client)."""

from __future__ import annotations

import base64

import pytest

import hubbub
from hubbub.client.objects import Emoji, Member, NotLoaded, Webhook
from hubbub.errors import Forbidden, NotFound, Unauthorized, ValidationError
from hubbub.testing import TestServer

# A 1×1 transparent PNG: the smallest image an emoji upload accepts.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


async def test_bare_room_and_message_load_their_group_once(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room_json = await hubbub_server.room(alice, "lobby", description="talk here")
    first = await alice.send(room_json, "hello")
    reply = await alice.send(room_json, "again", reply_to=first["id"])
    client = bob.client()
    try:
        room = client.room(room_json["id"])
        assert not room.loaded and not room.is_loaded("info")
        with pytest.raises(NotLoaded) as caught:
            _ = room.name
        assert caught.value.code == "not_loaded" and caught.value.group == "info"
        assert client.get_room(room.id) is None  # lookups hand out loaded objects only

        assert await room.load() is room
        assert room.name == "lobby" and room.description == "talk here"
        assert client.room(room.id) is room
        assert await client.fetch_room(room.id) is room
        assert client.get_room(room.id) is room

        message = client.message_ref(reply["id"])
        with pytest.raises(NotLoaded):
            _ = message.content
        await message.load("message")
        assert message.content == "again"
        # Navigation hands out the same live objects.
        assert message.room is room
        author = message.author
        assert author is not None and author is message.owner is message.user
        assert author.id == alice.id and author is client.user_ref(alice.id)
        parent = message.reply_to
        assert parent is not None and parent.id == first["id"] and not parent.loaded
        assert await client.fetch_message(first["id"]) is parent
        assert parent.content == "hello"
        assert (await room.messages())[0] is parent

        with pytest.raises(ValidationError) as bad_group:
            await room.load("profile")
        assert bad_group.value.code == "unknown_fetch_group"
        with pytest.raises(NotFound):
            await client.room(987654).load()
    finally:
        await client.close()


async def test_user_profile_group_holds_profile_and_counters(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room_json = await hubbub_server.room(alice)
    await alice.send(room_json, "one")
    await alice.send(room_json, "two")
    client = bob.client()
    try:
        user = client.user_ref(alice.id)
        for attribute in ("handle", "about", "message_count", "reputation"):
            with pytest.raises(NotLoaded):
                getattr(user, attribute)
        assert await user.load() is user
        assert user.is_loaded("profile") and not user.is_partial
        assert user.handle == alice.handle and user.name == user.display_name
        assert user.message_count == 2 and user.room_count == 1
        assert user.reputation >= 1 and user.is_moderator is False and user.bot is False
        assert user.last_seen is None or user.last_seen >= 0

        # An author snapshot knows names but not the profile group.
        message = (await client.room(room_json["id"]).messages())[0]
        ghost = await hubbub_server.user()
        bob_user = await client.fetch_user(bob.id)
        assert message.author is user and bob_user is client.user_ref(bob.id)
        with pytest.raises(NotLoaded):
            _ = bob_user.message_count  # fetched without its counters
        await bob_user.load()
        assert bob_user.message_count == 0
        with pytest.raises(NotFound):
            await client.user_ref(ghost.id + 1000).load()
    finally:
        await client.close()


async def test_members_emojis_webhooks_roles_are_identity_mapped(
    hubbub_server: TestServer,
) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room_json = await hubbub_server.room(alice, members=[bob])
    client = alice.client()
    try:
        room = await client.fetch_room(room_json["id"])
        members = await room.members()
        assert all(isinstance(m, Member) for m in members)
        bob_member = next(m for m in members if m.id == bob.id)
        assert bob_member in await room.members()
        assert next(m for m in await room.members() if m.id == bob.id) is bob_member
        assert bob_member.room is room and bob_member.user is client.user_ref(bob.id)
        assert bob_member.role == "member" and bob_member.space is None

        webhook = await room.create_webhook("hook")
        assert isinstance(webhook, Webhook) and webhook.token
        assert (await room.webhooks())[0] is webhook
        assert webhook.token  # the listing carries none; the one this object knew stays
        assert webhook.room is room
        assert (await webhook.edit(name="renamed")) is webhook and webhook.name == "renamed"

        space = await client.create_space("guild")
        emoji = await space.create_emoji("blob", PNG, "blob.png")
        assert isinstance(emoji, Emoji) and emoji.space is space
        assert (await space.emojis())[0] is emoji
        role = await space.create_role("helpers")
        assert role.space is space and role in await space.roles()
        assert next(r for r in await space.roles() if r.id == role.id) is role
        me = await space.member(alice.id)
        assert me.space is space and me is await space.member(alice.id)
        assert me.user is client.user_ref(alice.id)
    finally:
        await client.close()


async def test_actions_return_results_or_raise_typed_errors(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room_json = await hubbub_server.room(alice, members=[bob])
    alice_client, bob_client = alice.client(), bob.client()
    try:
        room = await alice_client.fetch_room(room_json["id"])
        message = await room.send("draft")
        assert (await message.edit("final")) is message and message.content == "final"
        assert (await message.pin()) is message and message.pinned

        theirs = await bob_client.fetch_message(message.id)
        with pytest.raises(Forbidden):
            await theirs.edit("hijacked")
        with pytest.raises(Forbidden):
            await theirs.delete()
        assert not message.deleted

        await message.delete()
        assert message.deleted
        for action in (message.edit("again"), message.reply("hm"), message.delete()):
            with pytest.raises(NotFound) as caught:
                await action
            assert caught.value.code == "message_deleted"
        # Reads still work on the deleted message object.
        assert message.content == "final"
    finally:
        await alice_client.close()
        await bob_client.close()


async def test_anonymous_client_reads_public_rooms_and_cannot_act(
    hubbub_server: TestServer,
) -> None:
    alice = await hubbub_server.user()
    room_json = await hubbub_server.room(alice, "public")
    await alice.send(room_json, "visible")
    anon = hubbub.Client(hubbub_server.url)
    try:
        room = anon.room(room_json["id"])
        await room.load()
        assert room.name == "public"
        (message,) = await room.messages()
        assert message.content == "visible" and message.room is room
        profile = message.author
        assert profile is not None
        await profile.load()
        assert profile.handle == alice.handle and profile.about == ""
        with pytest.raises(Unauthorized):
            _ = profile.message_count  # counters are not public (D.106)
        for action in (room.send("hi"), room.join(), message.star(), profile.block()):
            with pytest.raises(Unauthorized) as caught:
                await action
            assert caught.value.code == "anonymous_read_only"
            assert "anonymous" in caught.value.message
    finally:
        await anon.close()
