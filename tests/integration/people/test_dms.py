"""DMs over a real server (DM-01, RL-01): opening one is idempotent and delivers the room
to both participants live, on resume and over long-poll; blocks keep DMs shut and
mentions silent; a DM cannot be left, joined or renamed."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name, staff

# What these tests watch; presence and the like may interleave.
TYPES = {"relationship.updated", "room.created", "message.created"}


async def replay(gw: Gateway) -> list[dict[str, Any]]:
    """The replayed events of TYPES, up to the `resumed` frame."""
    out = []
    while True:
        frame = await gw.recv()
        if frame["op"] == "resumed":
            return out
        if frame["op"] == "event" and frame["type"] in TYPES:
            out.append(frame)


async def quiet(gw: Gateway, within: float = 0.3) -> None:
    """No event of TYPES arrives within `within` seconds (others are skipped)."""
    try:
        frame = await gw.event(timeout=within)
        while frame["type"] not in TYPES:
            frame = await gw.event(timeout=within)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected event {frame}")


async def test_open_is_idempotent_and_reaches_both_live(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    gw_a, gw_b = (
        await Gateway.connect(server, alice.token),
        await Gateway.connect(server, bob.token),
    )
    room = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    assert room["kind"] == "dm" and room["access_mode"] == "private"
    assert room["member_count"] == 2 and room["owner_id"] is None
    for gw in (gw_a, gw_b):
        created = await gw.event("room.created")
        assert created["room_id"] == room["id"] and created["data"]["reason"] == "dm_opened"
    again = await bob.ok("POST", f"/users/{alice.id}/dm", 200)
    assert again["id"] == room["id"]
    assert (await alice.ok("POST", f"/users/{bob.id}/dm", 200))["id"] == room["id"]

    await alice.send(room["id"], "hi bob")
    got = await gw_b.event("message.created")
    assert got["data"]["message"]["content"] == "hi bob"
    assert (await gw_a.event("message.created"))["data"]["message"]["content"] == "hi bob"
    await bob.send(room["id"], "hi alice")
    assert (await gw_a.event("message.created"))["data"]["message"]["content"] == "hi alice"
    members = await bob.ok("GET", f"/rooms/{room['id']}/members")
    assert sorted(m["user"]["id"] for m in members["members"]) == sorted([alice.id, bob.id])


async def test_dm_rules(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    room = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    rid = room["id"]
    await alice.error("POST", f"/rooms/{rid}/leave", 400, "cannot_leave_dm")
    await carol.error("POST", f"/rooms/{rid}/join", 404, "room_not_found")
    await carol.error("GET", f"/rooms/{rid}", 404, "room_not_found")
    await carol.error(
        "POST", f"/rooms/{rid}/messages", 404, "room_not_found", json={"content": "x"}
    )
    await bob.error("PATCH", f"/rooms/{rid}", 403, "not_room_owner", json={"name": "ours"})
    await alice.error("DELETE", f"/rooms/{rid}", 403, "not_room_owner")
    await alice.error("POST", "/rooms", 422, "invalid_kind", json={"name": "x", "kind": "dm"})
    # Staff can see a DM but not enter it by the room endpoints.
    boss = await staff(lite)
    await boss.error("POST", f"/rooms/{rid}/join", 403, "private_conversation")
    await boss.error(
        "PUT",
        f"/rooms/{rid}/access/{carol.id}",
        403,
        "private_conversation",
        json={"level": "read_write"},
    )
    # One's own DM is one's notes; bots may be DMed; system and unknown users may not.
    notes = await alice.ok("POST", f"/users/{alice.id}/dm", 201)
    assert notes["member_count"] == 1 and notes["kind"] == "dm"
    assert (await alice.ok("POST", f"/users/{alice.id}/dm", 200))["id"] == notes["id"]
    await alice.send(notes["id"], "remember the milk")
    body = await alice.ok("POST", "/bots", 201, json={"username": name("bot")})
    bot = Api(lite.url, body["token"], body["user"])
    bot_dm = await bot.ok("POST", f"/users/{alice.id}/dm", 201)
    await bot.send(bot_dm["id"], "beep")
    await alice.error("POST", "/users/-1/dm", 403, "system_user")
    await alice.error("POST", "/users/999999/dm", 404, "user_not_found")


async def test_blocks_shut_dms_and_silence_mentions(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    dm = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    await alice.ok("PUT", f"/users/{bob.id}/block")
    # Neither side opens a DM nor writes in the existing one.
    await bob.error("POST", f"/users/{alice.id}/dm", 403, "blocked")
    await alice.error("POST", f"/users/{bob.id}/dm", 403, "blocked")
    await bob.error("POST", f"/rooms/{dm['id']}/messages", 403, "blocked", json={"content": "hey"})
    await alice.error("POST", f"/rooms/{dm['id']}/messages", 403, "blocked", json={"content": "x"})

    # In a shared room bob's mentions and replies no longer notify alice; carol's do.
    room = await alice.room()
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    mine = await alice.send(room["id"], "hello all")
    handle = alice.user["handle"]
    await bob.send(room["id"], f"@{handle} hey")
    await bob.send(room["id"], "replying", reply_to=mine["id"])
    await carol.send(room["id"], f"@{handle} hello")
    inbox = (await alice.ok("GET", "/notifications"))["notifications"]
    assert [n["actor"]["id"] for n in inbox] == [carol.id]
    # Alice still notifies bob: only the blocker is shielded.
    await alice.send(room["id"], f"@{bob.user['handle']} fyi")
    assert len((await bob.ok("GET", "/notifications"))["notifications"]) == 1

    # Unblocked, the DM works again and is the same room.
    await alice.ok("DELETE", f"/users/{bob.id}/block")
    assert (await bob.ok("POST", f"/users/{alice.id}/dm", 200))["id"] == dm["id"]
    await bob.send(dm["id"], "thanks")


async def test_resume_and_long_poll_deliver_a_new_dm(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    gw = await Gateway.connect(lite, bob.token)
    cursor = gw.ready["cursor"]
    await gw.close()
    room = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    await alice.send(room["id"], "while you were away")

    gw2 = await Gateway.connect(lite, bob.token, cursor=cursor)
    frames = await replay(gw2)
    assert [f["type"] for f in frames] == ["room.created", "message.created"]
    assert frames[1]["data"]["message"]["content"] == "while you were away"
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    assert [e["seq"] for e in page["events"] if e["type"] in TYPES] == [f["seq"] for f in frames]
    # The DM is in bob's ready and room list on a fresh connection.
    fresh = await Gateway.connect(lite, bob.token)
    assert room["id"] in [r["id"] for r in fresh.ready["rooms"]]


async def test_dms_and_groups_name_their_recipients_everywhere(server: TestServer) -> None:
    # A DM has no name: every form of it a client sees lists the two people, so the
    # client titles it after the other one without another request.
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    gw_b = await Gateway.connect(server, bob.token)
    room = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    ids = [alice.id, bob.id]
    assert [r["id"] for r in room["recipients"]] == ids
    assert set(room["recipients"][0]) == {"id", "handle", "display_name", "avatar_url"}
    created = await gw_b.event("room.created")
    assert [r["id"] for r in created["data"]["room"]["recipients"]] == ids
    fetched = await bob.ok("GET", f"/rooms/{room['id']}")
    assert [r["id"] for r in fetched["recipients"]] == ids
    group = await alice.ok("POST", "/groups", 201, json={"user_ids": [bob.id, carol.id]})
    assert [r["id"] for r in group["recipients"]] == [alice.id, bob.id, carol.id]
    ready = (await Gateway.connect(server, bob.token)).ready
    by_id = {r["id"]: r for r in ready["rooms"]}
    assert [r["id"] for r in by_id[room["id"]]["recipients"]] == ids
    assert len(by_id[group["id"]]["recipients"]) == 3
    # Rooms that are not conversations carry no such list.
    public = await alice.ok("POST", "/rooms", 201, json={"name": name("plain")})
    assert public.get("recipients") is None
