"""Webhooks over a real server (WH-01, WH-02, D.47): CRUD by the room's webhook managers
with `webhook.*` to moderators only, the token shown once, execution without an account
through the normal send pipeline, and the refusals."""

from __future__ import annotations

from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def _room_with_mod(server: TestServer) -> tuple[Api, Api, Api, dict[str, Any]]:
    """alice owns the room; carol moderates it; bob is a plain member."""
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    await alice.ok("PATCH", f"/rooms/{room['id']}/members/{carol.id}", json={"role": "moderator"})
    return alice, bob, carol, room


async def _execute(server: TestServer, path: str, status: int, **body: Any) -> dict[str, Any]:
    """POST to the webhook URL with no Authorization header at all."""
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        resp = await http.post(path, json=body)
    assert resp.status_code == status, resp.text
    out: dict[str, Any] = resp.json()
    return out


def _webhook_types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events if e["type"].startswith("webhook.")]


async def test_crud_with_events_to_moderators_only(server: TestServer) -> None:
    alice, bob, carol, room = await _room_with_mod(server)
    rid = room["id"]
    gw_alice = await Gateway.connect(server, alice.token)
    gw_bob = await Gateway.connect(server, bob.token)
    gw_carol = await Gateway.connect(server, carol.token)
    cursor = gw_carol.ready["cursor"]

    created = await carol.ok(
        "POST", f"/rooms/{rid}/webhooks", 201, json={"name": "CI", "avatar_url": "https://x.io/a"}
    )
    token = created.pop("token")
    assert isinstance(token, str) and len(token) >= 43
    assert created["room_id"] == rid and created["name"] == "CI"
    assert created["avatar_url"] == "https://x.io/a" and created["creator_id"] == carol.id
    assert created["permissions"] > 0
    wid = created["id"]

    # The creator's own copy carries the token; the moderators' copy does not.
    copies = [await gw_carol.event("webhook.created"), await gw_carol.event("webhook.created")]
    with_token = [c for c in copies if "token" in c["data"]["webhook"]]
    assert len(with_token) == 1 and with_token[0]["data"]["webhook"]["token"] == token
    assert with_token[0]["seq"] is None  # live only: the secret never enters the event log
    logged = await carol.ok("GET", "/events", params={"cursor": cursor})
    assert token not in str(logged)
    alice_copy = await gw_alice.event("webhook.created")
    assert "token" not in alice_copy["data"]["webhook"]
    assert alice_copy["data"]["webhook"] == created and alice_copy["room_id"] == rid

    # Reads never show the token again.
    listed = await alice.ok("GET", f"/rooms/{rid}/webhooks")
    assert listed["webhooks"] == [created]
    assert await carol.ok("GET", f"/webhooks/{wid}") == created

    updated = await alice.ok(
        "PATCH", f"/webhooks/{wid}", json={"name": "Builds", "avatar_url": None}
    )
    assert updated["name"] == "Builds" and updated["avatar_url"] is None and "token" not in updated
    event = await gw_carol.event("webhook.updated")
    assert event["data"] == {
        "webhook_id": wid,
        "room_id": rid,
        "changes": {"name": "Builds"},
        "cleared": ["avatar_url"],
    }
    # Nothing changed: no event.
    assert (await alice.ok("PATCH", f"/webhooks/{wid}", json={"name": "Builds"}))[
        "name"
    ] == "Builds"

    await alice.ok("DELETE", f"/webhooks/{wid}", 204)
    event = await gw_carol.event("webhook.deleted")
    assert event["data"] == {"webhook_id": wid, "room_id": rid}
    await alice.error("GET", f"/webhooks/{wid}", 404, "webhook_not_found")
    assert (await alice.ok("GET", f"/rooms/{rid}/webhooks"))["webhooks"] == []

    # The plain member saw none of it, live or on long-poll.
    await bob.send(rid, "marker")
    assert (await gw_bob.event())["type"] == "message.created"
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    assert _webhook_types(page["events"]) == []
    assert not any(e["type"] == "audit.entry.created" for e in page["events"])

    # The moderator gets the same sequence on long-poll and on resume, audits included.
    page = await carol.ok("GET", "/events", params={"cursor": cursor})
    expected = ["webhook.created", "webhook.updated", "webhook.deleted"]
    assert _webhook_types(page["events"]) == expected
    actions = [
        e["data"]["entry"]["action"] for e in page["events"] if e["type"] == "audit.entry.created"
    ]
    assert actions == ["webhook.created", "webhook.updated", "webhook.deleted"]
    resumed = await Gateway.connect(server, carol.token, cursor=cursor)
    replay = await resumed.events_until(lambda f: f["type"] == "message.created")
    assert _webhook_types(replay) == expected


