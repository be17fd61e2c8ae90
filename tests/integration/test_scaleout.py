"""Scale-out: several nodes on one PostgreSQL database and one Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from hubbub.testing import TestServer
from tests.conftest import new_postgres_database, redis_url, unique_prefix
from tests.integration.procs import ServeProcess
from tests.integration.wire import Api, Gateway

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def _shared() -> tuple[str, str]:
    database = await new_postgres_database()
    bus = f"{await redis_url()}?channel_prefix={unique_prefix()}"
    return database, bus


@pytest.mark.slow
async def test_two_serve_processes_deliver_everything_in_order() -> None:
    database, bus = await _shared()
    a = ServeProcess(database, bus, "--no-rate-limits")
    b = ServeProcess(database, bus, "--no-rate-limits")
    await a.start()
    await b.start()
    try:
        alice = await Api.register(a.url)
        room = await alice.room()
        bobs = [await Api.register(b.url) for _ in range(4)]
        for bob in bobs:
            await bob.ok("POST", f"/rooms/{room['id']}/join")
        gw = await Gateway.connect(a.ws_url, alice.token)
        sent = await asyncio.gather(
            *(bob.send(room["id"], f"{bob.id}:{i}") for bob in bobs for i in range(50))
        )
        frames = [await gw.event("message.created") for _ in range(len(sent))]
        seqs = [f["seq"] for f in frames]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(sent)
        assert {f["data"]["message"]["id"] for f in frames} == {m["id"] for m in sent}
        # Without gaps: the node delivered every logged event after the joins.
        page = await alice.ok("GET", "/events", params={"cursor": str(seqs[0] - 1), "limit": 1000})
        assert [e["seq"] for e in page["events"]] == seqs
        # A client that moves to the other node resumes there from its cursor.
        await gw.close()
        cursor = str(seqs[99])
        moved = await Gateway.connect(b.ws_url, alice.token, cursor=cursor)
        replay = [await moved.event("message.created") for _ in range(100)]
        assert [f["seq"] for f in replay] == seqs[100:]
    finally:
        a.stop()
        b.stop()


@contextlib.asynccontextmanager
async def two_nodes(**settings: object) -> AsyncIterator[tuple[TestServer, TestServer]]:
    database, bus = await _shared()
    async with (
        TestServer(database=database, bus=bus, rate_limits=False, **settings) as a,
        TestServer(database=database, bus=bus, rate_limits=False, **settings) as b,
    ):
        yield a, b


async def test_a_lost_pubsub_message_is_refilled_from_the_database() -> None:
    async with two_nodes(gap_poll_s=3600) as (a, b):
        alice = await Api.register(a)
        room = await alice.room()
        bob = await Api.register(b)
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        gw = await Gateway.connect(a, alice.token)
        b.core.extras["bus"].drop_next = 1  # lose node B's next commit on the wire
        lost = await bob.send(room["id"], "lost on the bus")
        after = await bob.send(room["id"], "reveals the gap")
        frames = [await gw.event("message.created") for _ in range(2)]
        assert [f["data"]["message"]["id"] for f in frames] == [lost["id"], after["id"]]
        assert frames[1]["seq"] == frames[0]["seq"] + 1
        assert a.core.extras["sequencer"].gaps_filled >= 1


async def test_a_lost_last_message_is_found_by_the_head_check() -> None:
    async with two_nodes(gap_poll_s=0.2) as (a, b):
        alice = await Api.register(a)
        room = await alice.room()
        bob = await Api.register(b)
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        gw = await Gateway.connect(a, alice.token)
        b.core.extras["bus"].drop_next = 1
        lost = await bob.send(room["id"], "nothing comes after me")
        frame = await gw.event("message.created", timeout=10)
        assert frame["data"]["message"]["id"] == lost["id"]


async def test_typing_crosses_nodes() -> None:
    async with two_nodes() as (a, b):
        alice = await Api.register(a)
        room = await alice.room()
        bob = await Api.register(b)
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        a_gw = await Gateway.connect(a, alice.token)
        b_gw = await Gateway.connect(b, bob.token)
        await b_gw.send({"op": "typing", "room_id": room["id"]})
        started = await a_gw.event("typing.started")
        assert started["data"]["user_id"] == bob.id


async def test_logout_on_one_node_revokes_the_token_on_all() -> None:
    async with two_nodes() as (a, b):
        alice = await Api.register(a)
        on_b = Api(b.url, alice.token, alice.user)
        await on_b.ok("GET", "/users/me")  # cached on node B
        gw = await Gateway.connect(b, alice.token)
        await alice.ok("POST", "/auth/logout", 204)
        assert (await gw.event("session.logged_out"))["data"]["reason"] == "logout"
        await on_b.error("GET", "/users/me", 401, "token_invalid")


async def test_permission_changes_on_one_node_move_delivery_on_the_other() -> None:
    async with two_nodes() as (a, b):
        alice = await Api.register(a)
        space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
        room = space["system_room_id"]
        bob = await Api.register(b)
        await bob.ok("POST", f"/spaces/{space['id']}/join")
        gw = await Gateway.connect(b, bob.token)
        await alice.send(room, "before")
        assert (await gw.event("message.created"))["data"]["message"]["content"] == "before"
        await alice.ok("PUT", f"/rooms/{room}/overrides/everyone/0", json={"deny": 1})
        assert (await gw.event("room.deleted"))["data"]["reason"] == "access_lost"
        await alice.send(room, "hidden")
        await alice.ok("DELETE", f"/rooms/{room}/overrides/everyone/0")
        assert (await gw.event("room.created"))["data"]["reason"] == "access_gained"
        await alice.send(room, "after")
        # Node B never delivered the message sent while bob could not see the room.
        frame = await gw.event("message.created")
        assert frame["data"]["message"]["content"] == "after"
