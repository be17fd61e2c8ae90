"""Spaces over a real server (SV-01…SV-05): create, join, leave, kick, ban, invites, the
state a joiner receives, and delivery that follows membership live, on long-poll and on
resume."""

from __future__ import annotations

from typing import Any

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def make_space(owner: Api, **fields: Any) -> dict[str, Any]:
    space: dict[str, Any] = await owner.ok(
        "POST", "/spaces", 201, json={"name": "Guild", "open": True, **fields}
    )
    return space


async def test_create_gives_the_owner_the_whole_space(server: TestServer) -> None:
    alice = await Api.register(server)
    gw = await Gateway.connect(server, alice.token)
    space = await make_space(alice, description="a place")
    assert space["owner_id"] == alice.id and space["member_count"] == 1
    created = await gw.event("space.created")
    data = created["data"]
    assert data["space"]["id"] == space["id"]
    assert [r["name"] for r in data["rooms"]] == ["general"]
    assert data["rooms"][0]["id"] == space["system_room_id"]
    assert data["member"]["user"]["id"] == alice.id
    assert data["moderator"] is True and data["roles"] == [] and data["emojis"] == []
    assert created["space_id"] == space["id"]
    listed = await alice.ok("GET", "/spaces")
    assert [s["id"] for s in listed["spaces"]] == [space["id"]]
    again = await Gateway.connect(server, alice.token)  # ready carries every space in full
    assert [s["space"]["id"] for s in again.ready["spaces"]] == [space["id"]]
    assert again.ready["spaces"][0]["rooms"][0]["id"] == space["system_room_id"]
    # The owner receives the new room's messages right away.
    general = space["system_room_id"]
    await alice.send(general, "hello space")
    posted = await gw.event("message.created")
    assert posted["data"]["message"]["content"] == "hello space"
    assert posted["space_id"] == space["id"]  # every room event's envelope names its space


