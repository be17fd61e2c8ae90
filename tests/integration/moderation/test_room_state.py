"""Room state over a real server (MD-08, MD-09, D.1, D.75): the freeze (room timeout)
started, refused to non-moderators, lifted, and ended by the ticker exactly once; slow
mode with 429 and Retry-After, moderators exempt; closed rooms; bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.server.clock import ManualClock
from hubbub.server.services import room_state
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[tuple[TestServer, ManualClock]]:
    clock = ManualClock()
    async with TestServer(database=await database_for(backend), clock=clock) as srv:
        yield srv, clock


async def _room_with(owner: Api, *members: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def test_a_timeout_freezes_the_room_until_it_ends_once(
    clocked: tuple[TestServer, ManualClock],
) -> None:
    server, clock = clocked
    owner, member = await Api.register(server), await Api.register(server)
    room = await _room_with(owner, member)
    rid = room["id"]
    path = f"/rooms/{rid}/timeout"
    await member.error("POST", path, 403, "not_moderator", json={"duration_s": 60})
    await owner.error("POST", path, 422, "invalid_duration", json={"duration_s": 0})
    await owner.error("POST", path, 422, "invalid_duration", json={"duration_s": 10**9})
    await owner.error("DELETE", path, 409, "not_timed_out")
    gw = await Gateway.connect(server, member.token)

    started = await owner.ok("POST", path, json={"duration_s": 60})
    assert started["room_id"] == rid and started["duration_s"] == 60
    ev = await gw.event("room.timeout.started")
    assert ev["data"] == {"room_id": rid, **{k: started[k] for k in started if k != "room_id"}}
    err = await member.error(
        "POST", f"/rooms/{rid}/messages", 403, "room_timed_out", json={"content": "hi"}
    )
    assert err["details"]["ends_at"] == started["ends_at"]
    await owner.send(rid, "only moderators talk")  # the owner is exempt
    assert (await owner.ok("GET", f"/rooms/{rid}"))["timeout_ends_at"] == started["ends_at"]

    # lifted early
    await owner.ok("DELETE", path, 204)
    ended = await gw.event("room.timeout.ended")
    assert ended["data"] == {"room_id": rid, "reason": "lifted"}
    await member.send(rid, "free again")

    # expired: however many tickers run, one `ended`
    await owner.ok("POST", path, json={"duration_s": 30})
    await gw.event("room.timeout.started")
    clock.advance(31)
    await member.send(rid, "already allowed once the clock passed it")
    await gw.event("message.created")
    await asyncio.gather(*(room_state.expire_due(server.core) for _ in range(3)))
    ended = await gw.event("room.timeout.ended")
    assert ended["data"] == {"room_id": rid, "reason": "expired"}
    assert await room_state.expire_due(server.core) == 0
    await member.send(rid, "a marker")
    frames = await gw.events_until(lambda f: f["type"] == "message.created", timeout=5)
    assert [f["type"] for f in frames].count("room.timeout.ended") == 0
    await gw.no_event()
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "room.timeout."})
    assert [e["reason"] for e in audit["entries"] if e["action"] == "room.timeout.ended"] == [
        "expired",
        "lifted",
    ]


async def test_slow_mode_and_closed_rooms() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        owner, member = await Api.register(server), await Api.register(server)
        room = await _room_with(owner, member)
        rid = room["id"]
        bad = {"throttle_seconds": 21601}
        await owner.error("PATCH", f"/rooms/{rid}", 422, "invalid_throttle", json=bad)
        bad = {"delay_message_seconds": 301}
        await owner.error("PATCH", f"/rooms/{rid}", 422, "invalid_delay", json=bad)
        assert (await owner.ok("PATCH", f"/rooms/{rid}", json={"throttle_seconds": 30}))[
            "throttle_seconds"
        ] == 30

        await member.send(rid, "first")
        clock.advance(10)
        resp = await member.http.post(f"/rooms/{rid}/messages", json={"content": "second"})
        assert resp.status_code == 429, resp.text
        error = resp.json()["error"]
        assert error["code"] == "slow_mode" and error["details"]["retry_after"] == 20
        assert resp.headers["Retry-After"] == "20"
        await owner.send(rid, "moderators are exempt")
        await owner.send(rid, "twice")
        clock.advance(20)
        await member.send(rid, "second, in time")

        # a closed room refuses non-moderators
        await owner.ok("PATCH", f"/rooms/{rid}", json={"is_open": False, "throttle_seconds": 0})
        body = {"content": "hello?"}
        await member.error("POST", f"/rooms/{rid}/messages", 403, "room_closed", json=body)
        await owner.send(rid, "we are closed")
