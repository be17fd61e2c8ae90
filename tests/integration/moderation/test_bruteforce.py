"""Login and registration brute-force protection over a real server (issue 6): lockouts
per username and per IP (even the right password gets 429 while locked), a success
forgiving the username, the same answers for unknown usernames, registrations per IP.
Lockout windows pass on the injected clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.integration.wire import name

PASSWORD = "correct horse battery"


async def _login(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/api/v1/auth/login", json={"username": username, "password": password})


def _code(resp: httpx.Response) -> str:
    code: str = resp.json()["error"]["code"]
    return code


def _locked(resp: httpx.Response, code: str, retry_after: float) -> None:
    assert resp.status_code == 429, resp.text
    err: dict[str, Any] = resp.json()["error"]
    assert err["code"] == code
    assert err["details"]["retry_after"] == pytest.approx(retry_after)
    assert int(resp.headers["Retry-After"]) >= retry_after


async def test_username_lockout_even_for_the_right_password() -> None:
    clock = ManualClock()
    async with (
        TestServer(clock=clock, login_max_failures_per_user=3, login_window_s=900) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        alice, other = name(), name()
        await server.register(alice)
        await server.register(other)
        for _ in range(3):
            resp = await _login(http, alice, "wrong password!")
            assert resp.status_code == 401 and _code(resp) == "invalid_credentials"
        _locked(await _login(http, alice, PASSWORD), "too_many_login_attempts", 900)
        _locked(await _login(http, alice.upper(), PASSWORD), "too_many_login_attempts", 900)
        assert (await _login(http, other, PASSWORD)).status_code == 200  # per username
        clock.advance(600)
        _locked(await _login(http, alice, PASSWORD), "too_many_login_attempts", 300)
        clock.advance(300)
        assert (await _login(http, alice, PASSWORD)).status_code == 200


async def test_success_resets_the_username_count() -> None:
    async with (
        TestServer(clock=ManualClock(), login_max_failures_per_user=3) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        alice = name()
        await server.register(alice)
        for _ in range(2):
            assert (await _login(http, alice, "wrong password!")).status_code == 401
        assert (await _login(http, alice, PASSWORD)).status_code == 200
        for _ in range(2):
            assert (await _login(http, alice, "wrong password!")).status_code == 401
        assert (await _login(http, alice, PASSWORD)).status_code == 200


async def test_unknown_usernames_answer_alike() -> None:
    async with (
        TestServer(clock=ManualClock(), login_max_failures_per_user=2) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        real, ghost = name(), name()
        await server.register(real)
        answers = []
        for username in (real, ghost):
            for _ in range(2):
                resp = await _login(http, username, "wrong password!")
                answers.append((resp.status_code, _code(resp)))
            resp = await _login(http, username, "wrong password!")
            answers.append((resp.status_code, _code(resp)))
        assert answers == [(401, "invalid_credentials")] * 2 + [
            (429, "too_many_login_attempts")
        ] + [(401, "invalid_credentials")] * 2 + [(429, "too_many_login_attempts")]


async def test_ip_lockout_across_usernames() -> None:
    clock = ManualClock()
    async with (
        TestServer(
            clock=clock,
            login_max_failures_per_ip=4,
            login_max_failures_per_user=100,
            login_window_s=60,
            trusted_proxies="127.0.0.1/32",
        ) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        alice = name()
        await server.register(alice)
        for _ in range(4):  # spraying many usernames from one address
            assert (await _login(http, name(), "wrong password!")).status_code == 401
        _locked(await _login(http, alice, PASSWORD), "too_many_login_attempts", 60)
        # Another client behind the trusted proxy is not locked out.
        elsewhere = await http.post(
            "/api/v1/auth/login",
            json={"username": alice, "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
        assert elsewhere.status_code == 200
        clock.advance(60)
        assert (await _login(http, alice, PASSWORD)).status_code == 200


async def test_registrations_per_ip() -> None:
    clock = ManualClock()
    async with (
        TestServer(clock=clock, registrations_per_ip=3, registration_window_s=3600) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        taken = name()

        async def register(username: str) -> httpx.Response:
            body = {"username": username, "password": PASSWORD}
            return await http.post("/api/v1/auth/register", json=body)

        assert (await register(taken)).status_code == 201
        assert (await register(taken)).status_code == 409  # attempts count, taken or not
        # A malformed request is refused before it counts.
        assert (await register("!")).status_code == 422
        assert (await register(name())).status_code == 201
        resp = await register(name())
        _locked(resp, "too_many_registrations", 3600)
        clock.advance(3600)
        assert (await register(name())).status_code == 201


async def test_limits_off_switch_off_brute_force_counters() -> None:
    async with (
        TestServer(rate_limits=False, login_max_failures_per_user=1) as server,
        httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http,
    ):
        alice = name()
        await server.register(alice)
        for _ in range(3):
            assert (await _login(http, alice, "wrong password!")).status_code == 401
        assert (await _login(http, alice, PASSWORD)).status_code == 200
