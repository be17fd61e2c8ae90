"""The SDK surface of profiles against a real server (SQLite only: the SQL is covered by
test_profiles and test_wipe): ProfilesAPI methods, typed UserUpdated / UserWiped /
UserMerged, and the cache folding profile edits into cached users."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.errors import Conflict, NotFound, UnsupportedMediaType
from hubbub.testing import TestServer
from tests.integration.waiting import expect
from tests.integration.wire import Api, name, staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)


async def test_profile_sdk(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    async with hubbub.Client(lite.url, token=bob.token) as client:
        cached = await client.fetch_user(alice.id)
        assert cached.about == "" and cached.flags == [] and cached.reputation == 1

        # Another user's edit arrives typed, with before/after, and the cache follows.
        _, event = await expect(
            client,
            hubbub.UserUpdated,
            alice.ok("PATCH", "/users/me", json={"about": "hello", "status_text": "away"}),
        )
        assert event.user_id == alice.id and event.changes == {
            "about": "hello",
            "status_text": "away",
        }
        assert isinstance(event.before, hubbub.protocol.models.User)
        assert event.before.about == "" and event.after is not None
        assert event.after.about == "hello"
        assert cached.about == "hello" and cached.status_text == "away"

        # One's own profile through ProfilesAPI.
        me = await client.http.edit_profile(display_name="Bobby", status_text=None)
        assert me.display_name == "Bobby"
        with_avatar = await client.http.set_avatar(PNG)
        assert with_avatar.avatar_url is not None
        with pytest.raises(UnsupportedMediaType) as bad:
            await client.http.set_avatar(b"not an image at all")
        assert bad.value.code == "unsupported_avatar_type"
        assert (await client.http.clear_avatar()).avatar_url is None
        with pytest.raises(Conflict):
            await client.http.edit_profile(handle=alice.user["handle"])

        found = await client.http.find_user_by_handle(alice.user["handle"])
        assert found.id == alice.id
        with pytest.raises(NotFound):
            await client.http.find_user_by_handle("nobody-at-all")
        stats = await cached.fetch_stats()
        assert stats.user_id == alice.id and stats.room_count == 1
        assert (await client.http.fetch_user_stats(-1)).message_count == 0


async def test_wipe_and_merge_sdk(lite: TestServer) -> None:
    admin = await staff(lite)
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    room = await bob.room()
    for api in (alice, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    async with (
        hubbub.Client(lite.url, token=admin.token) as boss,
        hubbub.Client(lite.url, token=bob.token) as client,
    ):
        watched = await client.fetch_user(alice.id)
        result, wiped = await expect(
            client, hubbub.UserWiped, boss.http.wipe_user(alice.id, ["spam"])
        )
        assert result.flags == ["spam"] and result.raw_flags == 8
        assert wiped.user_id == alice.id and wiped.flags == ["spam"] and wiped.raw_flags == 8
        assert isinstance(wiped, hubbub.UserEvent)
        assert watched.flags == ["spam"]

        merged, event = await expect(
            client, hubbub.UserMerged, boss.http.merge_users(carol.id, bob.id)
        )
        assert merged.source_user_id == carol.id
        assert (event.source_user_id, event.target_user_id, event.user_id) == (
            carol.id,
            bob.id,
            bob.id,
        )
        resolved = await client.fetch_user(carol.id)
        assert resolved.id == bob.id and resolved.merged_from == carol.id

        bot = await client.http.create_bot(name("bot"))
        await client.http.delete_account("correct horse battery", user_id=bot.user.id)
        assert "deleted" in (await client.fetch_user(bot.user.id)).flags
