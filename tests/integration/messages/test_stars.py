"""Stars over a real server (RX-04, RX-05): the anonymous broadcast, `by_you` only in the
starrer's own copy, `starred_by_you` on reads, clearing, the starboard, bad input."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room

STARS = "message.stars.updated"


async def setup(server: TestServer) -> tuple[Api, Api, Api, dict[str, Any]]:
    users = [await Api.register(server) for _ in range(3)]
    room = await users[0].room()
    for api in users[1:]:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return users[0], users[1], users[2], room


async def test_anonymous_broadcast_with_by_you_for_the_starrer(server: TestServer) -> None:
    alice, bob, carol, room = await setup(server)
    msg = await alice.send(room["id"], "star me")
    mid = msg["id"]
    alice_gw = await Gateway.connect(server, alice.token)
    bob_gw = await Gateway.connect(server, bob.token)
    bob_gw2 = await Gateway.connect(server, bob.token)  # a second device
    cursor = bob_gw.ready["cursor"]

    starred = await bob.ok("PUT", f"/messages/{mid}/star")
    assert starred["stars"] == 1 and starred["starred_by_you"] is True
    room_copy = await alice_gw.event(STARS)
    assert room_copy["actor"] is None
    assert room_copy["data"] == {
        "room_id": room["id"],
        "message_id": mid,
        "stars": 1,
        "cleared": False,
    }
    for gw in (bob_gw, bob_gw2):  # exactly one copy per session: the one with by_you
        own = await gw.event(STARS)
        assert own["actor"] is None
        assert own["data"] == {**room_copy["data"], "by_you": True}
        await gw.no_event(0.2)
    await alice_gw.no_event(0.2)

    await bob.ok("PUT", f"/messages/{mid}/star")  # starring twice: nothing new
    await carol.ok("PUT", f"/messages/{mid}/star")
    assert (await alice_gw.event(STARS))["data"]["stars"] == 2
    bob_view = await bob_gw.event(STARS)
    assert bob_view["data"]["stars"] == 2 and "by_you" not in bob_view["data"]

    assert (await alice.ok("GET", f"/messages/{mid}"))["starred_by_you"] is False
    assert (await bob.ok("GET", f"/messages/{mid}"))["starred_by_you"] is True
    page = await carol.ok("GET", f"/rooms/{room['id']}/messages")
    assert page["messages"][0]["stars"] == 2 and page["messages"][0]["starred_by_you"] is True

    unstarred = await bob.ok("DELETE", f"/messages/{mid}/star")
    assert unstarred["stars"] == 1 and unstarred["starred_by_you"] is False
    own = await bob_gw.event(STARS)
    assert own["data"]["by_you"] is False and own["data"]["stars"] == 1

    # Long-poll and resume agree with live delivery: bob's copies, never the room's.
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    mine = [e["data"].get("by_you") for e in page["events"] if e["type"] == STARS]
    assert mine == [True, None, False]
    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    frames = await resumed.events_until(lambda f: f["data"].get("by_you") is False)
    assert [f["data"].get("by_you") for f in frames if f["type"] == STARS] == mine
    # Nothing anyone receives names the starrer.
    page = await alice.ok("GET", "/events", params={"cursor": cursor})
    for e in page["events"]:
        if e["type"] == STARS:
            assert e["actor"] is None
            assert set(e["data"]) == {"room_id", "message_id", "stars", "cleared"}


async def test_no_self_starring_members_only_and_deleted(server: TestServer) -> None:
    alice, bob, _carol, room = await setup(server)
    eve = await Api.register(server)
    msg = await alice.send(room["id"], "mine")
    await alice.error("PUT", f"/messages/{msg['id']}/star", 403, "cannot_star_own_message")
    await eve.error("PUT", f"/messages/{msg['id']}/star", 403, "not_a_member")
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["stars"] == 0
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    await bob.error("PUT", f"/messages/{msg['id']}/star", 409, "message_deleted")
    await bob.error("PUT", "/messages/999999/star", 404, "message_not_found")


async def test_clear_stars_by_owner_or_moderator(server: TestServer) -> None:
    alice, bob, carol, room = await setup(server)
    msg = await carol.send(room["id"], "popular")
    await bob.ok("PUT", f"/messages/{msg['id']}/star")
    await alice.ok("PUT", f"/messages/{msg['id']}/star")
    await bob.error("DELETE", f"/messages/{msg['id']}/stars", 403, "not_moderator")
    gw = await Gateway.connect(server, carol.token)
    after = await alice.ok("DELETE", f"/messages/{msg['id']}/stars")
    assert after["stars"] == 0 and after["starred_by_you"] is False
    event = await gw.event(STARS)
    assert event["actor"] is None
    assert event["data"] == {
        "room_id": room["id"],
        "message_id": msg["id"],
        "stars": 0,
        "cleared": True,
    }
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["starred_by_you"] is False
    await bob.ok("PUT", f"/messages/{msg['id']}/star")  # can star again after a clear
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["stars"] == 1


async def test_starboard(server: TestServer) -> None:
    alice, bob, carol, room = await setup(server)
    one = await alice.send(room["id"], "one star")
    two = await alice.send(room["id"], "two stars")
    also_one = await alice.send(room["id"], "one star, newer")
    gone = await alice.send(room["id"], "starred then deleted")
    await alice.send(room["id"], "no stars")
    for api, m in [(bob, one), (bob, two), (carol, two), (carol, also_one), (bob, gone)]:
        await api.ok("PUT", f"/messages/{m['id']}/star")
    await alice.ok("DELETE", f"/messages/{gone['id']}", 204)
    board = await bob.ok("GET", f"/rooms/{room['id']}/starboard")
    assert [m["id"] for m in board["messages"]] == [two["id"], also_one["id"], one["id"]]
    assert [m["stars"] for m in board["messages"]] == [2, 1, 1]
    assert [m["starred_by_you"] for m in board["messages"]] == [True, False, True]
    top = await bob.ok("GET", f"/rooms/{room['id']}/starboard", params={"limit": 1})
    assert [m["id"] for m in top["messages"]] == [two["id"]]
    await bob.error(
        "GET", f"/rooms/{room['id']}/starboard", 422, "validation_failed", params={"limit": 0}
    )
    secret = await private_room(server, alice)
    await bob.error("GET", f"/rooms/{secret['id']}/starboard", 404, "room_not_found")
