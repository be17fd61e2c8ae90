"""`room.subscribed` (#39) over a real server: the gateway's `subscribe` op answered on the
issuing connection alone, joining a public room through the usual join (its
`room.member.joined` logged), refusals as error frames carrying the request's `id` on a
connection that stays up, and the SDK's `room.subscribe()` / `client.subscribe()`."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.protocol.events import parse_event
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room


async def _public_room_with_messages(owner: Api, n: int) -> tuple[int, list[dict[str, Any]]]:
    rid = int((await owner.room())["id"])
    sent = [await owner.send(rid, f"message {i}") for i in range(n)]
    return rid, sent


async def test_subscribe_joins_and_answers_only_this_connection(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    rid, sent = await _public_room_with_messages(alice, 3)
    watcher = await Gateway.connect(lite, alice.token)
    gw = await Gateway.connect(lite, bob.token)
    other = await Gateway.connect(lite, bob.token)

    await gw.send({"op": "subscribe", "room_id": rid, "limit": 2, "id": "s-1"})
    frames = await gw.events_until(lambda f: f["type"] == "room.subscribed")
    subscribed = frames[-1]
    assert subscribed["seq"] is None and subscribed["room_id"] == rid
    data = subscribed["data"]
    assert data["id"] == "s-1" and data["joined"] is True
    assert data["room"]["id"] == rid and data["member"]["user"]["id"] == bob.id
    # The newest page, oldest first; the page before it starts before its first message.
    assert [m["id"] for m in data["events"]] == [m["id"] for m in sent[1:]]
    assert data["has_more"] is True and data["previous_cursor"] == str(sent[1]["id"])
    assert data["cursor"].isdigit()

    # The join is the ordinary one: logged, to the room (bob's other connection too).
    joined = await watcher.event("room.member.joined")
    assert joined["seq"] is not None and joined["data"]["user_id"] == bob.id
    audit = await watcher.event("audit.entry.created")  # the owner's copy of the join
    assert audit["data"]["entry"]["action"] == "room.member.joined"
    assert (await other.event("room.member.joined"))["seq"] == joined["seq"]
    await other.no_event()  # the answer went to the subscribing connection alone

    event = parse_event(subscribed)
    assert isinstance(event, hubbub.RoomSubscribed)
    assert (event.room.id, event.request_id, event.joined, event.ephemeral) == (
        rid,
        "s-1",
        True,
        True,
    )
    assert event.member is not None and event.member.user.id == bob.id
    assert [m.content for m in event.messages] == ["message 1", "message 2"]

    # Subscribing again joins nothing: no new member event anywhere.
    await gw.send({"op": "subscribe", "room_id": rid, "id": 2})
    again = (await gw.event("room.subscribed"))["data"]
    assert (again["id"], again["joined"], again["has_more"]) == (2, False, False)
    assert again["previous_cursor"] is None and len(again["events"]) == 3
    await watcher.no_event()
    members = await alice.ok("GET", f"/rooms/{rid}/members")
    assert sorted(m["user"]["id"] for m in members["members"]) == sorted([alice.id, bob.id])


async def test_refusals_are_error_frames_and_the_connection_stays(lite: TestServer) -> None:
    owner, bob = await Api.register(lite), await Api.register(lite)
    hidden = int((await private_room(lite, owner))["id"])
    closed = int((await owner.room(allow_entry=False))["id"])
    banned = int((await owner.room())["id"])
    await bob.ok("POST", f"/rooms/{banned}/join")
    await owner.ok("PUT", f"/rooms/{banned}/bans/{bob.id}", json={"kind": "ban"})
    gw = await Gateway.connect(lite, bob.token)

    cases: list[tuple[dict[str, Any], str, int]] = [
        ({"room_id": 999_999}, "room_not_found", 404),
        ({"room_id": hidden}, "room_not_found", 404),
        ({"room_id": closed}, "entry_closed", 403),
        ({"room_id": banned}, "banned_from_room", 403),
        ({"room_id": "x"}, "invalid_room_id", 400),
        ({"room_id": closed, "limit": 0}, "invalid_limit", 422),
        ({"room_id": closed, "limit": "all"}, "invalid_limit", 400),
        ({"room_id": closed, "id": ["no"]}, "invalid_id", 400),
    ]
    for i, (fields, code, status) in enumerate(cases):
        await gw.send({"op": "subscribe", "id": i, **fields})
        err = await gw.recv()
        expected_id = None if code == "invalid_id" else i
        assert (err["op"], err["code"], err["status"], err["id"]) == (
            "error",
            code,
            status,
            expected_id,
        ), err
        assert isinstance(err["message"], str) and err["message"]
    await gw.send({"op": "ping"})
    assert (await gw.recv())["op"] == "pong"
    # Nothing half-written: bob joined none of them.
    for rid in (closed, banned):
        members = await owner.ok("GET", f"/rooms/{rid}/members")
        assert bob.id not in [m["user"]["id"] for m in members["members"]]

    # An anonymous reader may not join anything: refused, connection kept.
    anon = await Gateway.connect(lite, None)
    await anon.send({"op": "subscribe", "room_id": closed})
    assert (await anon.recv())["code"] == "token_missing"
    await anon.send({"op": "ping"})
    assert (await anon.recv())["op"] == "pong"


async def test_sdk_room_subscribe(lite: TestServer) -> None:
    owner = await lite.user()
    bob = await lite.user()
    room_json = await lite.room(owner)
    rid = int(room_json["id"])
    for i in range(3):
        await owner.request("POST", f"/rooms/{rid}/messages", json={"content": f"m{i}"})
    async with bob.client() as client:
        seen: list[hubbub.RoomSubscribed] = []

        @client.on(hubbub.RoomSubscribed)
        async def on_subscribed(event: hubbub.RoomSubscribed) -> None:
            seen.append(event)

        room = await client.fetch_room(rid)
        event = await room.subscribe(limit=2)
        assert isinstance(event, hubbub.RoomSubscribed)
        assert seen == [event]  # dispatched to handlers before it was returned
        assert event.joined and event.room_id == rid and event.has_more
        assert [m.content for m in event.messages] == ["m1", "m2"]
        # The cache holds the page and the room.
        for m in event.messages:
            cached = client.get_message(m.id)
            assert cached is not None and cached.content == m.content
        assert client.get_room(rid) is room

        again = await client.subscribe(rid)
        assert not again.joined and len(again.messages) == 3

        # Live events follow for the joined room.
        waiter = client.wait_for(hubbub.MessageCreated, timeout=5)
        await owner.request("POST", f"/rooms/{rid}/messages", json={"content": "live"})
        assert (await waiter).message.content == "live"

        with pytest.raises(hubbub.NotFound) as missing:
            await client.subscribe(999_999)
        assert missing.value.code == "room_not_found"
        closed = await lite.room(owner, allow_entry=False)
        with pytest.raises(hubbub.Forbidden) as refused:
            await client.subscribe(int(closed["id"]))
        assert refused.value.code == "entry_closed"
        assert client.is_ready  # the connection stayed up


async def test_sdk_subscribe_needs_the_gateway(lite: TestServer) -> None:
    bob = await lite.user()
    client = bob.client()
    with pytest.raises(hubbub.ServiceUnavailable) as err:
        await client.subscribe(1)
    assert err.value.code == "gateway_not_ready"


async def test_subscribing_to_a_space_room_joins_nothing(lite: TestServer) -> None:
    # Whoever may view a space's room is its member already (materialised): subscribing
    # answers with the state and logs no join; a non-member of the space cannot see it.
    owner, bob, outsider = [await Api.register(lite) for _ in range(3)]
    space = await owner.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    rid = int(space["system_room_id"])
    await owner.send(rid, "welcome")
    gw = await Gateway.connect(lite, bob.token)
    await gw.send({"op": "subscribe", "room_id": rid, "id": "sp"})
    data = (await gw.event("room.subscribed"))["data"]
    assert (data["joined"], data["room"]["space_id"]) == (False, space["id"])
    assert data["member"]["user"]["id"] == bob.id
    assert [m["content"] for m in data["events"]] == ["welcome"]
    await gw.no_event()
    stranger = await Gateway.connect(lite, outsider.token)
    await stranger.send({"op": "subscribe", "room_id": rid, "id": "no"})
    err = await stranger.recv()
    assert (err["code"], err["id"]) == ("room_not_found", "no")
