"""The audit log over a real server (MD-17): entries for space, role, member and room
changes; filters and paging; `audit.entry.created` to moderators only, live, on
long-poll and on resume; who may read it; bad input."""

from __future__ import annotations

from typing import Any

from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def _space(owner: Api, **fields: Any) -> dict[str, Any]:
    space: dict[str, Any] = await owner.ok(
        "POST", "/spaces", 201, json={"name": "Guild", "open": True, **fields}
    )
    return space


async def _all(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    page = await api.ok("GET", path, params={"limit": 100, **params})
    assert page["has_more"] is False
    entries: list[dict[str, Any]] = page["entries"]
    return entries


def _actions(entries: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in entries]


async def test_changes_are_audited_and_filtered(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    space = await _space(alice)
    sid, general = space["id"], space["system_room_id"]
    await bob.ok("POST", f"/spaces/{sid}/join")
    await carol.ok("POST", f"/spaces/{sid}/join")
    role = await alice.ok("POST", f"/spaces/{sid}/roles", 201, json={"name": "helpers"})
    await alice.ok("PUT", f"/spaces/{sid}/members/{bob.id}/roles/{role['id']}")
    await alice.ok("PATCH", f"/spaces/{sid}", json={"name": "Renamed"})
    await alice.ok("PATCH", f"/rooms/{general}", json={"topic": "welcome"})
    await alice.ok("DELETE", f"/spaces/{sid}/members/{carol.id}", 204, params={"reason": "spam"})

    entries = await _all(alice, f"/spaces/{sid}/audit")
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True), "newest first"
    wanted = [
        "space.member.joined",
        "space.member.joined",
        "role.created",
        "role.assigned",
        "space.updated",
        "room.updated",
        "space.member.kicked",
    ]
    mine = [a for a in reversed(_actions(entries)) if a in set(wanted)]
    assert mine == wanted
    assert "space.created" in _actions(entries)

    kicked = entries[0]
    assert kicked["action"] == "space.member.kicked"
    assert kicked["scope"] == "space" and kicked["scope_id"] == sid
    assert kicked["actor_id"] == alice.id and kicked["reason"] == "spam"
    assert kicked["target"] == {"type": "user", "id": carol.id}
    assert isinstance(kicked["created_at"], str) and kicked["created_at"].endswith("Z")
    renamed = next(e for e in entries if e["action"] == "space.updated")
    assert renamed["before"]["name"] == "Guild" and renamed["after"]["name"] == "Renamed"
    # A room change in the space is in the room's log and in the space's.
    topic = next(e for e in entries if e["action"] == "room.updated")
    assert topic["scope"] == "room" and topic["room_id"] == general
    assert topic["space_id"] == sid and topic["after"]["topic"] == "welcome"
    room_log = await _all(alice, f"/rooms/{general}/audit")
    assert topic["id"] in [e["id"] for e in room_log]
    assert all(e["scope"] == "room" and e["scope_id"] == general for e in room_log)

    # Filters: an exact action, a prefix, the actor, the target.
    exact = await _all(alice, f"/spaces/{sid}/audit", action="role.created")
    assert [e["target"] for e in exact] == [{"type": "role", "id": role["id"]}]
    roles = await _all(alice, f"/spaces/{sid}/audit", action="role.")
    assert _actions(roles) == ["role.assigned", "role.created"]
    members = await _all(alice, f"/spaces/{sid}/audit", action="space.member.")
    assert _actions(members) == [
        "space.member.kicked",
        "space.member.joined",
        "space.member.joined",
    ]
    by_bob = await _all(alice, f"/spaces/{sid}/audit", actor_id=bob.id)
    assert _actions(by_bob) == ["space.member.joined"]
    about_carol = await _all(alice, f"/spaces/{sid}/audit", target_type="user", target_id=carol.id)
    assert _actions(about_carol) == ["space.member.kicked", "space.member.joined"]
    assert await _all(alice, f"/spaces/{sid}/audit", action="nothing.like.this") == []
    # "space." is a prefix of "space.member.*" too; "space" alone is exact and matches none.
    assert "space.member.joined" in _actions(
        await _all(alice, f"/spaces/{sid}/audit", action="space.")
    )
    assert await _all(alice, f"/spaces/{sid}/audit", action="space") == []

    # Paging backwards with `before` walks the same list without gaps or repeats.
    seen: list[int] = []
    before: int | None = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if before is not None:
            params["before"] = before
        page = await alice.ok("GET", f"/spaces/{sid}/audit", params=params)
        assert len(page["entries"]) <= 2
        seen += [e["id"] for e in page["entries"]]
        if not page["has_more"]:
            break
        before = page["entries"][-1]["id"]
    assert seen == ids
    default = await alice.ok("GET", f"/spaces/{sid}/audit")
    assert [e["id"] for e in default["entries"]] == ids[:50]


async def test_entries_reach_moderators_only(server: TestServer) -> None:
    alice, bob, mod = [await Api.register(server) for _ in range(3)]
    space = await _space(alice)
    sid = space["id"]
    await bob.ok("POST", f"/spaces/{sid}/join")
    await mod.ok("POST", f"/spaces/{sid}/join")
    mods = {"name": "mods", "permissions": int(Perm.MODERATE)}
    role = await alice.ok("POST", f"/spaces/{sid}/roles", 201, json=mods)
    await alice.ok("PUT", f"/spaces/{sid}/members/{mod.id}/roles/{role['id']}")
    owner_gw = await Gateway.connect(server, alice.token)
    mod_gw = await Gateway.connect(server, mod.token)
    member_gw = await Gateway.connect(server, bob.token)
    cursors = {api.id: gw.ready["cursor"] for api, gw in ((alice, owner_gw), (bob, member_gw))}

    await alice.ok("PATCH", f"/spaces/{sid}", json={"description": "now with rules"})
    for gw in (owner_gw, mod_gw):
        frame = await gw.event("audit.entry.created")
        entry = frame["data"]["entry"]
        assert entry["action"] == "space.updated" and entry["scope_id"] == sid
        assert frame["space_id"] == sid and frame["actor"]["id"] == alice.id
    # The plain member sees the change itself, never its audit entry.
    assert (await member_gw.event("space.updated"))["data"]["changes"] == {
        "description": "now with rules"
    }
    await member_gw.no_event()
    # The moderator role may read the log; the plain member may not.
    assert (await mod.ok("GET", f"/spaces/{sid}/audit"))["entries"][0]["id"] == entry["id"]
    await bob.error("GET", f"/spaces/{sid}/audit", 403, "not_moderator")

    # Long-poll and resume agree with the live view.
    owner_poll = await alice.ok("GET", "/events", params={"cursor": cursors[alice.id]})
    assert "audit.entry.created" in [e["type"] for e in owner_poll["events"]]
    member_poll = await bob.ok("GET", "/events", params={"cursor": cursors[bob.id]})
    assert [e["type"] for e in member_poll["events"]] == ["space.updated"]
    resumed = await Gateway.connect(server, bob.token, cursor=cursors[bob.id])
    replay = await resumed.events_until(lambda f: f["type"] == "space.updated")
    assert "audit.entry.created" not in [f["type"] for f in replay]
    owner_again = await Gateway.connect(server, alice.token, cursor=cursors[alice.id])
    frame = await owner_again.event("audit.entry.created")
    assert frame["data"]["entry"]["id"] == entry["id"]


async def test_who_may_read(server: TestServer) -> None:
    alice, bob, outsider = [await Api.register(server) for _ in range(3)]
    open_space = await _space(alice)
    closed = await _space(alice, open=False)
    await bob.ok("POST", f"/spaces/{open_space['id']}/join")
    await bob.error("GET", f"/spaces/{open_space['id']}/audit", 403, "not_moderator")
    # An open space is visible to anyone, its log is not; a closed one does not exist.
    await outsider.error("GET", f"/spaces/{open_space['id']}/audit", 403, "not_moderator")
    await outsider.error("GET", f"/spaces/{closed['id']}/audit", 404, "space_not_found")
    await alice.error("GET", "/spaces/999999/audit", 404, "space_not_found")
    # A role with manage_space reads the space log.
    role = await alice.ok(
        "POST",
        f"/spaces/{open_space['id']}/roles",
        201,
        json={"name": "admins", "permissions": int(Perm.MANAGE_SPACE)},
    )
    await alice.ok("PUT", f"/spaces/{open_space['id']}/members/{bob.id}/roles/{role['id']}")
    assert (await bob.ok("GET", f"/spaces/{open_space['id']}/audit"))["entries"]

    # Standalone rooms: owners and moderators only.
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    await alice.ok("PATCH", f"/rooms/{room['id']}", json={"topic": "rules"})
    await bob.error("GET", f"/rooms/{room['id']}/audit", 403, "not_moderator")
    await outsider.error("GET", f"/rooms/{room['id']}/audit", 403, "not_moderator")
    await alice.ok("PATCH", f"/rooms/{room['id']}/members/{bob.id}", json={"role": "moderator"})
    entries = (await bob.ok("GET", f"/rooms/{room['id']}/audit"))["entries"]
    assert "room.updated" in _actions(entries)
    # A room one cannot see does not exist.
    await bob.error("GET", f"/rooms/{closed['system_room_id']}/audit", 404, "room_not_found")
    await alice.error("GET", "/rooms/999999/audit", 404, "room_not_found")


async def test_bad_filters(server: TestServer) -> None:
    alice = await Api.register(server)
    space = await _space(alice)
    path = f"/spaces/{space['id']}/audit"
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"before": 0},
        {"actor_id": -1},
        {"target_id": "x"},
        {"action": ""},
        {"action": "a" * 49},
        {"target_type": "t" * 17},
    ):
        await alice.error("GET", path, 422, "validation_failed", params=params)
    for action in ("Role.Updated", "role..updated", ".role", "role updated", "rôle.x"):
        await alice.error("GET", path, 422, "invalid_action_filter", params={"action": action})
    room_path = f"/rooms/{space['system_room_id']}/audit"
    await alice.error("GET", room_path, 422, "validation_failed", params={"limit": 500})
    await alice.error("GET", room_path, 422, "invalid_action_filter", params={"action": "%"})


async def test_joining_and_leaving_a_room_are_audited(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    await bob.ok("POST", f"/rooms/{room['id']}/leave", 204)
    page = await alice.ok("GET", f"/rooms/{room['id']}/audit", params={"action": "room.member."})
    assert [(e["action"], e["target"]["id"]) for e in page["entries"]] == [
        ("room.member.left", bob.id),
        ("room.member.joined", bob.id),
    ]
