"""REST core over a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx

from hubbub.client.http import default_tls
from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, name, private_room


async def test_register_login_logout_and_me(server: TestServer) -> None:
    handle = name("Alice")
    alice = await Api.register(server, handle)
    assert alice.user["handle"] == handle and alice.user["bot"] is False
    assert alice.token.startswith("hbb_") and len(alice.token) >= 43
    me = await alice.ok("GET", "/users/me")
    assert me["id"] == alice.id and me["created_at"].endswith("Z")
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        resp = await http.post(
            "/auth/login", json={"username": handle.upper(), "password": "correct horse battery"}
        )
        assert resp.status_code == 200
        second = resp.json()["token"]
        assert second != alice.token
        bad = await http.post(
            "/auth/login", json={"username": handle, "password": "wrong password"}
        )
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_credentials"
        nobody = await http.post(
            "/auth/login", json={"username": "nobody-here", "password": "whatever1"}
        )
        assert nobody.json()["error"]["code"] == "invalid_credentials"
    await alice.ok("POST", "/auth/logout", 204)
    await alice.error("GET", "/users/me", 401, "token_invalid")
    other = Api(server.url, second, alice.user)
    assert (await other.ok("GET", f"/users/{alice.id}"))["handle"] == handle
    await other.error("GET", "/users/999999", 404, "user_not_found")


async def test_handles_are_unique_case_insensitively(server: TestServer) -> None:
    handle = name("Bob")
    await Api.register(server, handle)
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        resp = await http.post(
            "/auth/register", json={"username": handle.lower(), "password": "x" * 10}
        )
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "username_taken"


async def test_bots_get_a_token_and_cannot_make_bots(server: TestServer) -> None:
    owner = await Api.register(server)
    created = await owner.ok("POST", "/bots", 201, json={"username": name("bot")})
    assert created["user"]["bot"] is True
    bot = Api(server.url, created["token"], created["user"])
    assert (await bot.ok("GET", "/users/me"))["bot"] is True
    await bot.error("POST", "/bots", 403, "bot_cannot_create_bots", json={"username": name("bot")})


async def test_room_lifecycle_and_membership(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room(description="d", topic="t")
    assert room["owner_id"] == alice.id and room["member_count"] == 1
    assert (await bob.ok("GET", f"/rooms/{room['id']}"))["name"] == room["name"]
    member = await bob.ok("POST", f"/rooms/{room['id']}/join")
    assert member["user"]["id"] == bob.id and member["role"] == "member"
    assert await bob.ok("POST", f"/rooms/{room['id']}/join") == member  # idempotent
    members = (await alice.ok("GET", f"/rooms/{room['id']}/members"))["members"]
    assert [(m["user"]["id"], m["role"]) for m in members] == [
        (alice.id, "owner"),
        (bob.id, "member"),
    ]
    await bob.error("PATCH", f"/rooms/{room['id']}", 403, "not_room_owner", json={"name": "x"})
    updated = await alice.ok(
        "PATCH", f"/rooms/{room['id']}", json={"name": "renamed", "topic": "new"}
    )
    assert (
        updated["name"] == "renamed" and updated["topic"] == "new" and updated["description"] == "d"
    )
    await bob.ok("POST", f"/rooms/{room['id']}/leave", 204)
    await bob.ok("POST", f"/rooms/{room['id']}/leave", 204)
    assert len((await alice.ok("GET", f"/rooms/{room['id']}/members"))["members"]) == 1
    await bob.error("DELETE", f"/rooms/{room['id']}", 403, "not_room_owner")
    await alice.ok("DELETE", f"/rooms/{room['id']}", 204)
    await alice.error("GET", f"/rooms/{room['id']}", 404, "room_not_found")


async def test_private_rooms_are_invisible_to_outsiders(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    secret = await private_room(server, alice)
    public = await alice.room()
    await bob.error("GET", f"/rooms/{secret['id']}", 404, "room_not_found")
    await bob.error("POST", f"/rooms/{secret['id']}/join", 404, "room_not_found")
    await bob.error("GET", f"/rooms/{secret['id']}/messages", 404, "room_not_found")
    listed = {r["id"] for r in (await bob.ok("GET", "/rooms?limit=100"))["rooms"]}
    assert public["id"] in listed and secret["id"] not in listed
    mine = {r["id"] for r in (await alice.ok("GET", "/rooms?joined=true"))["rooms"]}
    assert {public["id"], secret["id"]} <= mine


async def test_room_listing_pages(server: TestServer) -> None:
    alice = await Api.register(server)
    ids = [(await alice.room())["id"] for _ in range(5)]
    seen: list[int] = []
    after = None
    while True:
        params = {"limit": 2, "joined": "true"} | ({"after": after} if after else {})
        page = await alice.ok("GET", "/rooms", params=params)
        seen += [r["id"] for r in page["rooms"]]
        if not page["has_more"]:
            break
        after = seen[-1]
    assert seen == ids


async def test_only_members_post_and_only_author_or_owner_edit_and_delete(
    server: TestServer,
) -> None:
    owner = await Api.register(server)
    bob = await Api.register(server)
    carol = await Api.register(server)
    room = await owner.room()
    rid = room["id"]
    await bob.error("POST", f"/rooms/{rid}/messages", 403, "not_a_member", json={"content": "hi"})
    await bob.ok("POST", f"/rooms/{rid}/join")
    await carol.ok("POST", f"/rooms/{rid}/join")
    msg = await bob.send(rid, "hello *there*")
    assert msg["content"] == "hello *there*"
    assert msg["content_html"] == "<p>hello <em>there</em></p>"
    assert msg["content_text"] == "hello there"
    assert msg["author"]["id"] == bob.id and msg["deleted"] is False and msg["edit_count"] == 0
    await carol.error(
        "PATCH", f"/messages/{msg['id']}", 403, "not_message_author", json={"content": "x"}
    )
    await carol.error("DELETE", f"/messages/{msg['id']}", 403, "not_message_author")
    edited = await bob.ok("PATCH", f"/messages/{msg['id']}", json={"content": "edited"})
    assert edited["content"] == "edited" and edited["edit_count"] == 1 and edited["edited_at"]
    by_owner = await owner.ok("PATCH", f"/messages/{msg['id']}", json={"content": "moderated"})
    assert by_owner["edit_count"] == 2
    await owner.ok("DELETE", f"/messages/{msg['id']}", 204)
    tomb = await bob.ok("GET", f"/messages/{msg['id']}")
    assert tomb["deleted"] is True and tomb["content"] == "" and tomb["content_html"] == ""
    await bob.error(
        "PATCH", f"/messages/{msg['id']}", 409, "message_deleted", json={"content": "x"}
    )
    await bob.ok("DELETE", f"/messages/{msg['id']}", 204)  # deleting twice is still deleted


async def test_nonce_makes_sends_idempotent(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    first = await alice.send(room["id"], "once", nonce="n-1")
    again = await alice.ok(
        "POST", f"/rooms/{room['id']}/messages", 200, json={"content": "twice?", "nonce": "n-1"}
    )
    assert again == first
    # The same nonce from another user is another message.
    other = await bob.send(room["id"], "mine", nonce="n-1")
    assert other["id"] != first["id"]
    page = await alice.ok("GET", f"/rooms/{room['id']}/messages")
    assert [m["content"] for m in page["messages"]] == ["once", "mine"]


async def test_history_paging(server: TestServer) -> None:
    alice = await Api.register(server)
    rid = (await alice.room())["id"]
    server.core.rate_limiter.enabled = False
    ids = [(await alice.send(rid, f"m{i}"))["id"] for i in range(120)]
    newest = await alice.ok("GET", f"/rooms/{rid}/messages")
    assert [m["id"] for m in newest["messages"]] == ids[-50:] and newest["has_more"] is True
    older = await alice.ok(
        "GET", f"/rooms/{rid}/messages", params={"before": ids[-50], "limit": 100}
    )
    assert [m["id"] for m in older["messages"]] == ids[:70] and older["has_more"] is False
    forward = await alice.ok("GET", f"/rooms/{rid}/messages", params={"after": ids[9], "limit": 5})
    assert [m["id"] for m in forward["messages"]] == ids[10:15] and forward["has_more"] is True
    await alice.error(
        "GET", f"/rooms/{rid}/messages", 422, "validation_failed", params={"limit": 101}
    )
    await alice.error(
        "GET", f"/rooms/{rid}/messages", 422, "invalid_page", params={"before": 5, "after": 1}
    )


async def test_replies_carry_a_reference(server: TestServer) -> None:
    alice = await Api.register(server)
    rid = (await alice.room())["id"]
    parent = await alice.send(rid, "the **question**")
    reply = await alice.send(rid, "the answer", reply_to=parent["id"])
    assert reply["type"] == "reply"
    assert reply["reply_to"]["id"] == parent["id"]
    assert reply["reply_to"]["excerpt"] == "the question"
    other = (await alice.room())["id"]
    await alice.error(
        "POST",
        f"/rooms/{other}/messages",
        422,
        "invalid_reply_to",
        json={"content": "x", "reply_to": parent["id"]},
    )


async def test_rate_limit_answers_429_with_retry_after(backend: str) -> None:
    # A stopped clock: the bucket cannot refill between posts however slow the machine.
    clock = ManualClock()
    async with TestServer(database=await database_for(backend), clock=clock) as server:
        alice = await Api.register(server)
        rid = (await alice.room())["id"]
        statuses = []
        for i in range(12):
            resp = await alice.http.post(f"/rooms/{rid}/messages", json={"content": f"spam {i}"})
            statuses.append(resp.status_code)
            if resp.status_code == 429:
                assert resp.json()["error"]["code"] == "rate_limited"
                assert int(resp.headers["Retry-After"]) >= 1
                assert resp.json()["error"]["details"]["retry_after"] > 0
        assert statuses == [201] * 10 + [429] * 2
        # Once the bucket has refilled, posting works again.
        clock.advance(1.0)
        resp = await alice.http.post(f"/rooms/{rid}/messages", json={"content": "later"})
        assert resp.status_code == 201


async def test_openapi_and_docs(server: TestServer) -> None:
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
        docs = await http.get("/docs")
        health = (await http.get("/healthz")).json()
        metrics = await http.get("/metrics")
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/bots",
        "/api/v1/users/me",
        "/api/v1/users/{user_id}",
        "/api/v1/rooms",
        "/api/v1/rooms/{room_id}",
        "/api/v1/rooms/{room_id}/join",
        "/api/v1/rooms/{room_id}/leave",
        "/api/v1/rooms/{room_id}/members",
        "/api/v1/rooms/{room_id}/messages",
        "/api/v1/messages/{message_id}",
        "/api/v1/events",
    ):
        assert path in paths, path
    send = paths["/api/v1/rooms/{room_id}/messages"]["post"]
    assert "requestBody" in send and "201" in send["responses"]
    assert "Message" in spec["components"]["schemas"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    # Every asset the page loads comes from this server: no CDN.
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and all(a.startswith("/docs/assets/") for a in assets), assets
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        for asset in assets:
            resp = await http.get(asset)
            assert resp.status_code == 200 and len(resp.content) > 1000, asset
    assert health["status"] == "ok"
    assert "hubbub_gateway_connections" in metrics.text


async def test_owner_appoints_moderators_who_moderate_messages(server: TestServer) -> None:
    owner, mod, bob = [await Api.register(server) for _ in range(3)]
    rid = (await owner.room())["id"]
    for api in (mod, bob):
        await api.ok("POST", f"/rooms/{rid}/join")
    gw = await Gateway.connect(server, bob.token)
    await bob.error(
        "PATCH", f"/rooms/{rid}/members/{mod.id}", 403, "not_room_owner", json={"role": "moderator"}
    )
    member = await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    assert member["role"] == "moderator"
    updated = await gw.event("room.member.updated")
    assert updated["data"] == {
        "room_id": rid,
        "user_id": mod.id,
        "changes": {"role": "moderator"},
        "cleared": [],
    }
    msg = await bob.send(rid, "rude")
    await mod.ok("DELETE", f"/messages/{msg['id']}", 204)
    deleted = await gw.event("message.deleted")
    assert deleted["data"]["by_moderator"] is True
    await owner.error(
        "PATCH",
        f"/rooms/{rid}/members/{owner.id}",
        403,
        "cannot_change_owner",
        json={"role": "member"},
    )
    await owner.error(
        "PATCH", f"/rooms/{rid}/members/424242", 404, "member_not_found", json={"role": "member"}
    )
    await owner.error(
        "PATCH", f"/rooms/{rid}/members/{mod.id}", 422, "validation_failed", json={"role": "owner"}
    )
    members = (await owner.ok("GET", f"/rooms/{rid}/members"))["members"]
    assert [m["role"] for m in members] == ["owner", "moderator", "member"]


async def test_times_have_one_spelling_everywhere(server: TestServer) -> None:
    """REST response models and events spell times alike: ISO 8601 UTC, milliseconds, Z."""
    alice = await Api.register(server)
    room = await alice.room()
    sent = await alice.send(room["id"], "when?")
    spelled = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    fetched = await alice.ok("GET", f"/messages/{sent['id']}")
    times = [
        (await alice.ok("GET", "/users/me"))["created_at"],
        (await alice.ok("GET", f"/rooms/{room['id']}"))["created_at"],
        fetched["created_at"],
        (await alice.ok("GET", f"/rooms/{room['id']}/members"))["members"][0]["joined_at"],
        sent["created_at"],
    ]
    assert all(spelled.match(t) for t in times), times
    assert fetched["created_at"] == sent["created_at"]
