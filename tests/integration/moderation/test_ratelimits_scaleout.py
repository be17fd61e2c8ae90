"""Scale-out rate limits (issue 6): two nodes on one PostgreSQL database and one Redis
draw on one budget per user, so spreading requests across nodes does not double it; the
brute-force counters are shared the same way. Both nodes read one injected clock."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import new_postgres_database, redis_url, unique_prefix
from tests.integration.wire import Api, name

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@contextlib.asynccontextmanager
async def two_nodes(clock: ManualClock, **settings: Any) -> AsyncIterator[list[TestServer]]:
    database = await new_postgres_database()
    bus = f"{await redis_url()}?channel_prefix={unique_prefix()}"
    async with (
        TestServer(database=database, bus=bus, clock=clock, **settings) as a,
        TestServer(database=database, bus=bus, clock=clock, **settings) as b,
    ):
        yield [a, b]


async def test_a_user_cannot_double_their_budget_across_nodes() -> None:
    clock = ManualClock()
    async with two_nodes(clock, rest_user_read_burst=6, rest_user_read_per_second=0.5) as nodes:
        alice = await Api.register(nodes[0])
        on = [alice, Api(nodes[1].url, alice.token, alice.user)]
        statuses = []
        for i in range(12):
            statuses.append((await on[i % 2].http.get("/users/me")).status_code)
        assert statuses == [200] * 6 + [429] * 6
        refused = await on[1].http.get("/users/me")
        assert refused.json()["error"]["details"]["retry_after"] == pytest.approx(2.0)
        assert refused.headers["Retry-After"] == "2"
        clock.advance(2.0)  # one token again, for whichever node asks first
        assert (await on[1].http.get("/users/me")).status_code == 200
        assert (await on[0].http.get("/users/me")).status_code == 429
        # Another user's budget is their own.
        bob = await Api.register(nodes[1])
        assert (await bob.http.get("/users/me")).status_code == 200


async def test_login_lockout_is_shared_across_nodes() -> None:
    clock = ManualClock()
    async with two_nodes(clock, login_max_failures_per_user=2, login_window_s=300) as nodes:
        alice = name()
        await nodes[0].register(alice)
        async with (
            httpx.AsyncClient(verify=default_tls(), base_url=nodes[0].url) as a,
            httpx.AsyncClient(verify=default_tls(), base_url=nodes[1].url) as b,
        ):
            wrong = {"username": alice, "password": "wrong password!"}
            right = {"username": alice, "password": "correct horse battery"}
            assert (await a.post("/api/v1/auth/login", json=wrong)).status_code == 401
            assert (await b.post("/api/v1/auth/login", json=wrong)).status_code == 401
            for http in (a, b):
                resp = await http.post("/api/v1/auth/login", json=right)
                assert resp.status_code == 429
                assert resp.json()["error"]["code"] == "too_many_login_attempts"
            clock.advance(300)
            assert (await b.post("/api/v1/auth/login", json=right)).status_code == 200
