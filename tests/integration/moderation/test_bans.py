"""Room bans (MD-10, D.80, EVENTS.md #44–45) over a real server: each kind with its expiry
on the injected clock (the ticker run explicitly), lifting, what a banned user can no
longer do (read, post, rejoin, presence), who may ban whom (stable codes, nothing
written), and the audit entries."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from hubbub.server.clock import ManualClock
from hubbub.server.permissions import Perm
from hubbub.server.services import room_bans
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff


@pytest_asyncio.fixture
async def clocked() -> AsyncIterator[TestServer]:
    async with TestServer(clock=ManualClock()) as srv:
        yield srv


async def _room_with(server: TestServer) -> tuple[Api, Api, dict[str, Any]]:
    owner, bob = await Api.register(server), await Api.register(server)
    room = await owner.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    return owner, bob, room


async def _expire(server: TestServer) -> None:
    clock = server.clock
    assert isinstance(clock, ManualClock)
    await room_bans.expire_due(server.core)  # the app's ticker may have done it already


@pytest.mark.parametrize(
    ("kind", "expires_in_s", "lasts_s", "left_reason"),
    [
        ("kick_mute", None, 60, "kicked"),
        ("bounce", 120, 120, "banned"),
        ("ban", 3600, 3600, "banned"),
    ],
)
async def test_each_kind_removes_shuts_out_and_expires_once(
    clocked: TestServer, kind: str, expires_in_s: int | None, lasts_s: int, left_reason: str
) -> None:
    owner, bob, room = await _room_with(clocked)
    rid = room["id"]
    await bob.send(rid, "before the ban")
    gw_bob = await Gateway.connect(clocked, bob.token)
    gw_owner = await Gateway.connect(clocked, owner.token)
    body: dict[str, Any] = {"kind": kind, "reason": "spamming links"}
    if expires_in_s is not None:
        body["expires_in_s"] = expires_in_s
    ban = await owner.ok("PUT", f"/rooms/{rid}/bans/{bob.id}", json=body)
    assert ban["kind"] == kind and ban["reason"] == "spamming links"
    assert ban["expires_at"] is not None  # kick_mute defaults to 60 s

    # The banned user: the ban (no reason), then they leave the room.
    created = await gw_bob.event("room.ban.created")
    assert created["data"]["ban_id"] == ban["id"] and created["data"]["kind"] == kind
    assert created["data"]["reason"] is None and "reason" not in created["data"]["ban"]
    left = await gw_bob.event("room.member.left")
    assert left["data"]["reason"] == left_reason and left["data"]["user_id"] == bob.id
    assert (await gw_bob.event("room.deleted"))["data"]["reason"] == "access_lost"
    # The moderator: the same ban event, and the reason in the audit entry only.
    frames = await gw_owner.events_until(lambda f: f["type"] == "audit.entry.created")
    assert [f["type"] for f in frames if f["type"].startswith("room.ban")] == ["room.ban.created"]
    entry = frames[-1]["data"]["entry"]
    assert entry["action"] == "room.ban.created" and entry["reason"] == "spamming links"
    assert entry["target"] == {"type": "user", "id": bob.id}

    # Shut out: no reading, posting, rejoining; out of presence and the member list.
    err = await bob.error("GET", f"/rooms/{rid}/messages", 403, "banned_from_room")
    assert err["details"]["kind"] == kind and err["details"]["ban_id"] == ban["id"]
    # It names the room, so a client opened on its address can say where the ban holds.
    assert err["details"]["room_id"] == rid and err["details"]["room_name"] == room["name"]
    await bob.error(
        "POST", f"/rooms/{rid}/messages", 403, "banned_from_room", json={"content": "x"}
    )
    await bob.error("POST", f"/rooms/{rid}/join", 403, "banned_from_room")
    presence = await owner.ok("GET", f"/rooms/{rid}/presence")
    assert bob.id not in [u["id"] for u in presence["current_users"]]
    members = await owner.ok("GET", f"/rooms/{rid}/members")
    assert bob.id not in [m["user"]["id"] for m in members["members"]]
    await owner.send(rid, "bob does not hear this")
    listed = await owner.ok("GET", f"/rooms/{rid}/bans")
    assert [(b["user_id"], b["reason"]) for b in listed["bans"]] == [(bob.id, "spamming links")]

    # Not yet due: nothing happens. Due: lifted once, told to bob and the moderators.
    clocked.clock.advance(lasts_s - 1)  # type: ignore[union-attr]
    assert await room_bans.expire_due(clocked.core) == 0
    await bob.error("GET", f"/rooms/{rid}/messages", 403, "banned_from_room")
    clocked.clock.advance(2)  # type: ignore[union-attr]
    await _expire(clocked)
    removed = await gw_bob.event("room.ban.removed")
    assert removed["data"] == {
        "room_id": rid,
        "user_id": bob.id,
        "ban_id": ban["id"],
        "kind": kind,
        "reason": "expired",
        "actor_id": None,
    }
    assert (await gw_owner.event("room.ban.removed"))["data"]["reason"] == "expired"
    assert await room_bans.expire_due(clocked.core) == 0
    await gw_bob.no_event(0.3)
    # Free again: bob may rejoin and read.
    await bob.ok("POST", f"/rooms/{rid}/join")
    page = await bob.ok("GET", f"/rooms/{rid}/messages")
    assert page["messages"][-1]["content"] == "bob does not hear this"
    assert (await owner.ok("GET", f"/rooms/{rid}/bans"))["bans"] == []


async def test_lift_rebans_and_audit(server: TestServer) -> None:
    owner, bob, room = await _room_with(server)
    rid = room["id"]
    gw_bob = await Gateway.connect(server, bob.token)
    first = await owner.ok("PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "bounce"})
    assert first["expires_at"] is None  # a bounce lasts until lifted
    # A new ban replaces the one in force.
    second = await owner.ok(
        "PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "ban", "expires_in_s": 600}
    )
    assert second["id"] != first["id"]
    listed = (await owner.ok("GET", f"/rooms/{rid}/bans"))["bans"]
    assert [b["id"] for b in listed] == [second["id"]]
    await owner.ok("DELETE", f"/rooms/{rid}/bans/{bob.id}", 204)
    removed = await gw_bob.event("room.ban.removed")
    assert removed["data"]["reason"] == "lifted" and removed["data"]["actor_id"] == owner.id
    assert removed["data"]["ban_id"] == second["id"]
    await owner.error("DELETE", f"/rooms/{rid}/bans/{bob.id}", 404, "ban_not_found")
    # Lifting does not add them back; they may join again.
    await bob.ok("POST", f"/rooms/{rid}/join")
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "room.ban."})
    actions = [e["action"] for e in audit["entries"]]
    assert actions == ["room.ban.removed", "room.ban.created", "room.ban.created"]
    assert audit["entries"][1]["before"]["id"] == first["id"]
    # A non-moderator cannot list bans.
    await bob.error("GET", f"/rooms/{rid}/bans", 403, "not_moderator")


async def test_who_may_ban_whom_in_a_standalone_room(lite: TestServer) -> None:
    owner, bob, room = await _room_with(lite)
    rid = room["id"]
    mod, carol, boss = await Api.register(lite), await Api.register(lite), await staff(lite)
    for u in (mod, carol):
        await u.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    path = f"/rooms/{rid}/bans"
    ban = {"kind": "ban"}
    await bob.error("PUT", f"{path}/{carol.id}", 403, "missing_permission", json=ban)
    await mod.error("PUT", f"{path}/{mod.id}", 409, "cannot_ban_self", json=ban)
    await mod.error("PUT", f"{path}/{owner.id}", 403, "cannot_ban_owner", json=ban)
    await mod.error("PUT", f"{path}/{boss.id}", 403, "cannot_ban_staff", json=ban)
    await mod.error("PUT", f"{path}/999999", 404, "user_not_found", json=ban)
    await mod.error("PUT", f"{path}/{carol.id}", 422, "invalid_ban_kind", json={"kind": "zap"})
    await mod.error(
        "PUT",
        f"{path}/{carol.id}",
        422,
        "invalid_duration",
        json={"kind": "ban", "expires_in_s": 0},
    )
    await mod.error(
        "PUT",
        f"{path}/{carol.id}",
        422,
        "reason_too_long",
        json={"kind": "ban", "reason": "x" * 600},
    )
    second_mod = await Api.register(lite)
    await second_mod.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PATCH", f"/rooms/{rid}/members/{second_mod.id}", json={"role": "moderator"})
    await mod.error("PUT", f"{path}/{second_mod.id}", 403, "cannot_moderate_higher", json=ban)
    # Nothing was written by the refusals.
    assert (await owner.ok("GET", path))["bans"] == []
    # The owner may ban a moderator; staff may ban anyone but the owner.
    await owner.ok("PUT", f"{path}/{second_mod.id}", json=ban)
    await boss.ok("PUT", f"{path}/{carol.id}", json={"kind": "kick_mute"})
    await boss.error("PUT", f"{path}/{owner.id}", 403, "cannot_ban_owner", json=ban)
    # A banned moderator is refused too.
    await second_mod.error("GET", path, 403, "banned_from_room")
    # Banning someone who is not a member: they are told (USER), the room is not.
    dave = await Api.register(lite)
    gw_dave = await Gateway.connect(lite, dave.token)
    await mod.ok("PUT", f"{path}/{dave.id}", json=ban)
    assert (await gw_dave.event("room.ban.created"))["data"]["user_id"] == dave.id
    await dave.error("POST", f"/rooms/{rid}/join", 403, "banned_from_room")


async def test_space_room_bans_follow_the_role_hierarchy(lite: TestServer) -> None:
    owner = await Api.register(lite)
    space = await owner.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    sid = space["id"]
    room = await owner.ok("POST", "/rooms", 201, json={"name": "hall", "space_id": sid})
    rid = room["id"]
    guard, high, low = await Api.register(lite), await Api.register(lite), await Api.register(lite)
    for u in (guard, high, low):
        await u.ok("POST", f"/spaces/{sid}/join")
    admins = await owner.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "Admins", "permissions": 0}
    )
    guards = await owner.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "Guards", "permissions": int(Perm.BAN)}
    )
    await owner.ok("PUT", f"/spaces/{sid}/members/{high.id}/roles/{admins['id']}")
    await owner.ok("PUT", f"/spaces/{sid}/members/{guard.id}/roles/{guards['id']}")
    path = f"/rooms/{rid}/bans"
    ban = {"kind": "ban", "reason": "rude"}
    await low.error("PUT", f"{path}/{guard.id}", 403, "missing_permission", json=ban)
    await guard.error("PUT", f"{path}/{high.id}", 403, "cannot_moderate_higher", json=ban)
    await guard.error("PUT", f"{path}/{owner.id}", 403, "cannot_ban_owner", json=ban)
    await guard.error(
        "PUT", f"{path}/{low.id}", 403, "missing_permission", json={"kind": "kick_mute"}
    )
    gw_low = await Gateway.connect(lite, low.token)
    await guard.ok("PUT", f"{path}/{low.id}", json=ban)
    await gw_low.event("room.ban.created")
    assert (await gw_low.event("room.deleted"))["room_id"] == rid
    err = await low.http.get(f"/rooms/{rid}/messages")
    assert err.status_code in (403, 404)  # out of the room: it is gone for them
    # The space itself is unaffected: low is still a member.
    assert (await low.ok("GET", f"/spaces/{sid}"))["id"] == sid
    audit = await owner.ok("GET", f"/spaces/{sid}/audit", params={"action": "room.ban."})
    assert [e["reason"] for e in audit["entries"]] == ["rude"]

    # A later permission change re-decides the room's viewers: the ban keeps low out.
    members = await owner.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "Members", "permissions": 0}
    )
    await owner.ok("PUT", f"/spaces/{sid}/members/{low.id}/roles/{members['id']}")
    everyone = {"allow": int(Perm.VIEW | Perm.SEND), "deny": 0}
    await owner.ok("PUT", f"/rooms/{rid}/overrides/role/{members['id']}", json=everyone)
    seen = []
    with contextlib.suppress(TimeoutError):
        while True:
            seen.append((await gw_low.event(timeout=0.5))["type"])
    assert "room.created" not in seen and "space.member.updated" in seen
    state = await low.ok("GET", f"/spaces/{sid}/state")
    assert rid not in {r["id"] for r in state["rooms"]}
    # Lifting the ban gives the room back, live.
    await guard.ok("DELETE", f"{path}/{low.id}", 204)
    regained = await gw_low.event("room.created")
    assert regained["room_id"] == rid and regained["data"]["reason"] == "access_gained"
    await low.ok("GET", f"/rooms/{rid}/messages")


async def test_the_other_owners_are_told_of_a_kick(lite: TestServer) -> None:
    owner, bob, room = await _room_with(lite)
    rid = room["id"]
    co_owner = await Api.register(lite)
    await co_owner.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PUT", f"/rooms/{rid}/access/{co_owner.id}", json={"level": "owner"})
    await owner.ok("PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "kick_mute"})
    (note,) = (await co_owner.ok("GET", "/notifications", params={"kind": "kick"}))["notifications"]
    assert note["data"]["user_id"] == bob.id and note["data"]["what"] == "kick-muted"
    assert note["content_text"].startswith(f"@{bob.user['handle']} was kick-muted in ")
    # The owner who acted is not told of their own action.
    mine = await owner.ok("GET", "/notifications", params={"kind": "kick"})
    assert mine["notifications"] == []


async def test_a_banned_user_does_not_see_the_room_in_the_directory(lite: TestServer) -> None:
    owner, bob, room = await _room_with(lite)
    rid = room["id"]

    async def listed() -> set[int]:
        return {r["id"] for r in (await bob.ok("GET", "/rooms"))["rooms"]}

    assert rid in await listed()
    await owner.ok("PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "ban"})
    assert rid not in await listed()
    await owner.ok("DELETE", f"/rooms/{rid}/bans/{bob.id}", 204)
    assert rid in await listed()
