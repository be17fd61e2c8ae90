"""Bad input everywhere: a typed 4xx with `{"error": {code, message, details}}`, never a
500, and nothing half-written."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api

# (method, path template, a valid JSON body or None)
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/auth/register", {"username": "u", "password": "p"}),
    ("POST", "/auth/login", {"username": "u", "password": "p"}),
    ("POST", "/auth/logout", None),
    ("POST", "/bots", {"username": "b"}),
    ("GET", "/users/me", None),
    ("GET", "/users/{user}", None),
    ("POST", "/rooms", {"name": "r"}),
    ("GET", "/rooms", None),
    ("GET", "/rooms/{room}", None),
    ("PATCH", "/rooms/{room}", {"name": "r"}),
    ("DELETE", "/rooms/{room}", None),
    ("POST", "/rooms/{room}/join", None),
    ("POST", "/rooms/{room}/leave", None),
    ("GET", "/rooms/{room}/members", None),
    ("POST", "/rooms/{room}/messages", {"content": "x"}),
    ("GET", "/rooms/{room}/messages", None),
    ("GET", "/messages/{message}", None),
    ("PATCH", "/messages/{message}", {"content": "x"}),
    ("DELETE", "/messages/{message}", None),
    ("GET", "/events", None),
]
PUBLIC = {"/auth/register", "/auth/login"}
# Readable without any token (ID-03; tests/integration/people/test_anonymous.py): a bad
# token is still a 401, no token at all is an anonymous reader.
ANONYMOUS_READS = {
    ("GET", "/users/{user}"),
    ("GET", "/rooms"),
    ("GET", "/rooms/{room}"),
    ("GET", "/rooms/{room}/messages"),
    ("GET", "/messages/{message}"),
    ("GET", "/events"),
}
JUNK_BODIES: list[bytes] = [
    b"{",
    b"[]",
    b"null",
    b'"text"',
    b"12",
    b'{"name": 5, "content": 5, "username": 5, "password": 5}',
    b'{"name": null, "content": null}',
    b'{"unknown_field": 1}',
    b"\xff\xfe",
    b'{"content": "' + b"x" * 5000 + b'"}',
]
# -1 and -2 are the system users (Community, Feeds): real, readable accounts.
JUNK_IDS = ["0", "-7", "abc", "1.5", "99999999999999999999999", "%00", "1e3"]


def _paths(template: str, ids: dict[str, str]) -> str:
    return "/api/v1" + template.format(**ids)


def _assert_error(resp: httpx.Response, allowed: set[int]) -> None:
    assert resp.status_code in allowed, (
        f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text}"
    )
    body = resp.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] and body["error"]["message"]


@pytest.fixture
async def setup(server: TestServer) -> tuple[TestServer, Api, dict[str, str]]:
    alice = await Api.register(server)
    room = await alice.room()
    msg = await alice.send(room["id"], "keep me")
    ids = {"user": str(alice.id), "room": str(room["id"]), "message": str(msg["id"])}
    return server, alice, ids


async def test_missing_and_invalid_tokens_are_401(
    setup: tuple[TestServer, Api, dict[str, str]],
) -> None:
    server, _alice, ids = setup
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        for (method, template, body), headers in itertools.product(
            ENDPOINTS,
            [
                {},
                {"Authorization": "Bearer nope"},
                {"Authorization": "Basic abc"},
                {"Authorization": "Bearer " + "x" * 5000},
            ],
        ):
            if template in PUBLIC or (not headers and (method, template) in ANONYMOUS_READS):
                continue
            resp = await http.request(method, _paths(template, ids), json=body, headers=headers)
            _assert_error(resp, {401})


async def test_junk_bodies_never_500(setup: tuple[TestServer, Api, dict[str, str]]) -> None:
    server, alice, ids = setup
    server.core.rate_limiter.enabled = False
    for method, template, body in ENDPOINTS:
        if body is None:
            continue
        for junk in JUNK_BODIES:
            resp = await alice.http.request(
                method,
                template.format(**ids),
                content=junk,
                headers={"Content-Type": "application/json"},
            )
            _assert_error(resp, {400, 401, 403, 404, 409, 413, 422})
    # Nothing was half-written: the one message is intact, the room unchanged.
    page = await alice.ok("GET", f"/rooms/{ids['room']}/messages")
    assert [m["content"] for m in page["messages"]] == ["keep me"]


async def test_junk_ids_and_queries_never_500(
    setup: tuple[TestServer, Api, dict[str, str]],
) -> None:
    _server, alice, _ids = setup
    for (method, template, body), junk in itertools.product(ENDPOINTS, JUNK_IDS):
        if "{" not in template:
            continue
        path = template.format(user=junk, room=junk, message=junk)
        resp = await alice.http.request(method, path, json=body)
        _assert_error(resp, {400, 404, 422})
    for query in ["limit=0", "limit=abc", "limit=1000", "before=x", "after=-5", "joined=maybe"]:
        for path in ("/rooms", "/rooms/1/messages", "/events"):
            resp = await alice.http.get(f"{path}?{query}")
            assert resp.status_code < 500, resp.text
            if resp.status_code >= 400:
                _assert_error(resp, {400, 404, 422})
    for cursor in ["abc", "-1", "1.0", "99999999999999999999", "１２"]:
        resp = await alice.http.get("/events", params={"cursor": cursor})
        _assert_error(resp, {400, 422})


async def test_unknown_ids_are_404_with_the_resource_named(
    setup: tuple[TestServer, Api, dict[str, str]],
) -> None:
    _server, alice, _ids = setup
    await alice.error("GET", "/users/424242", 404, "user_not_found")
    await alice.error("GET", "/rooms/424242", 404, "room_not_found")
    await alice.error(
        "POST", "/rooms/424242/messages", 404, "room_not_found", json={"content": "x"}
    )
    await alice.error("GET", "/messages/424242", 404, "message_not_found")
    await alice.error("PATCH", "/messages/424242", 404, "message_not_found", json={"content": "x"})
    await alice.error("DELETE", "/messages/424242", 404, "message_not_found")
    await alice.error("GET", "/nope", 404, "route_not_found")
    await alice.error("PUT", "/rooms", 405, "method_not_allowed")


async def test_content_rules(setup: tuple[TestServer, Api, dict[str, str]]) -> None:
    server, alice, ids = setup
    path = f"/rooms/{ids['room']}/messages"
    limit = server.settings.max_message_chars
    ok = await alice.send(int(ids["room"]), "é" * limit)
    assert len(ok["content"]) == limit
    err = await alice.error(
        "POST", path, 422, "content_too_long", json={"content": "x" * (limit + 1)}
    )
    assert err["details"] == {"limit": limit, "length": limit + 1}
    await alice.error("POST", path, 422, "content_empty", json={"content": "   \n "})
    # content may be omitted (ad, custom and quote messages need none), but not for speech
    await alice.error("POST", path, 422, "content_empty", json={})
    await alice.error("POST", path, 422, "validation_failed", json={"content": "x", "nonce": 5})
    await alice.error("POST", path, 422, "invalid_nonce", json={"content": "x", "nonce": ""})
    await alice.error(
        "POST", path, 422, "validation_failed", json={"content": "x", "reply_to": "1"}
    )
    await alice.error("POST", path, 422, "validation_failed", json={"content": "x", "color": "red"})
    await alice.error("POST", path, 400, "body_required")
    await alice.error(
        "PATCH",
        f"/messages/{ids['message']}",
        422,
        "content_too_long",
        json={"content": "y" * (limit + 1)},
    )
    assert (await alice.ok("GET", f"/messages/{ids['message']}"))["content"] == "keep me"


async def test_account_rules(server: TestServer) -> None:
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        for body, code in [
            ({"username": "a", "password": "long enough"}, "invalid_username"),
            ({"username": "-dash", "password": "long enough"}, "invalid_username"),
            ({"username": "has space", "password": "long enough"}, "invalid_username"),
            ({"username": "x" * 33, "password": "long enough"}, "invalid_username"),
            ({"username": "fine_name", "password": "short"}, "invalid_password"),
            (
                {"username": "fine_name", "password": "long enough", "display_name": "  "},
                "invalid_display_name",
            ),
        ]:
            resp = await http.post("/auth/register", json=body)
            _assert_error(resp, {422})
            assert resp.json()["error"]["code"] == code, (body, resp.text)


async def test_room_rules(setup: tuple[TestServer, Api, dict[str, str]]) -> None:
    _server, alice, ids = setup
    await alice.error("POST", "/rooms", 422, "invalid_room_name", json={"name": "   "})
    await alice.error("POST", "/rooms", 422, "name_too_long", json={"name": "n" * 101})
    await alice.error(
        "POST", "/rooms", 422, "validation_failed", json={"name": "x", "access_mode": "secret"}
    )
    await alice.error(
        "PATCH",
        f"/rooms/{ids['room']}",
        422,
        "description_too_long",
        json={"description": "d" * 2001},
    )
    room = await alice.ok("GET", f"/rooms/{ids['room']}")
    assert room["description"] == ""


async def test_oversized_request_body_is_413(setup: tuple[TestServer, Api, dict[str, str]]) -> None:
    server, alice, ids = setup
    big = b'{"content": "' + b"x" * (server.settings.max_body_bytes + 10) + b'"}'
    resp = await alice.http.post(
        f"/rooms/{ids['room']}/messages", content=big, headers={"Content-Type": "application/json"}
    )
    _assert_error(resp, {413})
