"""Content over a real server (SQLite and PostgreSQL): rendering, mentions and D.11's
parent_id, message types, quotes, ads, `/me` actions and privileged backdating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hubbub.server.services.auth import hash_token
from hubbub.server.store.content import IMPORT, grant_txn
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name, private_room


async def _room_with(owner: Api, *others: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in others:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def _post(api: Api, room_id: int, status: int = 201, **body: Any) -> Any:
    return await api.ok("POST", f"/rooms/{room_id}/messages", status, json=body)


async def test_source_html_and_text_are_all_returned(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    source = "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    sent = await alice.send(room["id"], source)
    assert sent["content"] == source
    assert sent["type"] == "speech"
    assert "<script" not in sent["content_html"] and "<strong>bold</strong>" in sent["content_html"]
    assert "javascript:" not in sent["content_html"].replace("[x](javascript:alert(1))", "")
    assert 'href="javascript' not in sent["content_html"]
    assert sent["content_text"].startswith("bold <script>alert(1)</script>")
    fetched = await alice.ok("GET", f"/messages/{sent['id']}")
    assert (fetched["content"], fetched["content_html"], fetched["content_text"]) == (
        sent["content"],
        sent["content_html"],
        sent["content_text"],
    )


async def test_mentions_are_parsed_stored_and_shown(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server, name(p)) for p in ("Alice", "Bob", "Carol")]
    room = await _room_with(alice, bob, carol)
    content = (
        f"hi @{bob.user['handle'].upper()} and @{carol.user['handle']}, "
        f"again @{bob.user['handle']}; not `@{alice.user['handle']}` nor "
        f"[@{alice.user['handle']}](https://x.example) nor @nobody_here_at_all"
    )
    sent = await alice.send(room["id"], content)
    assert sent["mentions"] == sorted([bob.id, carol.id])
    fetched = await bob.ok("GET", f"/messages/{sent['id']}")
    assert fetched["mentions"] == sent["mentions"]
    page = await bob.ok("GET", f"/rooms/{room['id']}/messages")
    assert page["messages"][-1]["mentions"] == sent["mentions"]
    # a code block is not a mention either, and an e-mail address is not one
    quiet = await alice.send(
        room["id"], f"```\n@{bob.user['handle']}\n```\nmail x@{bob.user['handle']}"
    )
    assert quiet["mentions"] == []


async def test_parent_id_follows_d11(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob, carol)
    await bob.send(room["id"], "bob one")
    bob_last = await bob.send(room["id"], "bob two")
    carol_msg = await carol.send(room["id"], "carol")
    # one user mentioned: that user's latest message in the room
    ping = await alice.send(room["id"], f"@{bob.user['handle']} what do you mean?")
    assert (ping["parent_id"], ping["show_parent"], ping["type"]) == (
        bob_last["id"],
        False,
        "speech",
    )
    # an explicit reply wins, and is shown
    reply = await alice.send(room["id"], f"@{bob.user['handle']} see", reply_to=carol_msg["id"])
    assert (reply["parent_id"], reply["show_parent"], reply["type"]) == (
        carol_msg["id"],
        True,
        "reply",
    )
    assert reply["reply_to"]["id"] == carol_msg["id"]
    # two mentioned, or one who never posted here: no parent
    both = await alice.send(room["id"], f"@{bob.user['handle']} @{carol.user['handle']}")
    dave = await Api.register(server)
    silent = await alice.send(room["id"], f"@{dave.user['handle']} hello")
    assert both["parent_id"] is None and silent["parent_id"] is None


async def test_custom_messages_and_payloads(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    goal = await _post(
        alice,
        room["id"],
        type="custom",
        custom_type="goal",
        custom_id="match-7:goal-2",
        custom_payload={"score": [2, 1], "side": "home", "nested": {"ok": True}},
    )
    assert goal["type"] == "custom" and goal["content"] == ""
    assert (goal["custom_type"], goal["custom_id"]) == ("goal", "match-7:goal-2")
    assert goal["custom_payload"] == {"score": [2, 1], "side": "home", "nested": {"ok": True}}
    # D.73: a string holding JSON is stored as what it holds
    stringy = await _post(
        alice, room["id"], content="score!", custom_payload='{"score": [3, 1]}', custom_type="g"
    )
    assert stringy["custom_payload"] == {"score": [3, 1]} and stringy["type"] == "speech"
    listed = (await alice.ok("GET", f"/rooms/{room['id']}/messages"))["messages"]
    assert [m["custom_payload"] for m in listed] == [goal["custom_payload"], {"score": [3, 1]}]

    too_big = {"blob": "x" * (16 * 1024)}
    await alice.error(
        "POST",
        f"/rooms/{room['id']}/messages",
        413,
        "custom_payload_too_large",
        json={"content": "big", "custom_payload": too_big},
    )
    path = f"/rooms/{room['id']}/messages"
    await alice.error("POST", path, 422, "custom_type_required", json={"type": "custom"})
    await alice.error(
        "POST", path, 422, "invalid_custom_type", json={"content": "x", "custom_type": "a b"}
    )
    await alice.error("POST", path, 422, "content_empty", json={"type": "speech"})
    await alice.error(
        "POST", path, 403, "system_type_reserved", json={"content": "x", "type": "system"}
    )
    await alice.error("POST", path, 422, "validation_failed", json={"content": "x", "type": "nope"})
    await alice.error(
        "POST", path, 422, "reply_to_required", json={"content": "x", "type": "reply"}
    )
    # nothing half-written
    after = (await alice.ok("GET", f"/rooms/{room['id']}/messages"))["messages"]
    assert len(after) == 2


async def test_announcements_and_ads_need_moderator_rights(server: TestServer) -> None:
    owner, mod, member = [await Api.register(server) for _ in range(3)]
    room = await _room_with(owner, mod, member)
    await owner.ok("PATCH", f"/rooms/{room['id']}/members/{mod.id}", json={"role": "moderator"})
    path = f"/rooms/{room['id']}/messages"
    news = await _post(owner, room["id"], content="Doors open at 8", type="announcement")
    assert news["type"] == "announcement"
    await member.error(
        "POST", path, 403, "not_moderator", json={"content": "me too", "type": "announcement"}
    )
    ad = {"message": "Buy!", "img": "https://ads.example/a.png", "link": "https://shop.example"}
    posted = await _post(mod, room["id"], ad={**ad, "id": "campaign-1"})
    assert posted["type"] == "ad" and posted["ad"] == {**ad, "id": "campaign-1"}
    await member.error("POST", path, 403, "not_moderator", json={"ad": ad})
    for bad in ("javascript:alert(1)", "ftp://x.example/a.png", "//ads.example/a.png", "no"):
        await mod.error("POST", path, 422, "invalid_ad_url", json={"ad": {**ad, "img": bad}})
    await mod.error("POST", path, 422, "validation_failed", json={"ad": {"img": ad["img"]}})
    await mod.error("POST", path, 422, "ad_required", json={"content": "x", "type": "ad"})
    await mod.error("POST", path, 422, "invalid_type", json={"type": "announcement", "ad": ad})


async def test_me_becomes_an_action_when_the_room_allows_it(server: TestServer) -> None:
    owner, member = await Api.register(server), await Api.register(server)
    room = await _room_with(owner, member)
    assert room["allow_actions"] is True and room["edit_window_s"] == 0
    waved = await member.send(room["id"], "/me waves")
    assert (waved["type"], waved["content"], waved["content_html"]) == (
        "action",
        "waves",
        "<p>waves</p>",
    )
    explicit = await _post(member, room["id"], content="dances", type="action")
    assert explicit["type"] == "action"
    assert (await member.send(room["id"], "/meow is not a command"))["type"] == "speech"

    async with await Gateway.connect(server, member.token) as gw:
        await member.error(
            "PATCH", f"/rooms/{room['id']}", 403, "not_room_owner", json={"allow_actions": False}
        )
        changed = await owner.ok("PATCH", f"/rooms/{room['id']}", json={"allow_actions": False})
        assert changed["allow_actions"] is False
        event = await gw.event("room.updated")
        assert event["data"]["changes"] == {"allow_actions": False}
    path = f"/rooms/{room['id']}/messages"
    # D.77: with actions off, `/me` is refused, not posted as text
    await member.error("POST", path, 403, "actions_disabled", json={"content": "/me waves"})
    await member.error(
        "POST", path, 403, "actions_disabled", json={"content": "x", "type": "action"}
    )
    await owner.error(
        "PATCH", f"/rooms/{room['id']}", 422, "validation_failed", json={"allow_actions": "no"}
    )
    quiet = await owner.room(allow_actions=False, edit_window_s=60)
    assert (quiet["allow_actions"], quiet["edit_window_s"]) == (False, 60)
    assert (await owner.ok("GET", f"/rooms/{quiet['id']}"))["allow_actions"] is False


async def test_quotes_embed_a_readable_message(server: TestServer) -> None:
    alice, bob, eve = [await Api.register(server) for _ in range(3)]
    elsewhere = await _room_with(bob)
    room = await _room_with(alice, bob)
    original = await bob.send(elsewhere["id"], "a **quotable** line")
    async with await Gateway.connect(server, bob.token) as gw:
        quote = await _post(
            alice,
            room["id"],
            content="so true",
            quote_of={
                "id": original["id"],
                "custom_field1": "f1",
                "custom_field2": "f2",
                "custom_tags": ["wisdom", "bob"],
            },
        )
        assert quote["type"] == "quote"
        q = quote["quote_of"]
        assert (q["id"], q["room_id"], q["author"]["id"], q["content_text"]) == (
            original["id"],
            elsewhere["id"],
            bob.id,
            "a quotable line",
        )
        assert (q["custom_field1"], q["custom_field2"], q["custom_tags"]) == (
            "f1",
            "f2",
            ["wisdom", "bob"],
        )
        note = await gw.event("notification.created")
        assert note["data"]["notification"]["kind"] == "reply"
        assert note["data"]["notification"]["data"]["quote"] is True
    path = f"/rooms/{room['id']}/messages"
    await alice.error("POST", path, 422, "invalid_quote_of", json={"quote_of": {"id": 999999}})
    secret_room = await private_room(server, bob)
    secret = await bob.send(secret_room["id"], "psst")
    await alice.error(
        "POST", path, 422, "invalid_quote_of", json={"quote_of": {"id": secret["id"]}}
    )
    await alice.error(
        "POST", path, 422, "quote_of_required", json={"content": "x", "type": "quote"}
    )
    await alice.error(
        "POST",
        path,
        422,
        "invalid_custom_tags",
        json={"quote_of": {"id": original["id"], "custom_tags": ["x" * 65]}},
    )
    assert eve.id  # a stranger never saw any of it
    assert (await eve.ok("GET", "/notifications"))["notifications"] == []


async def _grant_import(server: TestServer, token: str) -> None:
    token_hash = hash_token(token)
    assert await server.core.log.run(lambda tx: grant_txn(tx.conn, token_hash, IMPORT))


async def test_backdating_needs_the_import_permission(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    first = await alice.send(room["id"], "live one")
    then = datetime(2020, 5, 17, 12, 30, 15, 250000, tzinfo=UTC)
    path = f"/rooms/{room['id']}/messages"
    body = {"content": "imported", "created_at": then.isoformat()}
    await alice.error("POST", path, 403, "import_permission_required", json=body)

    created = await alice.ok("POST", "/bots", 201, json={"username": name("importer")})
    importer = Api(server.url, created["token"], created["user"])
    await importer.ok("POST", f"/rooms/{room['id']}/join")
    await importer.error("POST", path, 403, "import_permission_required", json=body)
    await _grant_import(server, importer.token)
    old = await importer.ok("POST", path, 201, json=body)
    assert old["created_at"] == "2020-05-17T12:30:15.250Z"
    # D.71: ts is the receive time; the id keeps insertion order
    assert old["ts"] > int(then.timestamp() * 1000) + 10**9
    assert old["id"] > first["id"]
    older = await importer.ok(
        "POST", path, 201, json={"content": "older", "created_at": "2019-01-01T00:00:00Z"}
    )
    page = (await alice.ok("GET", f"/rooms/{room['id']}/messages"))["messages"]
    assert [m["id"] for m in page] == [first["id"], old["id"], older["id"]]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await importer.error(
        "POST", path, 422, "invalid_created_at", json={"content": "x", "created_at": future}
    )
    await importer.error(
        "POST", path, 422, "invalid_created_at", json={"content": "x", "created_at": "yesterday"}
    )
