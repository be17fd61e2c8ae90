"""Global presence over a real gateway (PR-02; EVENTS.md #19): connect and disconnect,
the offline grace on the injected clock, invisible and busy, batch reads, bad input."""

from __future__ import annotations

import asyncio

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.server.services.presence import PresenceTracker
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway


async def _until_offline(tracker: PresenceTracker, user_id: int) -> None:
    """Wait for the server to have counted a closed connection (no clock involved)."""
    for _ in range(500):
        if not await tracker.live([user_id]):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"user {user_id} still counted as connected")


async def _pair(server: TestServer) -> tuple[Api, Api, dict[str, object]]:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    return alice, bob, room


async def test_connect_then_offline_after_the_grace(backend: str) -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, database=await database_for(backend)) as server:
        tracker: PresenceTracker = server.core.extras["presence"]
        alice, bob, _room = await _pair(server)
        a_gw = await Gateway.connect(server, alice.token, presence=True)
        connected_at = clock.now_ms()
        b_gw = await Gateway.connect(server, bob.token, presence=True)
        seen = await a_gw.event("presence.updated")
        assert seen["data"] == {
            "user_id": bob.id,
            "status": "online",
            "last_seen_at": iso_ms(connected_at),
        }
        assert seen["actor"]["id"] == bob.id and seen["seq"] is not None  # logged
        # Logged before the handshake read the log: a connection's own `ready` is past it.
        await b_gw.no_event(0.2)
        assert await alice.ok("GET", f"/users/{bob.id}/presence") == {
            "user_id": bob.id,
            "status": "online",
            "last_seen_at": iso_ms(connected_at),
            "status_text": None,
        }

        clock.advance(5)
        await b_gw.close()
        await _until_offline(tracker, bob.id)
        left_at = clock.now_ms()
        clock.advance(9)
        assert await tracker.tick() == 0  # within the grace: still shown online
        await a_gw.no_event(0.2)
        assert (await alice.ok("GET", f"/users/{bob.id}/presence"))["status"] == "online"
        clock.advance(1.5)
        await tracker.tick()
        gone = await a_gw.event("presence.updated")
        assert gone["data"] == {
            "user_id": bob.id,
            "status": "offline",
            "last_seen_at": iso_ms(left_at),
        }
        assert await alice.ok("GET", f"/users/{bob.id}/presence") == {
            **gone["data"],
            "status_text": None,
        }
        # Logged once: the long-poll feed holds one online and one offline for bob.
        page = await alice.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
        bobs = [
            e["data"]["status"]
            for e in page["events"]
            if e["type"] == "presence.updated" and e["data"]["user_id"] == bob.id
        ]
        assert bobs == ["online", "offline"]


async def test_a_quick_reconnect_logs_nothing(lite: TestServer) -> None:
    # A real clock: the grace (10 s) cannot pass within this test.
    server = lite
    tracker: PresenceTracker = server.core.extras["presence"]
    alice, bob, _room = await _pair(server)
    a_gw = await Gateway.connect(server, alice.token, presence=True)
    b_gw = await Gateway.connect(server, bob.token, presence=True)
    assert (await a_gw.event("presence.updated"))["data"]["status"] == "online"
    await b_gw.close()
    await _until_offline(tracker, bob.id)
    again = await Gateway.connect(server, bob.token, presence=True)
    await tracker.tick()
    await a_gw.no_event(0.3)
    # Two connections: closing one leaves the user online.
    second = await Gateway.connect(server, bob.token, presence=True)
    await second.close()
    await a_gw.no_event(0.3)
    assert (await alice.ok("GET", f"/users/{bob.id}/presence"))["status"] == "online"
    await again.close()


