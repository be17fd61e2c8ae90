"""Playback across nodes: two nodes on one PostgreSQL database and one Redis, both
reading one injected clock and both ticking; a track whose time ran out ends once and
its successor starts once, whichever node's ticker gets there first."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from hubbub.server.clock import ManualClock
from hubbub.server.services import playback
from hubbub.testing import TestServer
from tests.conftest import new_postgres_database, redis_url, unique_prefix
from tests.integration.wire import Api, Gateway

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@contextlib.asynccontextmanager
async def two_nodes(clock: ManualClock) -> AsyncIterator[list[TestServer]]:
    database = await new_postgres_database()
    bus = f"{await redis_url()}?channel_prefix={unique_prefix()}"
    async with (
        TestServer(database=database, bus=bus, clock=clock) as a,
        TestServer(database=database, bus=bus, clock=clock) as b,
    ):
        yield [a, b]


async def test_a_track_advances_once_across_nodes() -> None:
    clock = ManualClock()
    async with two_nodes(clock) as (a, b):
        owner = await Api.register(a)
        room = await owner.room(kind="music")
        base = f"/rooms/{room['id']}/music"
        gw = await Gateway.connect(b, owner.token)
        track = {"source": "url", "url": "https://x.example/1", "title": "one", "duration_s": 10}
        first = await owner.ok("POST", f"{base}/queue", 201, json=track)
        second = await owner.ok("POST", f"{base}/queue", 201, json={**track, "title": "two"})
        assert (await gw.event("playback.started"))["data"]["item_id"] == first["id"]

        clock.advance(10)
        runs = [playback.advance_due(node.core) for node in (a, b) for _ in range(3)]
        assert sum(await asyncio.gather(*runs)) <= 1  # the nodes' own tickers may win
        started = await gw.event("playback.started")
        assert started["data"]["item_id"] == second["id"]
        assert sum(await asyncio.gather(*(playback.advance_due(n.core) for n in (a, b)))) == 0
        marker = await owner.send(room["id"], "marker")
        frames = await gw.events_until(
            lambda f: f["data"].get("message", {}).get("id") == marker["id"]
        )
        assert [f["type"] for f in frames].count("playback.started") == 0
        state = await Api(b.url, owner.token, owner.user).ok("GET", base)
        assert state["now_playing"]["item_id"] == second["id"] and state["queue"] == []