async def test_execute_posts_through_the_send_pipeline(server: TestServer) -> None:
    alice, bob, _carol, room = await _room_with_mod(server)
    rid = room["id"]
    hook = await alice.ok(
        "POST", f"/rooms/{rid}/webhooks", 201, json={"name": "Deploy", "avatar_url": "https://a/b"}
    )
    path = f"/webhooks/{hook['id']}/{hook['token']}"
    gw = await Gateway.connect(server, bob.token)

    msg = await _execute(server, path, 201, content=f"shipped **v2** @{bob.user['handle']}")
    assert msg["webhook"] == {"id": hook["id"], "name": "Deploy", "avatar_url": "https://a/b"}
    assert msg["content_html"].startswith("<p>shipped <strong>v2</strong>")
    assert msg["mentions"] == [bob.id]
    assert msg["author"]["id"] not in (alice.id, bob.id)
    assert msg["author"]["display_name"] == "Deploy"
    event = await gw.event("message.created")
    assert event["data"]["message"] == msg
    assert (await gw.event("notification.created"))["data"]["notification"]["kind"] == "mention"

    # A per-post override of name and avatar.
    other = await _execute(server, path, 201, content="hi", name="Bot 2", avatar_url="https://c/d")
    assert other["webhook"] == {"id": hook["id"], "name": "Bot 2", "avatar_url": "https://c/d"}
    assert (await gw.event("message.created"))["data"]["message"]["webhook"]["name"] == "Bot 2"

    # Nonce: a retry answers 200 with the first message and posts nothing.
    first = await _execute(server, path, 201, content="once", nonce="n-1")
    again = await _execute(server, path, 200, content="once", nonce="n-1")
    assert again["id"] == first["id"]
    assert (await gw.event("message.created"))["data"]["message"]["id"] == first["id"]
    await gw.no_event()

    history = await bob.ok("GET", f"/rooms/{rid}/messages")
    shown = {m["id"]: m["webhook"] for m in history["messages"]}
    assert shown[msg["id"]]["name"] == "Deploy" and shown[other["id"]]["name"] == "Bot 2"
    ordinary = await bob.send(rid, "me")
    assert ordinary["webhook"] is None

    # Renaming the webhook keeps what earlier messages showed.
    await alice.ok("PATCH", f"/webhooks/{hook['id']}", json={"name": "Renamed"})
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["webhook"]["name"] == "Deploy"
    latest = await _execute(server, path, 201, content="new name")
    assert latest["webhook"]["name"] == "Renamed"


async def test_wrong_or_revoked_token_is_401(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    hook = await alice.ok("POST", f"/rooms/{room['id']}/webhooks", 201, json={"name": "W"})
    wid, token = hook["id"], hook["token"]

    async def refused(path: str, **body: Any) -> None:
        err = await _execute(server, path, 401, **body)
        assert err["error"]["code"] == "invalid_webhook_token"

    await refused(f"/webhooks/{wid}/{token}x", content="nope")
    await refused(f"/webhooks/{wid + 1000}/{token}", content="nope")
    # An account's token is not a webhook token either.
    await refused(f"/webhooks/{wid}/{alice.token}", content="nope")
    await alice.ok("DELETE", f"/webhooks/{wid}", 204)
    await refused(f"/webhooks/{wid}/{token}", content="after delete")
    history = await alice.ok("GET", f"/rooms/{room['id']}/messages")
    assert history["messages"] == []


async def test_refusals(server: TestServer) -> None:
    alice, bob, carol, room = await _room_with_mod(server)
    rid = room["id"]
    outsider = await Api.register(server)
    await bob.error("POST", f"/rooms/{rid}/webhooks", 403, "missing_permission", json={"name": "x"})
    await bob.error("GET", f"/rooms/{rid}/webhooks", 403, "missing_permission")
    # A closed space's room, which the outsider cannot see.
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Closed", "open": False})
    secret = space["system_room_id"]
    await outsider.error(
        "POST", f"/rooms/{secret}/webhooks", 404, "room_not_found", json={"name": "x"}
    )
    hook = await alice.ok("POST", f"/rooms/{secret}/webhooks", 201, json={"name": "S"})
    await outsider.error("GET", f"/webhooks/{hook['id']}", 404, "webhook_not_found")
    await outsider.error("DELETE", f"/webhooks/{hook['id']}", 404, "webhook_not_found")
    public = await alice.ok("POST", f"/rooms/{rid}/webhooks", 201, json={"name": "P"})
    await bob.error("GET", f"/webhooks/{public['id']}", 403, "missing_permission")
    await bob.error(
        "PATCH", f"/webhooks/{public['id']}", 403, "missing_permission", json={"name": "mine"}
    )
    await bob.error("DELETE", f"/webhooks/{public['id']}", 403, "missing_permission")

    bad: list[tuple[dict[str, Any], str]] = [
        ({"name": ""}, "invalid_webhook_name"),
        ({"name": "   "}, "invalid_webhook_name"),
        ({"name": "n" * 65}, "invalid_webhook_name"),
        ({"name": "ok", "avatar_url": "javascript:alert(1)"}, "invalid_avatar_url"),
        ({"name": "ok", "avatar_url": "https://"}, "invalid_avatar_url"),
        ({"name": "ok", "token": "mine"}, "validation_failed"),
        ({"name": 5}, "validation_failed"),
    ]
    for body, code in bad:
        await carol.error("POST", f"/rooms/{rid}/webhooks", 422, code, json=body)
    await carol.error(
        "PATCH", f"/webhooks/{public['id']}", 422, "invalid_webhook_name", json={"name": None}
    )
    assert len((await carol.ok("GET", f"/rooms/{rid}/webhooks"))["webhooks"]) == 1

    path = f"/webhooks/{public['id']}/{public['token']}"
    for body, code in [
        ({"content": ""}, "content_empty"),
        ({"content": "x", "name": ""}, "invalid_webhook_name"),
        ({"content": "x", "avatar_url": "ftp://a/b"}, "invalid_avatar_url"),
        ({"content": "x", "nonce": ""}, "invalid_nonce"),
        ({"content": "x", "reply_to": 1}, "validation_failed"),
    ]:
        err = await _execute(server, path, 422, **body)
        assert err["error"]["code"] == code, (body, err)
    assert (await alice.ok("GET", f"/rooms/{rid}/messages"))["messages"] == []
