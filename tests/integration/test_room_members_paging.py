"""`GET /rooms/{id}/members` pages by user id and searches by handle or display-name
word, on SQLite and PostgreSQL; `GET /rooms/{id}/members/{user_id}` reads one member."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hubbub.testing import TestServer
from tests.integration.wire import Api, name, private_room


async def _crowd(owner: Api, server: TestServer, count: int) -> tuple[int, list[Api]]:
    rid = int((await owner.room())["id"])
    members = [await Api.register(server) for _ in range(count)]
    for api in members:
        await api.ok("POST", f"/rooms/{rid}/join")
    return rid, members


async def _ids(api: Api, path: str) -> list[int]:
    body = await api.ok("GET", path)
    return [m["user"]["id"] for m in body["members"]]


async def test_pages_follow_user_ids_without_gaps_or_repeats(server: TestServer) -> None:
    owner = await Api.register(server)
    rid, members = await _crowd(owner, server, 6)
    everyone = sorted([owner.id, *(m.id for m in members)])

    whole = await owner.ok("GET", f"/rooms/{rid}/members")
    assert [m["user"]["id"] for m in whole["members"]] == everyone
    assert whole["has_more"] is False
    assert whole["members"][0] == {
        "room_id": rid,
        "user": {
            "id": owner.id,
            "handle": owner.user["handle"],
            "display_name": owner.user["display_name"],
            "avatar_url": None,
        },
        "role": "owner",
        "level": "owner",
        "joined_at": whole["members"][0]["joined_at"],
    }

    seen: list[int] = []
    pages: list[bool] = []
    after: int | None = None
    while True:
        query = "?limit=3" + ("" if after is None else f"&after={after}")
        page = await owner.ok("GET", f"/rooms/{rid}/members{query}")
        seen += [m["user"]["id"] for m in page["members"]]
        pages.append(page["has_more"])
        if not page["has_more"]:
            break
        after = page["members"][-1]["user"]["id"]
    assert seen == everyone
    assert pages == [True, True, False]

    # A page that ends exactly at the last member says so; past the end is empty.
    exact = await owner.ok("GET", f"/rooms/{rid}/members?limit=7")
    assert len(exact["members"]) == 7 and exact["has_more"] is False
    past = await owner.ok("GET", f"/rooms/{rid}/members?after={everyone[-1]}")
    assert past == {"members": [], "has_more": False}

    # Who left is gone from the pages; whoever is read sees the same list.
    await members[0].ok("POST", f"/rooms/{rid}/leave", 204)
    assert await _ids(members[1], f"/rooms/{rid}/members") == [
        i for i in everyone if i != members[0].id
    ]


async def test_q_finds_handles_and_display_name_words(server: TestServer) -> None:
    owner = await Api.register(server)
    rid, members = await _crowd(owner, server, 8)
    names = [
        "Mary Jane Watson",
        "100% Pure",
        "1000 Pure",
        "a_b",
        "axb",
        "back\\slash",
        "backXslash",
        "Émile Zola",
    ]
    for api, display in zip(members, names, strict=True):
        await api.ok("PATCH", "/users/me", json={"display_name": display})
    by_name = dict(zip(names, (m.id for m in members), strict=True))

    async def found(q: str) -> list[int]:
        return await _ids(owner, f"/rooms/{rid}/members?q={quote(q, safe='')}")

    # A word of the display name, any case; not the middle of a word.
    assert await found("wat") == [by_name["Mary Jane Watson"]]
    assert await found("JANE") == [by_name["Mary Jane Watson"]]
    assert await found("ary") == []
    # LIKE's wildcards and its escape character are plain characters.
    assert await found("100%") == [by_name["100% Pure"]]
    assert await found("a_") == [by_name["a_b"]]
    assert await found("back\\") == [by_name["back\\slash"]]
    assert await found("%") == []
    assert await found("_") == []
    # Space around the text does not count; one too many characters is refused below.
    assert await found("  zola ") == [by_name["Émile Zola"]]
    # Any case of all of Unicode, on SQLite as on PostgreSQL.
    assert await found("émile") == [by_name["Émile Zola"]]
    assert await found("ÉMILE") == [by_name["Émile Zola"]]

    # A handle's prefix, any case (handles are ASCII).
    handle = members[4].user["handle"]
    prefix = handle[:-1]
    assert await found(prefix.upper()) == sorted(
        api.id for api in (owner, *members) if api.user["handle"].startswith(prefix)
    )
    assert by_name["axb"] in await found(handle.lower())

    # q pages like the whole list.
    pured = f"/rooms/{rid}/members?q=pure&limit=1"
    first = await owner.ok("GET", pured)
    assert [m["user"]["id"] for m in first["members"]] == [by_name["100% Pure"]]
    assert first["has_more"] is True
    after = first["members"][0]["user"]["id"]
    rest = await owner.ok("GET", f"{pured}&after={after}")
    assert [m["user"]["id"] for m in rest["members"]] == [by_name["1000 Pure"]]
    assert rest["has_more"] is False


async def test_bad_paging_and_queries_are_typed_errors(lite: TestServer) -> None:
    owner = await Api.register(lite)
    rid = (await owner.room())["id"]
    path = f"/rooms/{rid}/members"
    for query in ("limit=0", "limit=1001", "limit=x", "after=-1", "after=x", f"after={2**63}"):
        await owner.error("GET", f"{path}?{query}", 422, "validation_failed")
    await owner.ok("GET", f"{path}?limit=1000&after=0")
    for q in ("", "   ", "x" * 65):
        await owner.error("GET", path, 422, "invalid_query", params={"q": q})
    await owner.ok("GET", path, params={"q": "x" * 64})
    await owner.error("GET", path, 422, "nul_character", params={"q": "a\x00b"})
    await owner.error("GET", f"{path}/0", 422, "validation_failed")
    await owner.error("GET", f"{path}/abc", 422, "validation_failed")


async def test_who_may_read_the_members_is_unchanged(server: TestServer) -> None:
    owner, bob, stranger = [await Api.register(server) for _ in range(3)]
    public = (await owner.room())["id"]
    await bob.ok("POST", f"/rooms/{public}/join")
    hidden = (await private_room(server, owner))["id"]

    # A public room's members are readable by any signed-in user; a private room's are
    # not even there for an outsider.
    assert await _ids(stranger, f"/rooms/{public}/members") == [owner.id, bob.id]
    for path in ("members", "members?limit=1&q=a", f"members/{owner.id}"):
        await stranger.error("GET", f"/rooms/{hidden}/{path}", 404, "room_not_found")
    await stranger.error("GET", "/rooms/987654321/members", 404, "room_not_found")

    # A banned user reads nothing of the room.
    await owner.ok("PUT", f"/rooms/{public}/bans/{bob.id}", json={"kind": "ban", "reason": "spam"})
    await bob.error("GET", f"/rooms/{public}/members", 403, "banned_from_room")
    await bob.error("GET", f"/rooms/{public}/members/{owner.id}", 403, "banned_from_room")


async def test_one_member(server: TestServer) -> None:
    owner, bob, stranger = [await Api.register(server) for _ in range(3)]
    rid = (await owner.room())["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    listed = (await owner.ok("GET", f"/rooms/{rid}/members"))["members"]
    one: dict[str, Any] = await stranger.ok("GET", f"/rooms/{rid}/members/{bob.id}")
    assert one == listed[1] and one["user"]["id"] == bob.id and one["role"] == "member"
    await owner.error("GET", f"/rooms/{rid}/members/{stranger.id}", 404, "member_not_found")
    await owner.error("GET", f"/rooms/{rid}/members/987654321", 404, "member_not_found")
    await bob.ok("POST", f"/rooms/{rid}/leave", 204)
    await owner.error("GET", f"/rooms/{rid}/members/{bob.id}", 404, "member_not_found")


async def test_the_sdk_pages_and_searches(lite: TestServer) -> None:
    owner = await lite.user()
    crowd = [await lite.user(name("paged")) for _ in range(5)]
    room = await lite.room(owner, members=crowd)
    await crowd[2].request("PATCH", "/users/me", json={"display_name": "Zora Quill"})
    everyone = sorted([owner.id, *(u.id for u in crowd)])
    async with owner.client() as client:
        sdk_room = client.room(room["id"])
        assert [m.id for m in await sdk_room.members(page_size=2)] == everyone
        assert [m.id for m in await sdk_room.members(limit=3, page_size=2)] == everyone[:3]
        assert [m.id for m in await sdk_room.members(query="quill")] == [crowd[2].id]
        assert [m.user.id for m in await client.http.list_members(room["id"])] == everyone
        page = await client.http.list_room_members(room["id"], after=everyone[0], limit=2)
        assert [m.user.id for m in page.members] == everyone[1:3] and page.has_more
        member = await sdk_room.member(crowd[0].id)
        assert member.role == "member" and member is await member.fetch()
