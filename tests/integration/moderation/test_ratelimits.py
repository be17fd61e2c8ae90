"""Rate limits over a real server (issue 6): REST buckets per user and per IP with
`Retry-After`, refused requests spending nothing, exemptions, trusted proxies; the gateway's
per-frame budget (error frames, then 4008); the SDK's bounded 429 retries. Time moves on
the injected clock only."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from hubbub.client.http import HTTPClient, default_tls
from hubbub.errors import RateLimited
from hubbub.protocol.frames import CloseCode
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway

# A test of one bucket keeps the others out of the way.
ROOMY = {
    "rest_user_read_burst": 1000,
    "rest_user_write_burst": 1000,
    "rest_ip_read_burst": 1000,
    "rest_ip_write_burst": 1000,
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def _assert_429(resp: httpx.Response, retry_after: float, code: str = "rate_limited") -> None:
    assert resp.status_code == 429, resp.text
    err = resp.json()["error"]
    assert err["code"] == code
    assert err["details"]["retry_after"] == pytest.approx(retry_after, abs=0.01)
    assert resp.headers["Retry-After"] == str(max(1, -int(-retry_after // 1)))


async def test_user_bucket_per_class_with_retry_after(clock: ManualClock) -> None:
    async with TestServer(
        clock=clock, **{**ROOMY, "rest_user_read_burst": 3, "rest_user_read_per_second": 0.4}
    ) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        for _ in range(3):
            await alice.ok("GET", "/users/me")
        _assert_429(await alice.http.get("/users/me"), 2.5)
        _assert_429(await alice.http.get("/rooms"), 2.5)  # one bucket for all reads
        await bob.ok("GET", "/users/me")  # another user's budget
        await alice.ok("POST", "/rooms", 201, json={"name": "writes-are-another-class"})
        clock.advance(2.5)
        await alice.ok("GET", "/users/me")
        _assert_429(await alice.http.get("/users/me"), 2.5)


async def test_ip_bucket_anonymous_and_authenticated_and_nothing_counted_twice(
    clock: ManualClock,
) -> None:
    async with TestServer(
        clock=clock,
        **{
            **ROOMY,
            "rest_ip_read_burst": 3,
            "rest_ip_read_per_second": 1.0,
            "rest_user_read_burst": 1,
            "rest_user_read_per_second": 0.1,
        },
    ) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        await alice.ok("GET", "/users/me")  # ip 2 left, alice 0 left
        # Refused by alice's bucket: the IP token is not spent on it.
        _assert_429(await alice.http.get("/users/me"), 10.0)
        _assert_429(await alice.http.get("/users/me"), 10.0)
        await bob.ok("GET", "/users/me")  # ip 1 left
        async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as anon:
            assert (await anon.get("/api/v1/rooms")).status_code == 200  # ip 0 left
            _assert_429(await anon.get("/api/v1/rooms"), 1.0)
            # Unknown routes and bad tokens draw on the IP bucket too.
            _assert_429(await anon.get("/api/v1/no/such/route"), 1.0)
            bad = {"Authorization": "Bearer hbb_nope"}
            _assert_429(await anon.get("/api/v1/users/me", headers=bad), 1.0)
            # Exempt: health, metrics, docs and their assets.
            for path in ["/healthz", "/metrics", "/docs", "/openapi.json"] * 3:
                assert (await anon.get(path)).status_code == 200, path
            clock.advance(1.0)
            assert (await anon.get("/api/v1/rooms")).status_code == 200


async def test_forwarded_for_only_from_trusted_proxies(clock: ManualClock) -> None:
    limits = {**ROOMY, "rest_ip_read_burst": 1, "rest_ip_read_per_second": 0.01}
    one = {"X-Forwarded-For": "203.0.113.9, 10.0.0.7"}  # client, then an inner proxy
    two = {"X-Forwarded-For": "198.51.100.4"}
    async with (
        TestServer(clock=clock, trusted_proxies="127.0.0.1/32, 10.0.0.0/8", **limits) as trusted,
        TestServer(clock=clock, **limits) as untrusted,
        httpx.AsyncClient(verify=default_tls()) as http,
    ):
        base = trusted.url + "/api/v1/rooms"
        assert (await http.get(base, headers=one)).status_code == 200
        assert (await http.get(base, headers=two)).status_code == 200  # another client
        assert (await http.get(base, headers=one)).status_code == 429
        # 203.0.113.9's budget, whatever the forged hops to its left say.
        forged = {"X-Forwarded-For": "192.0.2.1, 203.0.113.9"}
        assert (await http.get(base, headers=forged)).status_code == 429
        # Without trusted proxies the header is ignored: one peer, one budget.
        base = untrusted.url + "/api/v1/rooms"
        assert (await http.get(base, headers=one)).status_code == 200
        _assert_429(await http.get(base, headers=two), 100.0)


async def test_gateway_frames_error_then_close_4008(clock: ManualClock) -> None:
    async with TestServer(
        clock=clock,
        gateway_frames_burst=3,
        gateway_frames_per_second=0.5,
        gateway_max_refusals=3,
        gateway_refusal_window_s=10.0,
    ) as server:
        alice = await Api.register(server)
        gw = await Gateway.connect(server, alice.token)
        for _ in range(3):
            await gw.send({"op": "ping"})
            assert (await gw.recv())["op"] == "pong"
        await gw.send({"op": "ping"})
        err = await gw.recv()
        assert err["op"] == "error" and err["code"] == "rate_limited"
        assert err["retry_after"] == pytest.approx(2.0)
        assert err["details"]["retry_after"] == pytest.approx(2.0)
        clock.advance(2.0)  # a token again: the connection carries on
        await gw.send({"op": "ping"})
        assert (await gw.recv())["op"] == "pong"
        # A client that keeps going: the third refusal within the window is answered,
        # then the connection is closed.
        await gw.send({"op": "typing", "room_id": 1})
        assert (await gw.recv())["code"] == "rate_limited"
        await gw.send({"op": "ping"})
        assert (await gw.recv())["code"] == "rate_limited"
        with pytest.raises(ConnectionClosed) as closed:
            await gw.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == CloseCode.RATE_LIMITED == 4008


async def test_gateway_connects_per_ip_are_limited(clock: ManualClock) -> None:
    async with TestServer(
        clock=clock, gateway_connects_burst=2, gateway_connects_per_second=0.5
    ) as server:
        alice = await Api.register(server)
        for _ in range(2):
            await (await Gateway.connect(server, alice.token)).close()
        ws = await websockets.connect(server.ws_url)
        err = orjson.loads(await ws.recv())  # refused before its hello is even read
        assert err["op"] == "error" and err["code"] == "rate_limited"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4008
        clock.advance(2.0)  # a token again
        await (await Gateway.connect(server, alice.token)).close()


async def test_gateway_user_budget_spans_connections(clock: ManualClock) -> None:
    async with TestServer(
        clock=clock, gateway_user_frames_burst=4, gateway_user_frames_per_second=0.1
    ) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        first = await Gateway.connect(server, alice.token)
        second = await Gateway.connect(server, alice.token)
        other = await Gateway.connect(server, bob.token)
        for gw in (first, second, first, second):
            await gw.send({"op": "ping"})
            assert (await gw.recv())["op"] == "pong"
        await second.send({"op": "ping"})
        assert (await second.recv())["code"] == "rate_limited"
        await other.send({"op": "ping"})
        assert (await other.recv())["op"] == "pong"


async def test_sdk_retries_429_after_retry_after_bounded(clock: ManualClock) -> None:
    async with TestServer(**{**ROOMY, "rest_user_read_burst": 1}) as real:
        # A real clock: the SDK's wait (details.retry_after, 0.05 s) refills the bucket.
        alice = await Api.register(real)
        sdk = HTTPClient(real.url, token=alice.token)
        try:
            await sdk.request("GET", "/users/me")
            started = time.monotonic()
            me = await sdk.request("GET", "/users/me")  # 429, waits ~0.05 s, succeeds
            assert me["id"] == alice.id
            assert time.monotonic() - started < 0.9  # not the header's whole second
        finally:
            await sdk.aclose()
    async with TestServer(
        clock=clock, **{**ROOMY, "rest_user_read_burst": 1, "rest_user_read_per_second": 100}
    ) as frozen:
        # The injected clock never moves: every retry is refused, and the SDK gives up.
        alice = await Api.register(frozen)
        sdk = HTTPClient(frozen.url, token=alice.token, max_rate_limit_retries=2)
        try:
            await sdk.request("GET", "/users/me")
            with pytest.raises(RateLimited) as err:
                await sdk.request("GET", "/users/me")
            assert err.value.retry_after == pytest.approx(0.01)
            # A wait beyond max_rate_limit_wait is raised at once, not slept through.
            sdk.max_rate_limit_wait = 0.001
            started = time.monotonic()
            with pytest.raises(RateLimited):
                await sdk.request("GET", "/users/me")
            assert time.monotonic() - started < 0.5
        finally:
            await sdk.aclose()
