"""What a client needs to show moderation tools (issue 9's web client): the caller's own
rights in a room (`GET /rooms/{id}/permissions`), and a room moderator changing the
moderation settings (open/close, slow mode, pre-moderation) with `PATCH /rooms/{id}`,
as docs/moderation.md says, while the room's other settings stay the owner's."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api


async def test_permissions_of_owner_moderator_member_and_a_stranger(lite: TestServer) -> None:
    owner, mod, member, stranger = [await Api.register(lite) for _ in range(4)]
    room = await owner.room()
    rid = room["id"]
    for api in (mod, member):
        await api.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})

    mine = await owner.ok("GET", f"/rooms/{rid}/permissions")
    assert mine["room_id"] == rid and mine["role"] == "owner" and mine["moderator"] is True
    assert {"manage_room", "ban", "kick", "moderate", "manage_messages"} <= set(mine["permissions"])

    theirs = await mod.ok("GET", f"/rooms/{rid}/permissions")
    assert theirs["role"] == "moderator" and theirs["moderator"] is True
    assert {"ban", "kick", "moderate", "manage_messages"} <= set(theirs["permissions"])
    assert "manage_room" not in theirs["permissions"]

    plain = await member.ok("GET", f"/rooms/{rid}/permissions")
    assert plain["role"] == "member" and plain["level"] == "read_write"
    assert plain["moderator"] is False
    assert "send" in plain["permissions"] and "ban" not in plain["permissions"]

    # a public room a stranger can see but has not joined: no role, nothing to moderate
    seen = await stranger.ok("GET", f"/rooms/{rid}/permissions")
    assert seen["role"] is None and seen["moderator"] is False

    # banned: refused like any read of the room
    await mod.ok("PUT", f"/rooms/{rid}/bans/{stranger.id}", json={"kind": "ban"})
    await stranger.error("GET", f"/rooms/{rid}/permissions", 403, "banned_from_room")
    await member.error("GET", "/rooms/999999/permissions", 404, "room_not_found")


async def test_a_moderator_patches_the_moderation_settings_only(lite: TestServer) -> None:
    owner, mod, member = [await Api.register(lite) for _ in range(3)]
    room = await owner.room()
    rid = room["id"]
    for api in (mod, member):
        await api.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})

    changes = {"is_open": False, "throttle_seconds": 30, "moderation": "pre"}
    done = await mod.ok("PATCH", f"/rooms/{rid}", json=changes)
    assert {k: done[k] for k in changes} == changes
    # the room's other settings stay the owner's, alone or mixed in
    await mod.error("PATCH", f"/rooms/{rid}", 403, "not_room_owner", json={"name": "mine"})
    mixed = {"is_open": True, "topic": "x"}
    await mod.error("PATCH", f"/rooms/{rid}", 403, "not_room_owner", json=mixed)
    # members change nothing
    await member.error("PATCH", f"/rooms/{rid}", 403, "not_room_owner", json={"is_open": True})
    assert (await owner.ok("GET", f"/rooms/{rid}"))["is_open"] is False
