"""The room directory, `GET /rooms?q=&not_joined=`, on SQLite and PostgreSQL: `q` finds
rooms by the start of their name or of a word of their name or topic (any case, LIKE's
wildcards as plain characters), `not_joined` keeps the directory's rooms the caller is
not in, both page by id like the whole list; bad input is a typed 422; the SDK and the
CLI's room names use them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, private_room


async def _ids(api: Api, **params: Any) -> list[int]:
    body = await api.ok("GET", "/rooms?" + urlencode(params))
    assert body["has_more"] is False
    return [r["id"] for r in body["rooms"]]


async def test_q_finds_a_word_of_the_name_or_topic(server: TestServer) -> None:
    alice = await Api.register(server)
    names = [
        "Launch Pad",
        "dev-ops corner",
        "team_chat",
        "back/slash",
        "100% Pure",
        "a_b",
        "axb",
        "Émile Zola",
        "Misc",
    ]
    ids = {n: (await alice.room(n))["id"] for n in names}
    await alice.ok("PATCH", f"/rooms/{ids['Misc']}", json={"topic": "Weekly launch review"})

    async def found(q: str) -> list[int]:
        return await _ids(alice, q=q)

    # The name's start, a later word's start, a topic word's start; any case.
    assert await found("laun") == [ids["Launch Pad"], ids["Misc"]]
    assert await found("PAD") == [ids["Launch Pad"]]
    assert await found("launch pad") == [ids["Launch Pad"]]
    assert await found("review") == [ids["Misc"]]
    assert await found("Émile") == [ids["Émile Zola"]]
    assert await found("éMILE") == [ids["Émile Zola"]]  # all of Unicode, either database
    assert await found("zola") == [ids["Émile Zola"]]
    # Words break at spaces, hyphens, underscores and slashes; not inside a word.
    assert await found("ops") == [ids["dev-ops corner"]]
    assert await found("chat") == [ids["team_chat"]]
    assert await found("slash") == [ids["back/slash"]]
    assert await found("unch") == []
    assert await found("ure") == []
    # LIKE's wildcards and the escape character are plain characters.
    assert await found("100%") == [ids["100% Pure"]]
    assert await found("%") == []
    assert await found("a_") == [ids["a_b"]]
    assert await found("_") == []
    assert await found("back/") == [ids["back/slash"]]
    assert await found("/") == []
    # Space around the text does not count.
    assert await found("  pure ") == [ids["100% Pure"]]

    # A topic cleared no longer matches.
    await alice.ok("PATCH", f"/rooms/{ids['Misc']}", json={"topic": None})
    assert await found("review") == []


async def test_not_joined_lists_the_directory_rooms_the_caller_is_not_in(
    server: TestServer,
) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    public = (await alice.room("public one"))["id"]
    gallery = (await alice.room("gallery one", access_mode="gallery"))["id"]
    closed = (await alice.room("closed one", allow_entry=False))["id"]
    joined = (await alice.room("joined one"))["id"]
    await bob.ok("POST", f"/rooms/{joined}/join")
    banned = (await alice.room("banned one"))["id"]
    await alice.ok("PUT", f"/rooms/{banned}/bans/{bob.id}", json={"kind": "ban", "reason": "x"})
    secret = (await private_room(server, alice, name="private one"))["id"]
    bobs_secret = (await private_room(server, bob, name="private two"))["id"]
    dm = (await alice.ok("POST", f"/users/{bob.id}/dm", 201))["id"]
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild one", "open": True})
    await bob.ok("POST", f"/spaces/{space['id']}/join")

    # Bob's directory: what he may join and is not in. A room closed to new members is
    # there (its owner may open it again; joining says why not meanwhile).
    assert await _ids(bob, not_joined="true") == [public, gallery, closed]
    assert await _ids(bob, not_joined="true", q="one") == [public, gallery, closed]
    assert await _ids(bob, not_joined="true", q="closed") == [closed]
    assert await _ids(bob, not_joined="true", q="joined") == []
    assert await _ids(bob, q="joined") == [joined]
    # The other lists are as before: his own rooms; his own and the directory's.
    mine = await _ids(bob, joined="true")
    assert set(mine) == {joined, bobs_secret, dm, int(space["system_room_id"])}
    everything = await _ids(bob)
    assert set(everything) == {public, gallery, closed, *mine}
    assert banned not in everything and secret not in everything
    # Alice, in all of hers, has nothing left to join; once Bob joins one, he has one less.
    assert await _ids(alice, not_joined="true") == []
    await bob.ok("POST", f"/rooms/{public}/join")
    assert await _ids(bob, not_joined="true") == [gallery, closed]
    await bob.ok("POST", f"/rooms/{public}/leave", 204)
    assert await _ids(bob, not_joined="true") == [public, gallery, closed]

    # An anonymous reader is in no room: its directory is every listed room, searchable.
    async with httpx.AsyncClient(
        verify=default_tls(), base_url=server.url + "/api/v1"
    ) as anonymous:
        for params, wanted in (
            ({"not_joined": "true"}, [public, gallery, closed, joined, banned]),
            ({"q": "gallery"}, [gallery]),
            ({"q": "private"}, []),
        ):
            resp = await anonymous.get("/rooms", params=params)
            assert resp.status_code == 200, resp.text
            assert [r["id"] for r in resp.json()["rooms"]] == wanted


async def test_q_and_not_joined_page_by_id_without_gaps_or_repeats(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    wanted: list[int] = []
    for i in range(9):
        room = await alice.room(f"alpha {i}" if i % 3 else f"beta {i}", topic="x")
        if i % 3:
            wanted.append(room["id"])
    await bob.ok("POST", f"/rooms/{wanted[2]}/join")
    for params, expected in (
        ({"q": "ALPHA"}, wanted),
        ({"q": "alpha", "not_joined": "true"}, wanted[:2] + wanted[3:]),
    ):
        seen: list[int] = []
        more: list[bool] = []
        after: int | None = None
        while True:
            page_params = {**params, "limit": 2} | ({} if after is None else {"after": after})
            page = await bob.ok("GET", "/rooms", params=page_params)
            seen += [r["id"] for r in page["rooms"]]
            more.append(page["has_more"])
            if not page["has_more"]:
                break
            after = page["rooms"][-1]["id"]
        assert seen == expected, params
        assert len(more) == (len(expected) + 1) // 2 and more[-1] is False


async def test_bad_queries_and_filters_are_typed_errors(server: TestServer) -> None:
    alice = await Api.register(server)
    await alice.room("kept")
    await alice.error(
        "GET", "/rooms", 422, "invalid_room_filter", params={"joined": "true", "not_joined": "true"}
    )
    for flag in ("maybe", "2", ""):
        await alice.error("GET", "/rooms", 422, "validation_failed", params={"not_joined": flag})
    for q in ("", "   ", "x" * 65):
        await alice.error("GET", "/rooms", 422, "invalid_query", params={"q": q})
        await alice.error("GET", "/rooms", 422, "invalid_query", params={"q": q, "not_joined": 1})
    await alice.error("GET", "/rooms", 422, "nul_character", params={"q": "ke\x00pt"})
    assert (await alice.ok("GET", "/rooms", params={"q": "x" * 64}))["rooms"] == []
    # A false flag is no filter; joined=true with not_joined=false is the joined list.
    listed = await alice.ok("GET", "/rooms", params={"q": "kept", "not_joined": "false"})
    assert [r["name"] for r in listed["rooms"]] == ["kept"]
    mine = await alice.ok("GET", "/rooms", params={"joined": "true", "not_joined": "false"})
    assert [r["name"] for r in mine["rooms"]] == ["kept"]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_sdk_searches_and_lists_rooms_to_join(server: TestServer) -> None:
    owner, reader = await server.user(), await server.user()
    rooms = [await server.room(owner, f"garden {i}", topic="plants") for i in range(5)]
    await server.room(owner, "kitchen")
    await reader.join(rooms[1])
    async with reader.client() as client:
        found = [r.id async for r in client.fetch_rooms(query="Garden", page_size=2)]
        assert found == [r["id"] for r in rooms]
        to_join = [r.id async for r in client.fetch_rooms(not_joined=True, query="plant")]
        assert to_join == [r["id"] for r in rooms if r is not rooms[1]]
        page = await client.http.list_rooms(q="garden", not_joined=True, limit=2)
        assert [r.id for r in page.rooms] == [rooms[0]["id"], rooms[2]["id"]] and page.has_more
        page = await client.http.list_rooms(q="garden", after=rooms[3]["id"])
        assert [r.id for r in page.rooms] == [rooms[4]["id"]] and not page.has_more
