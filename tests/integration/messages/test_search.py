"""Full-text search over a real server, on SQLite (FTS5) and PostgreSQL (tsvector): ranking,
highlighting, permissions, index upkeep on edit/delete, pagination, bad input."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.client.objects import SearchHit
from hubbub.testing import TestServer
from tests.integration.wire import Api, private_room


async def _search(api: Api, q: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = await api.ok("GET", "/search", params={"q": q, **params})
    return body


def _ids(body: dict[str, Any]) -> list[int]:
    return [r["message"]["id"] for r in body["results"]]


async def test_finds_ranks_and_highlights(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    once = await alice.send(room["id"], "the walrus sat on a rock near the sea")
    twice = await alice.send(room["id"], "walrus and another walrus sat on a rock")
    jumping = await alice.send(room["id"], "nothing to see here, kittens jumping along")

    body = await _search(alice, "walrus")
    assert _ids(body) == [twice["id"], once["id"]]  # more hits, higher rank
    assert body["has_more"] is False and body["cursor"] is None
    first = body["results"][0]
    assert first["message"]["content"] == twice["content"]
    assert first["message"]["author"]["id"] == alice.id
    assert first["highlight"].count("<mark>") == 2
    assert "<mark>walrus</mark>" in first["highlight"]

    # Case does not matter; words are stemmed ("jumps" finds "jumping").
    assert set(_ids(await _search(alice, "WALRUS"))) == {once["id"], twice["id"]}
    assert _ids(await _search(alice, "kitten jumps")) == [jumping["id"]]
    # Every word is required; a quoted phrase must appear in order.
    assert _ids(await _search(alice, "walrus sea")) == [once["id"]]
    assert _ids(await _search(alice, '"another walrus"')) == [twice["id"]]
    assert _ids(await _search(alice, '"walrus another"')) == []


async def test_highlight_escapes_the_text(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    await alice.send(room["id"], "`<script>alert(1)</script>` & <b>bold</b> payload here")
    body = await _search(alice, "payload")
    (hit,) = body["results"]
    html = hit["highlight"]
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>payload</mark>" in html
    # Only <mark> tags remain once the escaped text is removed.
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


async def test_only_readable_messages_are_found(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    public = await alice.room()
    private = await private_room(server, alice)
    other_public = await alice.room()
    in_public = await alice.send(public["id"], "zebra crossing in the public room")
    await alice.send(private["id"], "zebra secrets in the private room")
    in_other = await alice.send(other_public["id"], "zebra in a public room bob never joined")
    await bob.ok("POST", f"/rooms/{public['id']}/join")

    # By default: the rooms one is a member of. Never a private room one is not in.
    assert _ids(await _search(bob, "zebra")) == [in_public["id"]]
    assert len(_ids(await _search(alice, "zebra"))) == 3
    # A public room can be searched by id without joining it; a private one does not exist.
    assert _ids(await _search(bob, "zebra", room_id=other_public["id"])) == [in_other["id"]]
    await bob.error(
        "GET", "/search", 404, "room_not_found", params={"q": "zebra", "room_id": private["id"]}
    )
    await bob.error(
        "GET", "/search", 404, "room_not_found", params={"q": "zebra", "room_id": 999999}
    )

    # After leaving, the room drops out of the default scope.
    await bob.ok("POST", f"/rooms/{public['id']}/leave", 204)
    assert _ids(await _search(bob, "zebra")) == []
    # A deleted room is gone from search for everyone.
    await alice.ok("DELETE", f"/rooms/{public['id']}", 204)
    left = _ids(await _search(alice, "zebra"))
    assert len(left) == 2 and in_public["id"] not in left and in_other["id"] in left


async def test_edits_and_deletes_update_the_index(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    msg = await alice.send(room["id"], "the quick brown fox")
    assert _ids(await _search(alice, "fox")) == [msg["id"]]

    await alice.ok("PATCH", f"/messages/{msg['id']}", json={"content": "the lazy dog"})
    assert _ids(await _search(alice, "fox")) == []
    edited = await _search(alice, "lazy")
    assert _ids(edited) == [msg["id"]]
    assert edited["results"][0]["message"]["content"] == "the lazy dog"

    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    assert _ids(await _search(alice, "lazy")) == []
    assert _ids(await _search(alice, "dog")) == []


async def test_filters_sort_and_cursor_pages(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    mine = [(await alice.send(room["id"], f"llama number {i}"))["id"] for i in range(5)]
    theirs = [(await bob.send(room["id"], f"llama from bob {i}"))["id"] for i in range(2)]

    assert set(_ids(await _search(alice, "llama", author_id=bob.id))) == set(theirs)
    newest = await _search(alice, "llama", sort="newest")
    assert _ids(newest) == sorted(mine + theirs, reverse=True)
    assert _ids(await _search(alice, "llama", sort="newest", before=mine[3])) == mine[2::-1]
    assert _ids(await _search(alice, "llama", sort="newest", after=mine[3])) == [
        *theirs[::-1],
        mine[4],
    ]
    # Dates bound by creation time (ISO 8601); every message here is from "now".
    assert _ids(await _search(alice, "llama", before="2000-01-01")) == []
    assert len(_ids(await _search(alice, "llama", after="2000-01-01T00:00:00Z"))) == 7

    # Cursor paging: every hit exactly once, in the order of one big page.
    whole = _ids(await _search(alice, "llama", limit=100))
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = await _search(alice, "llama", **params)
        assert len(page["results"]) <= 3
        seen += _ids(page)
        if not page["has_more"]:
            assert page["cursor"] is None
            break
        params["cursor"] = page["cursor"]
    assert seen == whole and len(seen) == 7

    # A cursor belongs to its query.
    first = await _search(alice, "llama", limit=3)
    await alice.error(
        "GET",
        "/search",
        400,
        "invalid_cursor",
        params={"q": "number", "limit": 3, "cursor": first["cursor"]},
    )
    for junk in ("x", "!!!", "eyJvIjotMX0", "e30"):
        await alice.error(
            "GET", "/search", 400, "invalid_cursor", params={"q": "llama", "cursor": junk}
        )


HOSTILE = [
    '"',
    '"unbalanced',
    '""',
    "*",
    "llama*",
    "NEAR(llama bob)",
    "NEAR(",
    "-llama",
    "llama AND OR NOT",
    "AND",
    "OR llama",
    "col:llama",
    "content_text:llama",
    "^llama",
    "llama + - ( ) { } [ ] : ! & | < > '",
    "!!!",
    "\\",
    "'; DROP TABLE messages; --",
    "日本語 テキスト",
    "\u0000llama",
    "\ue000llama\ue001",
]


async def test_hostile_queries_never_fail(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    msg = await alice.send(room["id"], "llama from bob")
    for q in HOSTILE:
        body = await _search(alice, q)
        assert isinstance(body["results"], list), q
    # Operators are read as plain words: these still find the message.
    for q in ("llama*", "-llama", '"llama', "(llama)", "llama:", "^bob"):
        assert _ids(await _search(alice, q)) == [msg["id"]], q


async def test_bad_input_is_a_typed_4xx(server: TestServer) -> None:
    alice = await Api.register(server)
    await alice.error("GET", "/search", 422, "invalid_query")
    await alice.error("GET", "/search", 422, "invalid_query", params={"q": ""})
    await alice.error("GET", "/search", 422, "invalid_query", params={"q": "   "})
    await alice.error("GET", "/search", 422, "invalid_query", params={"q": "a" * 300})
    assert (await _search(alice, "a" * 200))["results"] == []
    bad = {"q": "x"}
    await alice.error("GET", "/search", 422, "validation_failed", params={**bad, "limit": 0})
    await alice.error("GET", "/search", 422, "validation_failed", params={**bad, "limit": 101})
    await alice.error("GET", "/search", 422, "validation_failed", params={**bad, "room_id": "a"})
    await alice.error("GET", "/search", 422, "validation_failed", params={**bad, "sort": "up"})
    await alice.error("GET", "/search", 422, "invalid_bound", params={**bad, "before": "soon"})
    await alice.error("GET", "/search", 422, "invalid_bound", params={**bad, "after": "9" * 30})
    resp = await alice.http.get("/search", params=bad, headers={"Authorization": ""})
    assert resp.status_code == 401


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sdk_search(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    ids = [(await alice.send(room["id"], f"okapi sighting {i}"))["id"] for i in range(5)]
    await alice.send(room["id"], "nothing relevant")
    async with hubbub.Client(server.url, token=alice.token) as client:
        hits = [h async for h in client.search("okapi", page_size=2)]
        assert sorted(h.message.id for h in hits) == ids
        assert all(isinstance(h, SearchHit) for h in hits)
        assert "<mark>okapi</mark>" in hits[0].highlight
        assert hits[0].message is client.get_message(hits[0].message.id)

        newest = [h.message.id async for h in client.search("okapi", sort="newest", limit=3)]
        assert newest == ids[:1:-1]
        sdk_room = await client.fetch_room(room["id"])
        in_room = [h.message.id async for h in sdk_room.search("sighting", limit=10)]
        assert sorted(in_room) == ids
        # Show a hit in context.
        context = await sdk_room.messages(around=hits[0].message, limit=3)
        assert hits[0].message.id in [m.id for m in context]
        with pytest.raises(hubbub.ValidationError) as exc:
            [h async for h in client.search("")]
        assert exc.value.code == "invalid_query"