async def test_update_and_categories(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await make_space(alice)
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    gw = await Gateway.connect(server, bob.token)
    general = space["system_room_id"]
    patch = {"name": "Renamed", "categories": [{"name": "Main", "room_ids": [general]}]}
    updated = await alice.ok("PATCH", f"/spaces/{space['id']}", json=patch)
    assert updated["name"] == "Renamed"
    assert updated["categories"] == [{"id": 1, "name": "Main", "room_ids": [general]}]
    event = await gw.event("space.updated")
    assert event["data"]["changes"]["name"] == "Renamed"
    assert event["data"]["changes"]["categories"][0]["room_ids"] == [general]
    await bob.error(
        "PATCH", f"/spaces/{space['id']}", 403, "missing_permission", json={"name": "mine now"}
    )
    bad = {
        "categories": [{"name": "A", "room_ids": [general]}, {"name": "B", "room_ids": [general]}]
    }
    await alice.error("PATCH", f"/spaces/{space['id']}", 422, "invalid_categories", json=bad)
    await alice.error(
        "PATCH", f"/spaces/{space['id']}", 422, "invalid_space_name", json={"name": "  "}
    )
    await alice.error(
        "PATCH",
        f"/spaces/{space['id']}",
        422,
        "invalid_permissions",
        json={"default_permissions": 1 << 40},
    )


async def test_join_receive_leave(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await make_space(alice)
    general = space["system_room_id"]
    owner_gw = await Gateway.connect(server, alice.token)
    bob_gw = await Gateway.connect(server, bob.token)
    cursor = bob_gw.ready["cursor"]

    state = await bob.ok("POST", f"/spaces/{space['id']}/join")
    assert state["space"]["id"] == space["id"] and state["moderator"] is False
    assert [r["id"] for r in state["rooms"]] == [general]
    assert (await bob_gw.event("space.created"))["data"]["rooms"][0]["id"] == general
    joined = await owner_gw.event("space.member.joined")
    assert joined["data"]["user"]["id"] == bob.id and joined["data"]["via"] == "open"
    await alice.send(general, "welcome")
    assert (await bob_gw.event("message.created"))["data"]["message"]["content"] == "welcome"
    await bob.send(general, "thanks")  # members can post with the default permissions

    await bob.ok("POST", f"/spaces/{space['id']}/leave", 204)
    gone = await bob_gw.event("room.deleted")
    assert gone["data"] == {"room_id": general, "reason": "left", "role": "member"}
    removed = await bob_gw.event("space.member.removed")
    assert removed["data"]["reason"] == "leave" and removed["data"]["user_id"] == bob.id
    await alice.send(general, "after bob left")
    await bob_gw.no_event()
    await bob.error(
        "POST", f"/rooms/{general}/messages", 404, "room_not_found", json={"content": "x"}
    )

    # Long-poll and resume show bob exactly what the live connection showed him.
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    types = [e["type"] for e in page["events"]]
    assert "space.created" in types and types[-1] == "space.member.removed"
    contents = [
        e["data"]["message"]["content"] for e in page["events"] if e["type"] == "message.created"
    ]
    assert contents == ["welcome", "thanks"]
    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    replayed = await resumed.events_until(lambda f: f["type"] == "space.member.removed")
    assert [f["type"] for f in replayed] == types
    assert (await resumed.recv())["op"] == "resumed"
    await alice.error("POST", f"/spaces/{space['id']}/leave", 409, "owner_cannot_leave")


async def test_closed_spaces_need_an_invite_with_limits() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        alice, bob, carol, dave = [await Api.register(server) for _ in range(4)]
        space = await make_space(alice, open=False)
        await bob.error("POST", f"/spaces/{space['id']}/join", 404, "space_not_found")
        await bob.error("GET", f"/spaces/{space['id']}", 404, "space_not_found")
        invite = await alice.ok(
            "POST",
            f"/spaces/{space['id']}/invites",
            201,
            json={"max_uses": 2, "expires_in_s": 3600},
        )
        code = invite["code"]
        preview = await bob.ok("GET", f"/invites/{code}")
        assert preview["space"]["name"] == "Guild" and preview["uses"] == 0
        state = await bob.ok("POST", f"/invites/{code}")
        assert state["space"]["id"] == space["id"]
        await bob.ok("POST", f"/invites/{code}")  # already a member: not a second use
        await carol.ok("POST", f"/invites/{code}")
        await dave.error("POST", f"/invites/{code}", 409, "invite_used_up")
        listed = await alice.ok("GET", f"/spaces/{space['id']}/invites")
        assert listed["invites"] == []  # used up: no longer live

        timed = await alice.ok(
            "POST", f"/spaces/{space['id']}/invites", 201, json={"expires_in_s": 60}
        )
        clock.advance(61)
        await dave.error("POST", f"/invites/{timed['code']}", 404, "invite_expired")
        revoked = await alice.ok("POST", f"/spaces/{space['id']}/invites", 201)
        await carol.error("DELETE", f"/invites/{revoked['code']}", 403, "missing_permission")
        await alice.ok("DELETE", f"/invites/{revoked['code']}", 204)
        await dave.error("POST", f"/invites/{revoked['code']}", 404, "invite_revoked")
        await dave.error("POST", "/invites/nope!", 404, "invite_not_found")
        await alice.error(
            "POST", f"/spaces/{space['id']}/invites", 422, "invalid_max_uses", json={"max_uses": 0}
        )


async def test_kick_and_ban(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    space = await make_space(alice)
    sid = space["id"]
    for user in (bob, carol):
        await user.ok("POST", f"/spaces/{sid}/join")
    bob_gw = await Gateway.connect(server, bob.token)
    await carol.error("DELETE", f"/spaces/{sid}/members/{bob.id}", 403, "missing_permission")
    await alice.ok("DELETE", f"/spaces/{sid}/members/{bob.id}", 204, params={"reason": "spam"})
    assert (await bob_gw.event("room.deleted"))["data"]["reason"] == "access_lost"
    kicked = await bob_gw.event("space.member.removed")
    assert kicked["data"]["reason"] == "kick" and kicked["data"]["actor_id"] == alice.id
    await bob.ok("POST", f"/spaces/{sid}/join")  # a kick is not a ban

    await alice.ok("PUT", f"/spaces/{sid}/bans/{bob.id}", 204, json={"reason": "again"})
    bans = await alice.ok("GET", f"/spaces/{sid}/bans")
    assert [(b["user"]["id"], b["reason"]) for b in bans["bans"]] == [(bob.id, "again")]
    await bob.error("POST", f"/spaces/{sid}/join", 403, "banned_from_space")
    invite = await alice.ok("POST", f"/spaces/{sid}/invites", 201)
    await bob.error("POST", f"/invites/{invite['code']}", 403, "banned_from_space")
    await carol.error("GET", f"/spaces/{sid}/bans", 403, "missing_permission")
    await alice.error("PUT", f"/spaces/{sid}/bans/{alice.id}", 409, "cannot_ban_self")
    await carol.error("PUT", f"/spaces/{sid}/bans/{alice.id}", 403, "missing_permission")
    await alice.ok("DELETE", f"/spaces/{sid}/bans/{bob.id}", 204)
    await alice.error("DELETE", f"/spaces/{sid}/bans/{bob.id}", 404, "ban_not_found")
    await bob.ok("POST", f"/spaces/{sid}/join")


async def test_nicknames_and_members(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await make_space(alice)
    sid = space["id"]
    await bob.ok("POST", f"/spaces/{sid}/join")
    gw = await Gateway.connect(server, alice.token)
    me = await bob.ok("PATCH", f"/spaces/{sid}/members/{bob.id}", json={"nickname": "Bobby"})
    assert me["nickname"] == "Bobby"
    event = await gw.event("space.member.updated")
    assert event["data"]["changes"] == {"nickname": "Bobby"}
    await bob.error(
        "PATCH",
        f"/spaces/{sid}/members/{alice.id}",
        403,
        "missing_permission",
        json={"nickname": "boss"},
    )
    page = await bob.ok("GET", f"/spaces/{sid}/members")
    assert [m["user"]["id"] for m in page["members"]] == [alice.id, bob.id]
    assert page["has_more"] is False
    cleared = await bob.ok("PATCH", f"/spaces/{sid}/members/{bob.id}", json={"nickname": None})
    assert cleared["nickname"] is None
    assert (await gw.event("space.member.updated"))["data"]["cleared"] == ["nickname"]


async def test_delete_space(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await make_space(alice)
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    gw = await Gateway.connect(server, bob.token)
    await bob.error("DELETE", f"/spaces/{space['id']}", 403, "not_space_owner")
    await alice.ok("DELETE", f"/spaces/{space['id']}", 204)
    assert (await gw.event("space.deleted"))["data"] == {"space_id": space["id"]}
    await bob.error("GET", f"/spaces/{space['id']}", 404, "space_not_found")
    await bob.error("GET", f"/rooms/{space['system_room_id']}", 404, "room_not_found")


async def test_mentions_never_reach_outsiders(server: TestServer) -> None:
    alice, outsider = await Api.register(server), await Api.register(server)
    space = await make_space(alice)
    gw = await Gateway.connect(server, outsider.token)
    handle = outsider.user["handle"]
    await alice.send(space["system_room_id"], f"hey @{handle}, look")
    await gw.no_event(0.5)
    inbox = await outsider.ok("GET", "/notifications")
    assert inbox["notifications"] == []


async def test_owner_transfers_the_space(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    space = await make_space(alice)
    sid, room = space["id"], space["system_room_id"]
    await bob.ok("POST", f"/spaces/{sid}/join")
    gw = await Gateway.connect(server, bob.token)
    await bob.error("PATCH", f"/spaces/{sid}", 403, "missing_permission", json={"owner_id": bob.id})
    await alice.error("PATCH", f"/spaces/{sid}", 422, "invalid_owner", json={"owner_id": carol.id})
    moved = await alice.ok("PATCH", f"/spaces/{sid}", json={"owner_id": bob.id})
    assert moved["owner_id"] == bob.id
    assert (await gw.event("space.updated"))["data"]["changes"] == {"owner_id": bob.id}
    roles = [await gw.event("room.member.updated") for _ in range(2)]
    assert {e["data"]["user_id"]: e["data"]["changes"]["role"] for e in roles} == {
        alice.id: "member",
        bob.id: "owner",
    }
    assert {e["room_id"] for e in roles} == {room}
    # The new owner holds every right; the old one is a member who may now leave.
    await bob.ok("PATCH", f"/spaces/{sid}", json={"description": "mine now"})
    await alice.error("PATCH", f"/spaces/{sid}", 403, "missing_permission", json={"name": "x"})
    await alice.ok("POST", f"/spaces/{sid}/leave", 204)
    await bob.error("POST", f"/spaces/{sid}/leave", 409, "owner_cannot_leave")
