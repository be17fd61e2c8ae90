"""The space directory (`GET /spaces/directory`): the open spaces anyone may join, paged
by id, for a client's "join a space" without an invite; closed and deleted spaces are
never listed."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api


async def test_the_directory_lists_open_spaces_only_by_page(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    first = await alice.ok("POST", "/spaces", 201, json={"name": "Open one", "open": True})
    await alice.ok("POST", "/spaces", 201, json={"name": "Closed", "open": False})
    second = await alice.ok("POST", "/spaces", 201, json={"name": "Open two", "open": True})
    gone = await alice.ok("POST", "/spaces", 201, json={"name": "Gone", "open": True})
    await alice.ok("DELETE", f"/spaces/{gone['id']}", 204)

    listed = await bob.ok("GET", "/spaces/directory")
    assert [s["name"] for s in listed["spaces"]] == ["Open one", "Open two"]
    assert listed["has_more"] is False
    assert listed["spaces"][0]["member_count"] == 1

    page = await bob.ok("GET", "/spaces/directory?limit=1")
    assert [s["id"] for s in page["spaces"]] == [first["id"]] and page["has_more"] is True
    rest = await bob.ok("GET", f"/spaces/directory?after={first['id']}&limit=1")
    assert [s["id"] for s in rest["spaces"]] == [second["id"]] and rest["has_more"] is False

    # Listed means joinable: Bob joins from it, and the count follows.
    await bob.ok("POST", f"/spaces/{first['id']}/join")
    again = await bob.ok("GET", "/spaces/directory")
    assert again["spaces"][0]["member_count"] == 2
    # Closing a space takes it off the directory; the route is not read as a space id.
    await alice.ok("PATCH", f"/spaces/{second['id']}", json={"open": False})
    assert [s["id"] for s in (await bob.ok("GET", "/spaces/directory"))["spaces"]] == [first["id"]]
    await bob.error("GET", "/spaces/directory?limit=0", 422, "validation_failed")
