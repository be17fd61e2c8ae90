"""Groups over a real server (DM-02, D.50): any member adds, only the owner removes
others, anyone leaves, the owner's leaving hands the group to the oldest member,
ownership transfer, the member limit, and the refusals with their stable codes."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.testing import TestServer
from tests.integration.people.test_dms import TYPES
from tests.integration.wire import Api, Gateway

ROOM_TYPES = TYPES | {
    "room.member.joined",
    "room.member.left",
    "room.member.updated",
    "room.updated",
    "room.deleted",
}


@pytest_asyncio.fixture
async def small() -> AsyncIterator[TestServer]:
    """SQLite, groups of at most three members."""
    async with TestServer(group_max_recipients=3) as srv:
        yield srv


async def _next(gw: Gateway, *types: str) -> dict[str, Any]:
    """The next event of `types` (presence and the like skipped)."""
    while True:
        frame = await gw.event()
        if frame["type"] in types:
            return frame


async def _members(api: Api, room_id: int) -> dict[int, str]:
    body = await api.ok("GET", f"/rooms/{room_id}/members")
    return {m["user"]["id"]: m["role"] for m in body["members"]}


async def test_group_lifecycle(server: TestServer) -> None:
    alice, bob, carol, dave = [await Api.register(server) for _ in range(4)]
    gws = {api.id: await Gateway.connect(server, api.token) for api in (alice, bob, carol, dave)}

    group = await alice.ok(
        "POST", "/groups", 201, json={"name": "Weekend", "user_ids": [bob.id, carol.id, bob.id]}
    )
    gid = group["id"]
    assert group["kind"] == "group" and group["access_mode"] == "private"
    assert group["owner_id"] == alice.id and group["member_count"] == 3
    for api, reason in ((alice, "created"), (bob, "added_to_group"), (carol, "added_to_group")):
        created = await _next(gws[api.id], "room.created")
        assert created["room_id"] == gid and created["data"]["reason"] == reason
    assert await _members(alice, gid) == {alice.id: "owner", bob.id: "member", carol.id: "member"}

    # Any member adds someone; the room hears the join, the newcomer gets the room.
    member = await bob.ok("PUT", f"/groups/{gid}/recipients/{dave.id}")
    assert member["user"]["id"] == dave.id and member["role"] == "member"
    joined = await _next(gws[alice.id], "room.member.joined")
    assert joined["data"]["via"] == "added" and joined["data"]["added_by"] == bob.id
    got = await _next(gws[dave.id], "room.created")
    assert got["data"]["reason"] == "added_to_group" and got["data"]["room"]["member_count"] == 4
    assert (await bob.ok("PUT", f"/groups/{gid}/recipients/{dave.id}"))["user"]["id"] == dave.id
    await alice.send(gid, "welcome dave")
    assert (await _next(gws[dave.id], "message.created"))["data"]["message"]["room_id"] == gid

    # Only the owner removes others; the removed member loses the room.
    await bob.error("DELETE", f"/groups/{gid}/recipients/{carol.id}", 403, "not_group_owner")
    await alice.ok("DELETE", f"/groups/{gid}/recipients/{carol.id}", 204)
    left = await _next(gws[carol.id], "room.member.left")
    assert left["data"]["reason"] == "removed" and left["data"]["actor_id"] == alice.id
    gone = await _next(gws[carol.id], "room.deleted")
    assert gone["room_id"] == gid and gone["data"]["reason"] == "access_lost"
    await carol.error("GET", f"/rooms/{gid}", 404, "room_not_found")
    await alice.error("DELETE", f"/groups/{gid}/recipients/{carol.id}", 404, "member_not_found")

    # Transfer: owner only, to a member.
    await bob.error("PATCH", f"/groups/{gid}", 403, "not_group_owner", json={"owner_id": bob.id})
    await alice.error(
        "PATCH", f"/groups/{gid}", 400, "not_a_recipient", json={"owner_id": carol.id}
    )
    moved = await alice.ok("PATCH", f"/groups/{gid}", json={"owner_id": bob.id})
    assert moved["owner_id"] == bob.id
    updated = await _next(gws[dave.id], "room.updated")
    assert updated["data"]["changes"] == {"owner_id": bob.id}
    assert await _members(bob, gid) == {alice.id: "member", bob.id: "owner", dave.id: "member"}
    # The new owner renames through the room endpoint; a member cannot.
    await bob.ok("PATCH", f"/rooms/{gid}", json={"name": "Long weekend"})
    await alice.error("PATCH", f"/rooms/{gid}", 403, "not_room_owner", json={"name": "x"})

    # The owner leaves (through the room endpoint): the oldest member, alice, owns it.
    await bob.ok("POST", f"/rooms/{gid}/leave", 204)
    assert (await _next(gws[bob.id], "room.deleted"))["data"]["reason"] == "left"
    promoted = await _next(gws[alice.id], "room.updated")
    while promoted["data"]["changes"] != {"owner_id": alice.id}:  # the transfer, the rename
        promoted = await _next(gws[alice.id], "room.updated")
    assert promoted["actor"] is None and promoted["data"]["actor_id"] is None
    assert (await alice.ok("GET", f"/rooms/{gid}"))["owner_id"] == alice.id
    assert await _members(dave, gid) == {alice.id: "owner", dave.id: "member"}

    # Everyone leaves: the group is gone.
    await dave.ok("DELETE", f"/groups/{gid}/recipients/me", 204)
    await alice.ok("DELETE", f"/groups/{gid}/recipients/{alice.id}", 204)
    await alice.error("GET", f"/rooms/{gid}", 404, "room_not_found")


async def test_limit_blocks_and_bad_inputs(small: TestServer) -> None:
    alice, bob, carol, dave = [await Api.register(small) for _ in range(4)]
    before = await alice.ok("GET", "/rooms", params={"joined": "true"})
    ids = [bob.id, carol.id, dave.id]
    err = await alice.error("POST", "/groups", 409, "group_full", json={"user_ids": ids})
    assert err["details"] == {"limit": 3}
    await alice.ok("PUT", f"/users/{dave.id}/block")
    await alice.error("POST", "/groups", 403, "blocked", json={"user_ids": [bob.id, dave.id]})
    await alice.error("POST", "/groups", 404, "user_not_found", json={"user_ids": [999999]})
    await alice.error("POST", "/groups", 403, "system_user", json={"user_ids": [-2]})
    await alice.error("POST", "/groups", 422, "invalid_room_name", json={"name": " "})
    assert await alice.ok("GET", "/rooms", params={"joined": "true"}) == before  # nothing made

    group = await alice.ok("POST", "/groups", 201, json={"user_ids": [bob.id, carol.id]})
    gid = group["id"]
    handles = [a.user["handle"] for a in (alice, bob, carol)]
    assert group["name"] == ", ".join(handles)  # unnamed: the members' handles
    await bob.ok("DELETE", f"/groups/{gid}/recipients/me", 204)
    await alice.error("PUT", f"/groups/{gid}/recipients/{dave.id}", 403, "blocked")
    await alice.ok("PUT", f"/users/{dave.id}/block", 200)
    await alice.ok("DELETE", f"/users/{dave.id}/block")
    await carol.ok("PUT", f"/groups/{gid}/recipients/{dave.id}")
    await carol.error("PUT", f"/groups/{gid}/recipients/{bob.id}", 409, "group_full")
    await bob.error("PUT", f"/groups/{gid}/recipients/{bob.id}", 404, "room_not_found")
    await alice.error("PUT", f"/groups/{gid}/recipients/999999", 404, "user_not_found")
    # Not a group; not entered by the room endpoints.
    dm = await alice.ok("POST", f"/users/{bob.id}/dm", 201)
    await alice.error("PUT", f"/groups/{dm['id']}/recipients/{carol.id}", 400, "not_a_group")
    room = await alice.room()
    await alice.error("PATCH", f"/groups/{room['id']}", 400, "not_a_group", json={"owner_id": 1})
    await bob.error("POST", f"/rooms/{gid}/join", 404, "room_not_found")
    await alice.error(
        "PUT", f"/rooms/{gid}/access/{bob.id}", 403, "private_conversation", json={"level": "owner"}
    )
    assert set(await _members(alice, gid)) == {alice.id, carol.id, dave.id}


async def test_junk_ids_and_bodies_never_500(small: TestServer) -> None:
    alice, bob = await Api.register(small), await Api.register(small)
    group = await alice.ok("POST", "/groups", 201, json={"user_ids": [bob.id]})
    small.core.rate_limiter.enabled = False
    routes = [
        ("PUT", "/users/{u}/friend"),
        ("DELETE", "/users/{u}/friend"),
        ("PUT", "/users/{u}/block"),
        ("DELETE", "/users/{u}/block"),
        ("POST", "/users/{u}/dm"),
        ("PUT", "/groups/{g}/recipients/{u}"),
        ("DELETE", "/groups/{g}/recipients/{u}"),
        ("PATCH", "/groups/{g}"),
    ]
    junk = ["0", "-3", "abc", "1.5", "99999999999999999999999", "-99999999999999999999999"]
    gid, uid = str(group["id"]), str(bob.id)
    for (method, template), bad in itertools.product(routes, junk):
        paths = {template.format(g=bad, u=uid), template.format(g=gid, u=bad)}
        for path in paths - {template.format(g=gid, u=uid)}:
            resp = await alice.http.request(method, path, json={"owner_id": bob.id})
            assert resp.status_code in {400, 403, 404, 422}, (method, path, resp.text)
            assert set(resp.json()) == {"error"}
    bodies: list[tuple[str, str, Any]] = [
        ("POST", "/groups", {"user_ids": "1"}),
        ("POST", "/groups", {"user_ids": [True]}),
        ("POST", "/groups", {"user_ids": [2**64]}),
        ("POST", "/groups", {"name": "a\x00b", "user_ids": []}),
        ("POST", "/groups", {"name": "x" * 5000, "user_ids": []}),
        ("POST", "/groups", [1, 2]),
        ("POST", "/relationships", {"handle": "a\x00b"}),
        ("POST", "/relationships", {"handle": ""}),
        ("POST", "/relationships", None),
        ("PATCH", f"/groups/{group['id']}", {"owner_id": "2"}),
        ("PATCH", f"/groups/{group['id']}", {}),
    ]
    for method, path, body in bodies:
        resp = await alice.http.request(method, path, json=body)
        assert resp.status_code in {400, 422}, (method, path, body, resp.text)
        assert set(resp.json()) == {"error"}
    assert set(await _members(alice, group["id"])) == {alice.id, bob.id}
