"""Presence across nodes (PR-02): connection counts in Redis, so a user connected on any
node is online everywhere; a node killed with -9 stops beating, the survivors drop its
connections after `presence_node_ttl_s` and its users go offline, logged once."""

from __future__ import annotations

import asyncio
import time

import pytest

from hubbub.server.clock import ManualClock
from hubbub.server.services.presence import PresenceTracker
from hubbub.testing import TestServer
from tests.conftest import new_postgres_database, redis_url, unique_prefix
from tests.integration.procs import ServeProcess
from tests.integration.wire import Api, Gateway

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _tracker(server: TestServer) -> PresenceTracker:
    tracker: PresenceTracker = server.core.extras["presence"]
    return tracker


@pytest.mark.slow
async def test_presence_spans_nodes_and_a_killed_nodes_users_go_offline() -> None:
    database = await new_postgres_database()
    bus = f"{await redis_url()}?channel_prefix={unique_prefix()}"
    # The in-process nodes share one clock, started at the wall clock's time so that the
    # killed process's beats (stamped with its real clock) compare with it.
    clock = ManualClock(start_ms=time.time_ns() // 1_000_000)
    doomed = ServeProcess(database, bus, "--no-rate-limits")
    await doomed.start()
    try:
        async with (
            TestServer(database=database, bus=bus, clock=clock, rate_limits=False) as a,
            TestServer(database=database, bus=bus, clock=clock, rate_limits=False) as c,
        ):
            alice = await Api.register(a)
            room = await alice.room()
            bob = await Api.register(doomed.url)
            await bob.ok("POST", f"/rooms/{room['id']}/join")
            watch = await Gateway.connect(a, alice.token, presence=True)

            b_gw = await Gateway.connect(doomed.ws_url, bob.token, presence=True)
            online = await watch.event("presence.updated")
            assert online["data"]["user_id"] == bob.id
            assert online["data"]["status"] == "online"
            assert await _tracker(a).live([bob.id]) == {bob.id}
            assert await _tracker(c).live([bob.id]) == {bob.id}

            # A second connection on another node, closed again: still online, no event.
            extra = await Gateway.connect(c, bob.token, presence=True)
            await extra.close()
            for _ in range(200):
                if (await _tracker(c).counts.totals([bob.id]))[bob.id] == 1:
                    break
                await asyncio.sleep(0.01)
            await _tracker(c).tick()
            await watch.no_event(0.3)

            doomed.kill()
            await b_gw.close()
            # Not yet presumed dead: the grace and the node TTL have not passed.
            assert await _tracker(a).tick() == 0
            assert await _tracker(a).live([bob.id]) == {bob.id}

            settings = a.settings
            wait_s = settings.presence_node_ttl_s + settings.presence_offline_grace_s + 1
            clock.advance((time.time_ns() // 1_000_000 - clock.now_ms()) / 1000 + wait_s)
            # Each survivor ticks (beating first, so that neither takes the other, whose
            # beat the jump of the shared clock made old, for dead); one logs it, once.
            logged = await _tracker(a).tick() + await _tracker(c).tick()
            gone = await watch.event("presence.updated")
            assert gone["data"]["user_id"] == bob.id and gone["data"]["status"] == "offline"
            assert await _tracker(c).live([bob.id]) == set()
            await _tracker(c).reconcile()
            assert await _tracker(c).tick() == 0
            await watch.no_event(0.3)
            assert logged <= 1  # the app's own ticker may have been first
            page = await alice.ok("GET", "/events", params={"cursor": "0", "limit": 1000})
            bobs = [
                e["data"]["status"]
                for e in page["events"]
                if e["type"] == "presence.updated" and e["data"]["user_id"] == bob.id
            ]
            assert bobs == ["online", "offline"]
            shown = await alice.ok("GET", f"/users/{bob.id}/presence")
            assert shown["status"] == "offline"
    finally:
        doomed.stop()
