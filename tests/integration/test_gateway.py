"""The gateway over a real socket: hello/ready, live and missed events, typing, errors."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest
import websockets

from hubbub.client.http import default_tls
from hubbub.server.clock import ManualClock
from hubbub.server.services import retention
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room

ENVELOPE = {"op", "seq", "type", "ts", "at", "space_id", "room_id", "actor", "data"}


async def test_ready_then_live_events_with_the_envelope(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    gw = await Gateway.connect(server, alice.token)
    assert gw.ready["user"]["id"] == alice.id
    assert [r["id"] for r in gw.ready["rooms"]] == [room["id"]]
    assert gw.ready["cursor"].isdigit() and gw.ready["resumed"] is False
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    joined = await gw.event("room.member.joined")
    assert set(joined) == ENVELOPE
    assert joined["data"]["user_id"] == bob.id and joined["data"]["via"] == "self"
    msg = await bob.send(room["id"], "hi **all**")
    created = await gw.event("message.created")
    assert created["data"]["message"] == msg
    assert created["actor"] == {
        "id": bob.id,
        "handle": bob.user["handle"],
        "display_name": bob.user["display_name"],
        "avatar_url": None,
    }
    assert created["at"].endswith("Z") and isinstance(created["ts"], int)
    assert created["seq"] > joined["seq"]
    await bob.ok("PATCH", f"/messages/{msg['id']}", json={"content": "edited"})
    updated = await gw.event("message.updated")
    assert updated["data"]["changes"]["content"] == "edited"
    assert updated["data"]["edit_count"] == 1 and updated["data"]["cleared"] == []
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    deleted = await gw.event("message.deleted")
    assert deleted["data"] == {
        "room_id": room["id"],
        "message_id": msg["id"],
        "actor_id": alice.id,
        "by_moderator": True,
    }
    await bob.ok("POST", f"/rooms/{room['id']}/leave", 204)
    left = await gw.event("room.member.left")
    assert left["data"]["user_id"] == bob.id and left["data"]["reason"] == "left"
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"name": "renamed"})
    assert (await gw.event("room.updated"))["data"]["changes"] == {"name": "renamed"}
    await alice.ok("DELETE", f"/rooms/{room['id']}", 204)
    assert (await gw.event("room.deleted"))["data"]["reason"] == "deleted"


async def test_events_respect_the_audience(server: TestServer) -> None:
    alice = await Api.register(server)
    bob = await Api.register(server)
    eve = await Api.register(server)
    secret = await private_room(server, alice)
    public = await alice.room()
    eve_gw = await Gateway.connect(server, eve.token)
    await alice.send(secret["id"], "for members only")
    await alice.send(public["id"], "eve is not in here either")
    await alice.ok("PATCH", f"/rooms/{secret['id']}", json={"topic": "shh"})
    # Public directory changes reach everyone; the private room's never do.
    await alice.ok("PATCH", f"/rooms/{public['id']}", json={"topic": "all welcome"})
    frame = await eve_gw.event()
    assert frame["type"] == "room.updated" and frame["room_id"] == public["id"]
    await eve_gw.no_event()
    bob_gw = await Gateway.connect(server, bob.token)
    await bob.ok("POST", f"/rooms/{public['id']}/join")
    await alice.send(public["id"], "welcome bob")
    types = [(await bob_gw.event())["type"] for _ in range(2)]
    assert types == ["room.member.joined", "message.created"]


async def test_resume_from_cursor_gets_every_missed_event_exactly_once(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    gw = await Gateway.connect(server, bob.token)
    first = await alice.send(room["id"], "one")
    seen = await gw.event("message.created")
    cursor = str(seen["seq"])
    await gw.close()
    missed = [await alice.send(room["id"], f"missed {i}") for i in range(5)]
    gw2 = await Gateway.connect(server, bob.token, cursor=cursor)
    assert gw2.ready["cursor"] == cursor and gw2.ready["resumed"] is True
    replay = [await gw2.recv() for _ in range(5)]
    assert [f["op"] for f in replay] == ["event"] * 5
    assert await gw2.recv() == {"op": "resumed", "cursor": str(replay[-1]["seq"]), "replayed": 5}
    assert [f["data"]["message"]["id"] for f in replay] == [m["id"] for m in missed]
    live = await alice.send(room["id"], "live")
    assert (await gw2.event())["data"]["message"]["id"] == live["id"]
    await gw2.no_event()
    assert first["id"] not in [f["data"]["message"]["id"] for f in replay]


async def test_resume_replays_membership_as_it_was(server: TestServer) -> None:
    """A user who left sees events up to their leave; one who joined sees from their join."""
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    gw = await Gateway.connect(server, bob.token)
    cursor = gw.ready["cursor"]
    await gw.close()
    await alice.send(room["id"], "before bob")
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    await alice.send(room["id"], "while bob is in")
    await bob.ok("POST", f"/rooms/{room['id']}/leave", 204)
    await alice.send(room["id"], "after bob left")
    gw2 = await Gateway.connect(server, bob.token, cursor=cursor)
    frames = [await gw2.event() for _ in range(3)]
    assert [f["type"] for f in frames] == [
        "room.member.joined",
        "message.created",
        "room.member.left",
    ]
    assert frames[1]["data"]["message"]["content"] == "while bob is in"
    done = await gw2.recv()
    assert done["op"] == "resumed" and done["replayed"] == 3
    assert int(done["cursor"]) > frames[-1]["seq"]  # past the message bob could not see
    await gw2.no_event()
    # Long-poll sees exactly the same.
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    assert [e["seq"] for e in page["events"]] == [f["seq"] for f in frames]
    assert all(set(e) == ENVELOPE - {"op"} for e in page["events"])


async def test_events_committed_during_the_handshake_are_not_lost(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    server.core.rate_limiter.enabled = False
    gw = await Gateway.connect(server, bob.token)
    cursor = gw.ready["cursor"]
    await gw.close()
    sender = asyncio.gather(*(alice.send(room["id"], f"m{i}", nonce=f"x{i}") for i in range(60)))
    await asyncio.sleep(0.01)
    gw2 = await Gateway.connect(server, bob.token, cursor=cursor)
    sent = await sender
    got = [await gw2.event("message.created") for _ in range(60)]
    assert sorted(f["data"]["message"]["id"] for f in got) == sorted(m["id"] for m in sent)
    seqs = [f["seq"] for f in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == 60
    # The end of the replay (`resumed`) comes after whichever events it carried: all 60
    # when they committed before the handshake read the log. Nothing else may follow.
    try:
        frame = await gw2.recv(0.3)
    except TimeoutError:
        return
    assert frame["op"] == "resumed", frame
    await gw2.no_event()


async def test_long_poll_waits_for_the_next_event(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    head = (await alice.ok("GET", "/events"))["cursor"]
    poll = asyncio.create_task(alice.ok("GET", "/events", params={"cursor": head, "wait": 10}))
    await asyncio.sleep(0.2)
    assert not poll.done()
    msg = await alice.send(room["id"], "wake up")
    page = await asyncio.wait_for(poll, 5)
    assert [e["data"]["message"]["id"] for e in page["events"]] == [msg["id"]]
    assert page["cursor"] == str(page["events"][-1]["seq"]) and page["more"] is False
    empty = await alice.ok("GET", "/events", params={"cursor": page["cursor"], "wait": 0.2})
    assert empty["events"] == [] and empty["cursor"] == page["cursor"]


async def test_long_poll_pages_with_more(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    server.core.rate_limiter.enabled = False
    start = (await alice.ok("GET", "/events"))["cursor"]
    for i in range(7):
        await alice.send(room["id"], f"m{i}")
    seen, cursor, more = [], start, True
    while more:
        page = await alice.ok("GET", "/events", params={"cursor": cursor, "limit": 3})
        seen += [e["data"]["message"]["content"] for e in page["events"]]
        cursor, more = page["cursor"], page["more"]
    assert seen == [f"m{i}" for i in range(7)]


async def test_ping_pong_and_unknown_op(server: TestServer) -> None:
    alice = await Api.register(server)
    gw = await Gateway.connect(server, alice.token)
    await gw.send({"op": "ping"})
    assert await gw.recv() == {"op": "pong"}
    await gw.send({"op": "fly"})
    err = await gw.recv()
    assert err["op"] == "error" and err["code"] == "unknown_op"
    await gw.send({"op": "typing", "room_id": "x"})
    assert (await gw.recv())["code"] == "invalid_room_id"
    await gw.send({"op": "typing", "room_id": 999999})
    assert (await gw.recv())["code"] == "room_not_found"
    await gw.send({"op": "ping"})
    assert await gw.recv() == {"op": "pong"}  # still open after refused commands


@pytest.mark.parametrize(
    ("hello", "close_code", "error_code"),
    [
        ("not json", 4400, "malformed_frame"),
        ("[1, 2]", 4400, "malformed_frame"),
        ('{"op": "ping"}', 4400, "hello_expected"),
        ('{"op": "hello", "token": "hbb_nope"}', 4001, "token_invalid"),
        ('{"op": "hello", "token": ""}', 4001, "token_missing"),
        ('{"op": "hello", "token": "T", "cursor": "abc"}', 4400, "invalid_cursor"),
        ('{"op": "hello", "token": "T", "cursor": "999999999"}', 4009, "cursor_ahead"),
        ('{"op": "hello", "token": "T", "cursor": [1]}', 4400, "invalid_cursor"),
    ],
)
async def test_bad_hello_gets_an_error_frame_and_a_close_code(
    server: TestServer, hello: str, close_code: int, error_code: str
) -> None:
    alice = await Api.register(server)
    async with websockets.connect(server.ws_url) as ws:
        await ws.send(hello.replace('"T"', f'"{alice.token}"'))
        frame = orjson.loads(await ws.recv())
        assert frame["op"] == "error" and frame["code"] == error_code
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == close_code


async def test_malformed_frame_after_hello_closes_4400(server: TestServer) -> None:
    alice = await Api.register(server)
    gw = await Gateway.connect(server, alice.token)
    await gw.ws.send("{nope")
    frame = await gw.recv()
    assert frame["code"] == "malformed_frame"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await gw.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


async def test_oversized_frame_closes_1009(server: TestServer) -> None:
    alice = await Api.register(server)
    gw = await Gateway.connect(server, alice.token)
    await gw.send({"op": "ping", "pad": "x" * (server.settings.max_frame_bytes + 1)})
    frame = await gw.recv()
    assert frame["code"] == "frame_too_large"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await gw.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_expired_cursor_closes_4009() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, retention_days=1) as server:
        alice = await Api.register(server)
        room = await alice.room()
        gw = await Gateway.connect(server, alice.token, cursor="0")
        await gw.close()
        clock.advance(2 * 86400)
        await alice.send(room["id"], "after the prune horizon")
        assert await retention.prune(server.core) >= 2
        async with websockets.connect(server.ws_url) as ws:
            await ws.send(
                orjson.dumps({"op": "hello", "token": alice.token, "cursor": "1"}).decode()
            )
            frame = orjson.loads(await ws.recv())
            assert frame["code"] == "cursor_expired"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009
        await alice.error("GET", "/events", 410, "cursor_expired", params={"cursor": "1"})


async def test_idle_connections_are_closed() -> None:
    async with TestServer(idle_timeout_s=0.3) as server:
        alice = await Api.register(server)
        gw = await Gateway.connect(server, alice.token)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await gw.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4010
        assert closed.value.rcvd.reason.startswith("no frame for")  # says why


async def test_typing_started_stopped_on_expiry_and_on_send() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        room = await alice.room()
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        a_gw = await Gateway.connect(server, alice.token)
        b_gw = await Gateway.connect(server, bob.token)
        await b_gw.send({"op": "typing", "room_id": room["id"]})
        started = await a_gw.event("typing.started")
        assert started["seq"] is None and started["data"]["user_id"] == bob.id
        assert started["data"]["expires_at"].endswith("Z")
        await b_gw.no_event()  # the typist does not hear themselves
        typing = server.core.extras["typing"]
        clock.advance(9)
        assert typing.expire_due() == 0
        clock.advance(1.5)
        assert typing.expire_due() == 1
        stopped = await a_gw.event("typing.stopped")
        assert stopped["data"] == {"room_id": room["id"], "user_id": bob.id}
        await b_gw.send({"op": "typing", "room_id": room["id"]})
        await a_gw.event("typing.started")
        await bob.send(room["id"], "done typing")
        frames = [await a_gw.event() for _ in range(2)]
        assert {f["type"] for f in frames} == {"message.created", "typing.stopped"}
        # Ephemeral events are never in the log.
        page = await alice.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
        assert not any(e["type"].startswith("typing.") for e in page["events"])


async def test_a_connection_per_device_each_gets_everything(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    phone = await Gateway.connect(server, alice.token)
    laptop = await Gateway.connect(server, alice.token)
    msg = await alice.send(room["id"], "to all my devices")
    for gw in (phone, laptop):
        assert (await gw.event("message.created"))["data"]["message"]["id"] == msg["id"]


async def test_logout_closes_that_sessions_connections_only(server: TestServer) -> None:
    alice = await Api.register(server)
    await alice.ok("GET", "/users/me")  # the token is now cached on this node
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        resp = await http.post(
            "/auth/login",
            json={"username": alice.user["handle"], "password": "correct horse battery"},
        )
        other_token = resp.json()["token"]
    doomed = await Gateway.connect(server, alice.token)
    survivor = await Gateway.connect(server, other_token)
    await alice.ok("POST", "/auth/logout", 204)
    frame = await doomed.event("session.logged_out")
    assert frame["data"]["reason"] == "logout" and frame["seq"] is None
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await doomed.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    assert closed.value.rcvd.reason == "session logout"
    await alice.error("GET", "/users/me", 401, "token_invalid")
    # The user's other sessions are told (ID-04), and stay connected.
    deleted = await survivor.event("session.deleted")
    assert deleted["data"] == {"session_id": int(doomed.ready["session_id"])}
    await survivor.send({"op": "ping"})
    assert await survivor.recv() == {"op": "pong"}