async def test_invisible_busy_and_the_users_own_view() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        alice, bob, room = await _pair(server)
        a_gw = await Gateway.connect(server, alice.token, presence=True)
        b_gw = await Gateway.connect(server, bob.token, presence=True)
        await a_gw.event("presence.updated")

        clock.advance(60)
        mine = await bob.ok("PUT", "/users/me/presence", json={"status": "invisible"})
        assert mine == {
            "user_id": bob.id,
            "status": "invisible",
            "chosen": "invisible",
            "last_seen_at": iso_ms(clock.now_ms()),
            "status_text": None,
        }
        hidden = await a_gw.event("presence.updated")
        assert hidden["data"] == {
            "user_id": bob.id,
            "status": "offline",
            "last_seen_at": iso_ms(clock.now_ms()),
        }
        frames = [await b_gw.event("presence.updated") for _ in range(2)]
        own = next(f for f in frames if f["data"].get("own"))
        assert own["data"]["status"] == "invisible"  # the user's own sessions see it
        assert (await alice.ok("GET", f"/users/{bob.id}/presence"))["status"] == "offline"
        assert (await bob.ok("GET", "/users/me/presence"))["status"] == "invisible"
        here = await alice.ok("GET", f"/rooms/{room['id']}/presence")
        assert [u["id"] for u in here["current_users"]] == [alice.id]
        here = await bob.ok("GET", f"/rooms/{room['id']}/presence")
        assert sorted(u["id"] for u in here["current_users"]) == sorted([alice.id, bob.id])

        # An invisible user's comings and goings stay hidden.
        await b_gw.close()
        again = await Gateway.connect(server, bob.token, presence=True)
        await a_gw.no_event(0.3)

        await bob.ok("PUT", "/users/me/presence", json={"status": "busy"})
        busy = await a_gw.event("presence.updated")
        assert busy["data"]["status"] == "busy"
        await bob.ok("PUT", "/users/me/presence", json={"status": "busy"})  # no change
        await a_gw.no_event(0.2)
        await again.close()


async def test_batch_reads_and_bad_input(lite: TestServer) -> None:
    server = lite
    alice, bob, _room = await _pair(server)
    gw = await Gateway.connect(server, bob.token, presence=True)
    found = await alice.ok("GET", "/presence", params={"user_ids": f"{bob.id},{alice.id},999999"})
    assert [(p["user_id"], p["status"]) for p in found["presence"]] == [
        (bob.id, "online"),
        (alice.id, "offline"),
    ]
    assert "chosen" in found["presence"][1]  # alice's own view
    assert "chosen" not in found["presence"][0]
    ids = ",".join(str(i) for i in range(1, 102))
    await alice.error("GET", "/presence", 400, "too_many_user_ids", params={"user_ids": ids})
    await alice.error("GET", "/presence", 400, "invalid_user_ids", params={"user_ids": "1,x"})
    await alice.error("GET", "/presence", 400, "invalid_user_ids", params={"user_ids": ","})
    await alice.error("GET", "/users/999999/presence", 404, "user_not_found")
    for bad in ("offline", "away", "", 3, None, ["busy"]):
        await alice.error(
            "PUT", "/users/me/presence", 400, "invalid_presence_status", json={"status": bad}
        )
    mine = await alice.ok("GET", "/users/me/presence")
    assert mine["chosen"] == "online"  # nothing was written
    await gw.no_event(0.2)


async def test_presence_reads_carry_the_status_text(lite: TestServer) -> None:
    # A presence list (the web client's) shows each member's custom status from one batch
    # read, without a profile read per user.
    alice, bob, _room = await _pair(lite)
    await bob.ok("PATCH", "/users/me", json={"status_text": "on a train"})
    found = await alice.ok("GET", "/presence", params={"user_ids": f"{bob.id},{alice.id}"})
    assert [(p["user_id"], p["status_text"]) for p in found["presence"]] == [
        (bob.id, "on a train"),
        (alice.id, None),
    ]
    assert (await alice.ok("GET", f"/users/{bob.id}/presence"))["status_text"] == "on a train"
    await bob.ok("PATCH", "/users/me", json={"status_text": None})
    assert (await bob.ok("GET", "/users/me/presence"))["status_text"] is None
