"""Regressions found by fuzzing the REST API with schemathesis (every operation, an
authenticated token, seeded rooms and messages), on SQLite and PostgreSQL: each input
here once produced a 500 or an /openapi.json that did not describe the responses."""

from __future__ import annotations

from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name

NUL = "a\x00b"


def _refused(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, f"{resp.request.url}: {resp.status_code} {resp.text}"
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    return dict(body["error"])


async def test_nul_in_text_is_a_422_not_a_database_error(server: TestServer) -> None:
    """PostgreSQL cannot store U+0000 in text: it used to surface as a 500 (and SQLite
    stored it). Every text field refuses it alike, before anything is written."""
    alice = await Api.register(server)
    room = await alice.room()
    rid = room["id"]
    msg = await alice.send(rid, "keep me")
    mid = msg["id"]
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/rooms", {"name": NUL}),
        ("POST", "/rooms", {"name": "fine", "description": NUL}),
        ("PATCH", f"/rooms/{rid}", {"topic": NUL}),
        ("POST", f"/rooms/{rid}/messages", {"content": NUL}),
        ("POST", f"/rooms/{rid}/messages", {"content": "x", "nonce": NUL}),
        (
            "POST",
            f"/rooms/{rid}/messages",
            {"type": "quote", "quote_of": {"id": mid, "custom_field1": NUL}},
        ),
        ("POST", f"/rooms/{rid}/messages", {"content": "x", "custom_id": NUL}),
        ("PATCH", f"/messages/{mid}", {"content": NUL}),
        ("POST", f"/messages/{mid}/embeds", {"embeds": [{"title": "t"}], "nonce": NUL}),
        ("POST", "/bots", {"username": name("bot"), "display_name": NUL}),
    ]
    for method, path, body in cases:
        resp = await alice.http.request(method, path, json=body)
        error = _refused(resp, 422, "validation_failed")
        assert "NUL" in error["message"], error
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as anon:
        handle = name()
        resp = await anon.post(
            "/auth/register",
            json={"username": handle, "password": "correct horse", "display_name": NUL},
        )
        _refused(resp, 422, "validation_failed")
        resp = await anon.post("/auth/login", json={"username": NUL, "password": "whatever1"})
        _refused(resp, 422, "validation_failed")
        # Nothing was half-written: no such user, no new room, the message unchanged.
        resp = await anon.post(
            "/auth/login", json={"username": handle, "password": "correct horse"}
        )
        _refused(resp, 401, "invalid_credentials")
    rooms = await alice.ok("GET", "/rooms", params={"joined": "true"})
    assert [r["id"] for r in rooms["rooms"]] == [rid]
    assert (await alice.ok("GET", f"/rooms/{rid}"))["topic"] == room["topic"]
    after = await alice.ok("GET", f"/messages/{mid}")
    assert after["content"] == "keep me" and after["embeds"] == []
    page = await alice.ok("GET", f"/rooms/{rid}/messages")
    assert [m["id"] for m in page["messages"]] == [mid]


async def test_nul_inside_json_values_is_stored_escaped(server: TestServer) -> None:
    """custom_payload and embeds are JSON, stored as JSON text (NUL escaped): they keep
    accepting any JSON string on both backends and give it back unchanged."""
    alice = await Api.register(server)
    rid = (await alice.room())["id"]
    msg = await alice.send(rid, "x", type="custom", custom_type="t", custom_payload={NUL: [NUL]})
    assert msg["custom_payload"] == {NUL: [NUL]}
    got = await alice.ok("GET", f"/messages/{msg['id']}")
    assert got["custom_payload"] == {NUL: [NUL]}


async def test_nul_in_an_upload_nonce_is_a_422(server: TestServer) -> None:
    alice = await Api.register(server)
    rid = (await alice.room())["id"]
    resp = await alice.http.post(
        f"/rooms/{rid}/attachments",
        files={"file": ("a.txt", b"hello", "text/plain")},
        data={"nonce": NUL},
    )
    _refused(resp, 422, "invalid_nonce")
    resp = await alice.http.post(
        f"/rooms/{rid}/attachments",
        files={"file": ("a.txt", b"hello", "text/plain")},
        data={"nonce": "n-1"},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["id"] == 1  # the refused upload stored nothing


async def test_openapi_documents_the_error_envelope(server: TestServer) -> None:
    """Every API operation may answer with a typed 4xx in `{"error": {...}}`; the spec
    says so (it used to list only FastAPI's own 422 body, which is never sent)."""
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorResponse"]["properties"]) == {"error"}
    operations = [
        (method, path, op)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in ops.items()
    ]
    assert len(operations) > 40
    for method, path, op in operations:
        documented = op["responses"]
        assert "422" not in documented, (method, path)
        ref = documented["4XX"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorResponse", (method, path)


async def test_nul_through_the_gateway_is_refused_by_the_service(server: TestServer) -> None:
    """The same rule whichever transport the text comes through: a gateway command that
    would post NUL is refused (`command.completed {ok: false}`), and nothing is written."""
    alice = await Api.register(server)
    room = await alice.room()
    gw = await Gateway.connect(server, alice.token)
    await gw.send({"op": "command", "room_id": room["id"], "command": "/me waves\u0000"})
    frame = await gw.event("command.completed")
    assert frame["data"]["ok"] is False and frame["data"]["error"]["code"] == "nul_character"
    assert (await alice.ok("GET", f"/rooms/{room['id']}/messages"))["messages"] == []
    await gw.send({"op": "ping"})
    assert await gw.recv() == {"op": "pong"}
