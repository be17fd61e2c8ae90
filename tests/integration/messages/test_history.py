"""History paging over a real server: before/after/around with their edges, the
has_more_before/after flags, fetching one message by id under visibility rules, and the
SDK's `room.messages(around=…)`."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.testing import TestServer
from tests.integration.wire import Api, private_room


async def _room_with(api: Api, n: int, **fields: Any) -> tuple[dict[str, Any], list[int]]:
    room = await api.room(**fields)
    ids = [(await api.send(room["id"], f"m{i}"))["id"] for i in range(1, n + 1)]
    return room, ids


async def _page(api: Api, room_id: int, **params: Any) -> tuple[list[int], dict[str, Any]]:
    body = await api.ok("GET", f"/rooms/{room_id}/messages", params=params)
    return [m["id"] for m in body["messages"]], body


def _flags(body: dict[str, Any]) -> tuple[bool, bool, bool]:
    return body["has_more"], body["has_more_before"], body["has_more_after"]


async def test_around_centres_the_page_and_gives_a_short_side_to_the_other(
    server: TestServer,
) -> None:
    alice = await Api.register(server)
    room, m = await _room_with(alice, 10)
    rid = room["id"]

    ids, body = await _page(alice, rid, around=m[4], limit=5)
    assert ids == m[2:7] and _flags(body) == (True, True, True)

    # Near the start, the older side is short: the newer side fills the page.
    ids, body = await _page(alice, rid, around=m[0], limit=5)
    assert ids == m[0:5] and _flags(body) == (True, False, True)
    ids, body = await _page(alice, rid, around=m[1], limit=4)
    assert ids == m[0:4] and _flags(body) == (True, False, True)

    # Near the end, the other way round.
    ids, body = await _page(alice, rid, around=m[9], limit=5)
    assert ids == m[5:10] and _flags(body) == (True, True, False)

    ids, body = await _page(alice, rid, around=m[4], limit=1)
    assert ids == [m[4]] and _flags(body) == (True, True, True)

    ids, body = await _page(alice, rid, around=m[4], limit=100)
    assert ids == m and _flags(body) == (False, False, False)

    # An id past the newest is a position, not an error: the newest page.
    ids, body = await _page(alice, rid, around=m[9] + 1000, limit=3)
    assert ids == m[7:10] and _flags(body) == (True, True, False)


async def test_around_includes_a_tombstone(server: TestServer) -> None:
    alice = await Api.register(server)
    room, m = await _room_with(alice, 5)
    await alice.ok("DELETE", f"/messages/{m[2]}", 204)
    body = await alice.ok("GET", f"/rooms/{room['id']}/messages", params={"around": m[2]})
    assert [x["id"] for x in body["messages"]] == m
    tomb = body["messages"][2]
    assert tomb["deleted"] is True and tomb["content"] == "" and tomb["content_text"] == ""


async def test_before_and_after_say_what_lies_on_each_side(server: TestServer) -> None:
    alice = await Api.register(server)
    room, m = await _room_with(alice, 10)
    rid = room["id"]

    ids, body = await _page(alice, rid, limit=3)  # the newest page
    assert ids == m[7:10] and _flags(body) == (True, True, False)
    ids, body = await _page(alice, rid, before=m[7], limit=3)
    assert ids == m[4:7] and _flags(body) == (True, True, True)
    ids, body = await _page(alice, rid, before=m[3], limit=3)
    assert ids == m[0:3] and _flags(body) == (False, False, True)
    ids, body = await _page(alice, rid, after=m[6], limit=3)
    assert ids == m[7:10] and _flags(body) == (False, True, False)
    ids, body = await _page(alice, rid, after=0, limit=3)
    assert ids == m[0:3] and _flags(body) == (True, False, True)

    # Walking forward then back visits every message once, in order.
    seen: list[int] = []
    after = 0
    while True:
        ids, body = await _page(alice, rid, after=after, limit=4)
        seen += ids
        if not body["has_more"]:
            break
        after = ids[-1]
    assert seen == m


async def test_bad_paging_is_a_typed_422(server: TestServer) -> None:
    alice = await Api.register(server)
    room, m = await _room_with(alice, 2)
    path = f"/rooms/{room['id']}/messages"
    await alice.error("GET", path, 422, "invalid_page", params={"around": m[0], "before": m[1]})
    await alice.error("GET", path, 422, "invalid_page", params={"around": m[0], "after": 0})
    await alice.error("GET", path, 422, "validation_failed", params={"around": -1})
    await alice.error("GET", path, 422, "validation_failed", params={"around": "x"})
    await alice.error("GET", path, 422, "validation_failed", params={"limit": 0})

    outsider = await Api.register(server)
    secret = await private_room(server, alice)
    await outsider.error(
        "GET", f"/rooms/{secret['id']}/messages", 404, "room_not_found", params={"around": 1}
    )


async def test_one_message_by_id_follows_visibility(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    public, (pub_msg,) = await _room_with(alice, 1)
    private = await private_room(server, alice)
    priv_msg = (await alice.send(private["id"], "m1"))["id"]

    # A public room's message is readable without joining (as its history is).
    assert (await bob.ok("GET", f"/messages/{pub_msg}"))["id"] == pub_msg
    # A private room's message does not exist for outsiders.
    await bob.error("GET", f"/messages/{priv_msg}", 404, "message_not_found")
    await bob.error("GET", "/messages/999999", 404, "message_not_found")

    # A tombstone is visible as a tombstone.
    await alice.ok("DELETE", f"/messages/{pub_msg}", 204)
    tomb = await bob.ok("GET", f"/messages/{pub_msg}")
    assert tomb["deleted"] is True and tomb["content"] == "" and tomb["content_html"] == ""
    assert public["id"] == tomb["room_id"] and private["id"] != tomb["room_id"]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sdk_pages_around_a_message(server: TestServer) -> None:
    alice = await Api.register(server)
    room, m = await _room_with(alice, 7)
    async with hubbub.Client(server.url, token=alice.token) as client:
        sdk_room = await client.fetch_room(room["id"])
        page = await sdk_room.messages(around=m[3], limit=3)
        assert [x.id for x in page] == m[2:5]
        newest_first = [x.id async for x in sdk_room.history(limit=4)]
        assert newest_first == m[:2:-1][:4]


async def test_a_moved_message_follows_its_new_room(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    source, (keep, moved) = await _room_with(alice, 2)
    dest = await private_room(server, alice)
    await alice.send(dest["id"], "already here")
    await bob.ok("POST", f"/rooms/{source['id']}/join")
    assert (await bob.ok("GET", f"/messages/{moved}"))["room_id"] == source["id"]

    await alice.ok(
        "POST",
        f"/rooms/{source['id']}/messages/move",
        json={"message_ids": [moved], "to_room_id": dest["id"]},
    )
    # Bob cannot read the private destination: the message is gone for him, everywhere.
    await bob.error("GET", f"/messages/{moved}", 404, "message_not_found")
    ids, _ = await _page(bob, source["id"], around=moved)
    assert ids == [keep]
    body = await bob.ok("GET", "/search", params={"q": "m2"})
    assert body["results"] == []
    # Alice finds it in its new room, by id, in context and by search.
    assert (await alice.ok("GET", f"/messages/{moved}"))["room_id"] == dest["id"]
    ids, _ = await _page(alice, dest["id"], around=moved)
    assert moved in ids
    found = await alice.ok("GET", "/search", params={"q": "m2", "room_id": dest["id"]})
    assert [r["message"]["id"] for r in found["results"]] == [moved]
