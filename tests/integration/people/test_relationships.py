"""Friends and blocks over a real server (RL-01, D.31, D.44): each party gets its own view
as `relationship.updated` live and on resume; every refusal has its stable code."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.people.test_dms import quiet, replay
from tests.integration.wire import Api, Gateway, name


def _rel(frame: dict[str, Any]) -> tuple[int, str, str]:
    d = frame["data"]
    return d["user_id"], d["status"], d["previous_status"]


async def _bot(server: TestServer, owner: Api) -> Api:
    body = await owner.ok("POST", "/bots", 201, json={"username": name("bot")})
    return Api(server.url, body["token"], body["user"])


async def test_request_accept_remove_each_side_sees_its_own_view(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    gw_a, gw_b = (
        await Gateway.connect(server, alice.token),
        await Gateway.connect(server, bob.token),
    )

    sent = await alice.ok("PUT", f"/users/{bob.id}/friend")
    assert sent == {"user_id": bob.id, "status": "outgoing", "user": _snap(bob)}
    mine, theirs = (
        await gw_a.event("relationship.updated"),
        await gw_b.event("relationship.updated"),
    )
    assert _rel(mine) == (bob.id, "outgoing", "none")
    assert _rel(theirs) == (alice.id, "incoming", "none")
    assert theirs["data"]["user"] == _snap(alice) and mine["data"]["user"] == _snap(bob)
    await alice.error("PUT", f"/users/{bob.id}/friend", 409, "already_requested")
    listed = await bob.ok("GET", "/relationships")
    assert listed == {
        "relationships": [{"user_id": alice.id, "status": "incoming", "user": _snap(alice)}]
    }

    # Bob accepts by handle: friends on both sides.
    accepted = await bob.ok("POST", "/relationships", json={"handle": alice.user["handle"]})
    assert accepted["status"] == "friend"
    assert _rel(await gw_a.event("relationship.updated")) == (bob.id, "friend", "outgoing")
    assert _rel(await gw_b.event("relationship.updated")) == (alice.id, "friend", "incoming")
    await alice.error("PUT", f"/users/{bob.id}/friend", 409, "already_friends")

    # Bob removes the friend; removing again changes (and logs) nothing.
    assert (await bob.ok("DELETE", f"/users/{alice.id}/friend"))["status"] == "none"
    assert _rel(await gw_a.event("relationship.updated")) == (bob.id, "none", "friend")
    assert _rel(await gw_b.event("relationship.updated")) == (alice.id, "none", "friend")
    assert (await bob.ok("DELETE", f"/users/{alice.id}/friend"))["status"] == "none"
    assert (await alice.ok("GET", "/relationships")) == {"relationships": []}
    await quiet(gw_a)
    await quiet(gw_b)


def _snap(api: Api) -> dict[str, Any]:
    u = api.user
    return {k: u[k] for k in ("id", "handle", "display_name", "avatar_url")}


async def test_decline_and_cancel(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    await alice.ok("PUT", f"/users/{bob.id}/friend")
    assert (await bob.ok("DELETE", f"/users/{alice.id}/friend"))["status"] == "none"  # decline
    await alice.ok("PUT", f"/users/{bob.id}/friend")
    assert (await alice.ok("DELETE", f"/users/{bob.id}/friend"))["status"] == "none"  # cancel
    assert (await bob.ok("GET", "/relationships"))["relationships"] == []
    # A request both ways is an acceptance.
    await alice.ok("PUT", f"/users/{bob.id}/friend")
    assert (await bob.ok("PUT", f"/users/{alice.id}/friend"))["status"] == "friend"


async def test_block_unblock_and_both_sides_blocking(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    await alice.ok("PUT", f"/users/{bob.id}/friend")
    await bob.ok("PUT", f"/users/{alice.id}/friend")
    gw_a, gw_b = (
        await Gateway.connect(server, alice.token),
        await Gateway.connect(server, bob.token),
    )

    # Blocking a friend ends the friendship.
    assert (await alice.ok("PUT", f"/users/{bob.id}/block"))["status"] == "blocked"
    assert _rel(await gw_a.event("relationship.updated")) == (bob.id, "blocked", "friend")
    assert _rel(await gw_b.event("relationship.updated")) == (alice.id, "blocked_other", "friend")
    assert (await alice.ok("PUT", f"/users/{bob.id}/block"))["status"] == "blocked"  # no change
    await bob.error("PUT", f"/users/{alice.id}/friend", 403, "blocked")
    await alice.error("PUT", f"/users/{bob.id}/friend", 403, "blocked")
    await bob.error("POST", "/relationships", 403, "blocked", json={"handle": alice.user["handle"]})
    assert (await bob.ok("DELETE", f"/users/{alice.id}/friend"))["status"] == "blocked_other"
    assert (await bob.ok("DELETE", f"/users/{alice.id}/block"))["status"] == "blocked_other"

    # Bob blocks back: both "blocked"; alice's view did not change, so she hears nothing.
    assert (await bob.ok("PUT", f"/users/{alice.id}/block"))["status"] == "blocked"
    assert _rel(await gw_b.event("relationship.updated")) == (alice.id, "blocked", "blocked_other")
    await quiet(gw_a)
    # Alice unblocks: she sees bob's block; bob's view stays.
    assert (await alice.ok("DELETE", f"/users/{bob.id}/block"))["status"] == "blocked_other"
    assert _rel(await gw_a.event("relationship.updated")) == (bob.id, "blocked_other", "blocked")
    await quiet(gw_b)
    assert (await bob.ok("DELETE", f"/users/{alice.id}/block"))["status"] == "none"
    assert _rel(await gw_a.event("relationship.updated")) == (bob.id, "none", "blocked_other")
    assert _rel(await gw_b.event("relationship.updated")) == (alice.id, "none", "blocked")
    assert (await alice.ok("GET", "/relationships"))["relationships"] == []


async def test_refusals_have_stable_codes(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    bot = await _bot(lite, alice)
    for method, path in (("PUT", "friend"), ("PUT", "block"), ("DELETE", "block")):
        await alice.error(method, f"/users/{alice.id}/{path}", 400, "cannot_relate_to_self")
    await alice.error(
        "POST",
        "/relationships",
        400,
        "cannot_relate_to_self",
        json={"handle": alice.user["handle"]},
    )
    await alice.error("PUT", "/users/999999/friend", 404, "user_not_found")
    await alice.error("PUT", "/users/999999/block", 404, "user_not_found")
    await alice.error("POST", "/relationships", 404, "user_not_found", json={"handle": "nobody_x"})
    for system in (-1, -2):
        await alice.error("PUT", f"/users/{system}/friend", 403, "system_user")
        await alice.error("PUT", f"/users/{system}/block", 403, "system_user")
    # Bots neither send nor receive friend requests (D.44), nor block; they can be blocked.
    await bot.error("PUT", f"/users/{bob.id}/friend", 403, "bot_cannot_befriend")
    await alice.error("PUT", f"/users/{bot.id}/friend", 403, "bot_cannot_befriend")
    await bot.error("PUT", f"/users/{bob.id}/block", 403, "bot_no_relationships")
    assert (await alice.ok("PUT", f"/users/{bot.id}/block"))["status"] == "blocked"
    assert (await bot.ok("GET", "/relationships"))["relationships"] == []
    # Malformed bodies are refused before anything is read.
    resp = await alice.http.post("/relationships", json={"handle": 5})
    assert resp.status_code == 422
    resp = await alice.http.post("/relationships", json={"handle": "x", "extra": 1})
    assert resp.status_code == 422
    assert (await bob.ok("GET", "/relationships"))["relationships"] == []


async def test_resume_and_long_poll_see_relationship_events(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    gw = await Gateway.connect(lite, bob.token)
    cursor = gw.ready["cursor"]
    await gw.close()
    spy = await Gateway.connect(lite, carol.token)
    await alice.ok("PUT", f"/users/{bob.id}/friend")
    await bob.ok("PUT", f"/users/{alice.id}/block")

    gw2 = await Gateway.connect(lite, bob.token, cursor=cursor)
    frames = await replay(gw2)
    assert [_rel(f) for f in frames] == [
        (alice.id, "incoming", "none"),
        (alice.id, "blocked", "incoming"),
    ]
    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    kept = [e["seq"] for e in page["events"] if e["type"] == "relationship.updated"]
    assert kept == [f["seq"] for f in frames]
    await quiet(spy)  # a third party hears nothing of it
