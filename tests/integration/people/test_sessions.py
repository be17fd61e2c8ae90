"""Sessions as objects over a real server (ID-04, ID-05, D.41): list, rename, revoke one,
revoke the others or all; `session.*` to the user's sessions; a revoked session's live
connections get `session.logged_out` and close 4001; someone else's session is a 404."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import websockets

from hubbub.client.http import default_tls
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name

PASSWORD = "correct horse battery"


async def _login(server: TestServer, api: Api, **extra: Any) -> Api:
    """A second session of the same user (extra: session_name, client, headers)."""
    headers = extra.pop("headers", {})
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        resp = await http.post(
            "/api/v1/auth/login",
            json={"username": api.user["handle"], "password": PASSWORD, **extra},
            headers=headers,
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
    return Api(server.url, body["token"], body["user"])


async def _sessions(api: Api) -> list[dict[str, Any]]:
    body = await api.ok("GET", "/sessions")
    sessions: list[dict[str, Any]] = body["sessions"]
    return sessions


async def test_list_rename_and_device_fields(server: TestServer) -> None:
    alice = await Api.register(server)
    phone = await _login(server, alice, session_name="Phone", client="hubbub-ios/1.2")
    laptop = await _login(server, alice, headers={"User-Agent": "Mozilla/5.0 " + "x" * 100})
    listed = await _sessions(phone)
    assert len(listed) == 3
    first, second, third = listed
    assert [s["current"] for s in listed] == [False, True, False]
    assert second["name"] == "Phone" and second["client"] == "hubbub-ios/1.2"
    assert third["name"] == "" and third["client"] == ("Mozilla/5.0 " + "x" * 100)[:64]
    assert all(s["ip"] == "127.0.0.1" and s["kind"] == "session" for s in listed)
    assert first["created_at"].endswith("Z") and first["last_seen_at"].endswith("Z")
    assert [s["id"] for s in listed] == sorted(s["id"] for s in listed)
    # The ids are the ones `ready` names.
    gw = await Gateway.connect(server, laptop.token)
    assert gw.ready["session_id"] == str(third["id"])

    renamed = await phone.ok("PATCH", f"/sessions/{third['id']}", json={"name": "Work laptop"})
    assert renamed["name"] == "Work laptop" and renamed["current"] is False
    updated = await gw.event("session.updated")
    assert updated["data"]["session"]["name"] == "Work laptop" and updated["seq"] is not None
    assert (await _sessions(laptop))[2]["name"] == "Work laptop"

    await phone.error(
        "PATCH", f"/sessions/{third['id']}", 422, "invalid_session_name", json={"name": "n" * 65}
    )
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        resp = await http.post(
            "/api/v1/auth/login",
            json={"username": alice.user["handle"], "password": PASSWORD, "client": "c" * 65},
        )
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_client"
    assert len(await _sessions(alice)) == 3  # the refused login left nothing behind


async def test_someone_elses_session_is_not_found(server: TestServer) -> None:
    alice, mallory = await Api.register(server), await Api.register(server)
    target = (await _sessions(alice))[0]["id"]
    await mallory.error("DELETE", f"/sessions/{target}", 404, "session_not_found")
    await mallory.error(
        "PATCH", f"/sessions/{target}", 404, "session_not_found", json={"name": "mine"}
    )
    await mallory.error("DELETE", "/sessions/999999999", 404, "session_not_found")
    await alice.ok("GET", "/users/me")  # untouched
    assert [s["name"] for s in await _sessions(alice)] == [""]


async def test_revoking_one_session_logs_out_its_connections(server: TestServer) -> None:
    alice = await Api.register(server)
    other = await _login(server, alice, session_name="old phone")
    await other.ok("GET", "/users/me")  # cached on the node
    mine = await Gateway.connect(server, alice.token)
    doomed = await Gateway.connect(server, other.token)
    doomed_id = int(doomed.ready["session_id"])
    await alice.ok("DELETE", f"/sessions/{doomed_id}", 204)

    frame = await doomed.event("session.logged_out")
    assert frame["seq"] is None
    assert frame["data"] == {"session_id": doomed_id, "reason": "revoked"}
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await doomed.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    deleted = await mine.event("session.deleted")
    assert deleted["data"] == {"session_id": doomed_id}
    await other.error("GET", "/users/me", 401, "token_invalid")
    await alice.ok("GET", "/users/me")
    assert [s["id"] for s in await _sessions(alice)] == [int(mine.ready["session_id"])]
    await mine.send({"op": "ping"})
    assert await mine.recv() == {"op": "pong"}


async def test_revoke_others_then_all(server: TestServer) -> None:
    alice = await Api.register(server)
    b = await _login(server, alice)
    c = await _login(server, alice)
    gw_a = await Gateway.connect(server, alice.token)
    gw_c = await Gateway.connect(server, c.token)
    current = int(gw_a.ready["session_id"])
    assert (await alice.ok("DELETE", "/sessions", params={"keep_current": "true"})) == {
        "revoked": 2
    }
    assert (await gw_c.event("session.logged_out"))["data"]["reason"] == "revoked"
    all_gone = await gw_a.event("session.deleted_all")
    assert all_gone["data"] == {"exclude_session_id": current}
    for api in (b, c):
        await api.error("GET", "/users/me", 401, "token_invalid")
    assert [s["id"] for s in await _sessions(alice)] == [current]
    # Nothing else to revoke: no event, nothing revoked.
    assert (await alice.ok("DELETE", "/sessions", params={"keep_current": "true"})) == {
        "revoked": 0
    }
    assert (await alice.ok("DELETE", "/sessions")) == {"revoked": 1}
    assert (await gw_a.event("session.logged_out"))["data"]["session_id"] == current
    await alice.error("GET", "/users/me", 401, "token_invalid")


async def test_session_created_reaches_the_users_sessions_and_bots_list_theirs() -> None:
    async with TestServer() as server:
        alice = await Api.register(server)
        gw = await Gateway.connect(server, alice.token)
        newer = await _login(server, alice, session_name="tablet", client="cli")
        created = await gw.event("session.created")
        session = created["data"]["session"]
        assert session["name"] == "tablet" and session["client"] == "cli"
        assert set(session) == {"id", "name", "client", "created_at", "last_seen_at"}
        assert session["id"] == (await _sessions(newer))[1]["id"]
        bot = await alice.ok("POST", "/bots", 201, json={"username": name("bot")})
        bot_api = Api(server.url, bot["token"], bot["user"])
        listed = await _sessions(bot_api)
        assert [(s["kind"], s["current"]) for s in listed] == [("bot", True)]
        await gw.no_event()  # the bot's session.created is the bot's own


async def test_last_seen_is_touched_at_most_once_a_minute() -> None:
    clock = ManualClock()
    async with TestServer(clock=clock) as server:
        alice = await Api.register(server)
        first = (await _sessions(alice))[0]
        assert first["last_seen_at"] == first["created_at"]
        clock.advance(30)
        assert (await _sessions(alice))[0]["last_seen_at"] == first["created_at"]
        clock.advance(31)
        later = (await _sessions(alice))[0]["last_seen_at"]
        assert later > first["created_at"]
        clock.advance(61)
        await Gateway.connect(server, alice.token)  # a gateway connect counts as use
        assert (await _sessions(alice))[0]["last_seen_at"] > later
