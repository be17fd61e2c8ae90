"""Roles, ranks, overrides and visibility that follows permissions live (RP-01…RP-04,
RM-12): what a permission change does to who receives what, on the gateway, the
long-poll and resume alike."""

from __future__ import annotations

from typing import Any

from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway

VIEW, SEND = int(Perm.VIEW), int(Perm.SEND)


async def setup(server: TestServer) -> tuple[Api, Api, dict[str, Any]]:
    alice, bob = await Api.register(server), await Api.register(server)
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    return alice, bob, space


async def test_role_crud_ranks_and_events(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    sid = space["id"]
    gw = await Gateway.connect(server, bob.token)
    mods = await alice.ok(
        "POST",
        f"/spaces/{sid}/roles",
        201,
        json={"name": "Mods", "permissions": int(Perm.KICK), "colour": "#ff0000"},
    )
    assert mods["rank"] == 0 and mods["hoist"] is False
    assert (await gw.event("role.created"))["data"]["role"] == mods
    helpers = await alice.ok("POST", f"/spaces/{sid}/roles", 201, json={"name": "Helpers"})
    assert helpers["rank"] == 1
    await gw.event("role.created")
    edited = await alice.ok(
        "PATCH", f"/spaces/{sid}/roles/{helpers['id']}", json={"hoist": True, "name": "Helpers+"}
    )
    assert edited["hoist"] is True and edited["name"] == "Helpers+"
    updated = await gw.event("role.updated")
    assert updated["data"]["changes"] == {"hoist": True, "name": "Helpers+"}
    ranked = await alice.ok(
        "PUT", f"/spaces/{sid}/roles/ranks", json={"role_ids": [helpers["id"], mods["id"]]}
    )
    assert [(r["id"], r["rank"]) for r in ranked["roles"]] == [(helpers["id"], 0), (mods["id"], 1)]
    ranks = await gw.event("role.ranks_updated")
    assert ranks["data"]["role_ids"] == [helpers["id"], mods["id"]]
    await alice.error(
        "PUT",
        f"/spaces/{sid}/roles/ranks",
        422,
        "invalid_rank_order",
        json={"role_ids": [helpers["id"]]},
    )
    await alice.ok("DELETE", f"/spaces/{sid}/roles/{helpers['id']}", 204)
    assert (await gw.event("role.deleted"))["data"]["role_id"] == helpers["id"]
    roles = await bob.ok("GET", f"/spaces/{sid}/roles")
    assert [(r["id"], r["rank"]) for r in roles["roles"]] == [(mods["id"], 0)]
    # Bad input
    await alice.error(
        "POST",
        f"/spaces/{sid}/roles",
        422,
        "invalid_permissions",
        json={"name": "x", "permissions": 1 << 50},
    )
    await alice.error(
        "POST",
        f"/spaces/{sid}/roles",
        422,
        "invalid_colour",
        json={"name": "x", "colour": "url(javascript:1)"},
    )
    await alice.error("PATCH", f"/spaces/{sid}/roles/999999", 404, "role_not_found", json={})
    await bob.error("POST", f"/spaces/{sid}/roles", 403, "missing_permission", json={"name": "x"})


async def test_hierarchy_and_escalation(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    carol = await Api.register(server)
    sid = space["id"]
    await carol.ok("POST", f"/spaces/{sid}/join")
    admins = await alice.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "Admins", "permissions": int(Perm.BAN)}
    )
    managers = await alice.ok(
        "POST",
        f"/spaces/{sid}/roles",
        201,
        json={"name": "Managers", "permissions": int(Perm.MANAGE_ROLES)},
    )
    low = await alice.ok("POST", f"/spaces/{sid}/roles", 201, json={"name": "Low"})
    await alice.ok("PUT", f"/spaces/{sid}/members/{bob.id}/roles/{managers['id']}")
    # Bob manages roles but holds no `ban`: he cannot hand it out.
    await bob.error(
        "POST",
        f"/spaces/{sid}/roles",
        403,
        "permission_escalation",
        json={"name": "Sneaky", "permissions": int(Perm.BAN)},
    )
    await bob.error(
        "PATCH",
        f"/spaces/{sid}/roles/{low['id']}",
        403,
        "permission_escalation",
        json={"permissions": int(Perm.ADMINISTRATOR)},
    )
    # Roles at or above his own are out of reach.
    await bob.error(
        "PATCH", f"/spaces/{sid}/roles/{admins['id']}", 403, "role_above_you", json={"name": "mine"}
    )
    await bob.error(
        "PUT", f"/spaces/{sid}/members/{bob.id}/roles/{admins['id']}", 403, "role_above_you"
    )
    await bob.error(
        "PUT", f"/spaces/{sid}/members/{carol.id}/roles/{managers['id']}", 403, "role_above_you"
    )
    member = await bob.ok("PUT", f"/spaces/{sid}/members/{carol.id}/roles/{low['id']}")
    assert member["roles"] == [low["id"]]
    await bob.error(
        "PUT",
        f"/spaces/{sid}/roles/ranks",
        403,
        "role_above_you",
        json={"role_ids": [managers["id"], admins["id"], low["id"]]},
    )
    # Kicking the owner, or someone ranked above: refused.
    await alice.ok("PUT", f"/spaces/{sid}/members/{carol.id}/roles/{admins['id']}")
    await alice.ok(
        "PATCH",
        f"/spaces/{sid}/roles/{managers['id']}",
        json={"permissions": int(Perm.MANAGE_ROLES | Perm.KICK)},
    )
    await bob.error("DELETE", f"/spaces/{sid}/members/{alice.id}", 403, "cannot_kick_owner")
    await bob.error("DELETE", f"/spaces/{sid}/members/{carol.id}", 403, "cannot_moderate_higher")
    await bob.error(
        "DELETE", f"/spaces/{sid}/members/{carol.id}/roles/{admins['id']}", 403, "role_above_you"
    )


async def test_visibility_follows_overrides_and_roles(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    sid, room = space["id"], space["system_room_id"]
    gw = await Gateway.connect(server, bob.token)
    cursor = gw.ready["cursor"]
    await alice.send(room, "one")
    assert (await gw.event("message.created"))["data"]["message"]["content"] == "one"

    # Everyone loses `view` in the room: bob is told, and stops receiving it at once.
    await alice.ok("PUT", f"/rooms/{room}/overrides/everyone/0", json={"deny": VIEW})
    await gw.event("room.updated")
    lost = await gw.event("room.deleted")
    assert lost["data"]["reason"] == "access_lost" and lost["room_id"] == room
    await alice.send(room, "secret")
    await gw.no_event()
    await bob.error("GET", f"/rooms/{room}/messages", 404, "room_not_found")

    # A role allowed back in: assigning it brings the room back, live.
    insiders = await alice.ok("POST", f"/spaces/{sid}/roles", 201, json={"name": "Insiders"})
    await alice.ok("PUT", f"/rooms/{room}/overrides/role/{insiders['id']}", json={"allow": VIEW})
    await alice.ok("PUT", f"/spaces/{sid}/members/{bob.id}/roles/{insiders['id']}")
    gained = await gw.event("room.created")
    assert gained["data"]["reason"] == "access_gained" and gained["data"]["room"]["id"] == room
    await alice.send(room, "welcome back")
    assert (await gw.event("message.created"))["data"]["message"]["content"] == "welcome back"
    history = await bob.ok("GET", f"/rooms/{room}/messages")
    assert [m["content"] for m in history["messages"]] == ["one", "secret", "welcome back"]

    # A send-only denial keeps the room visible but refuses posting.
    await alice.ok("PUT", f"/rooms/{room}/overrides/member/{bob.id}", json={"deny": SEND})
    await bob.error(
        "POST", f"/rooms/{room}/messages", 403, "missing_permission", json={"content": "x"}
    )

    # The long-poll and a resume from the same cursor agree with what was live.
    page = await bob.ok("GET", "/events", params={"cursor": cursor, "limit": 1000})
    contents = [
        e["data"]["message"]["content"] for e in page["events"] if e["type"] == "message.created"
    ]
    assert contents == ["one", "welcome back"]
    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    frames = await resumed.events_until(
        lambda f: (
            f["type"] == "message.created" and f["data"]["message"]["content"] == "welcome back"
        )
    )
    assert [f["data"]["message"]["content"] for f in frames if f["type"] == "message.created"] == [
        "one",
        "welcome back",
    ]


async def test_moderators_receive_moderator_events(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    sid = space["id"]
    gw = await Gateway.connect(server, bob.token)
    owner_gw = await Gateway.connect(server, alice.token)
    await alice.ok("PATCH", f"/spaces/{sid}", json={"description": "one"})
    assert (await owner_gw.event("audit.entry.created"))["data"]["entry"][
        "action"
    ] == "space.updated"
    await gw.event("space.updated")
    await gw.no_event()  # a plain member sees the change, not the audit entry

    mods = await alice.ok(
        "POST",
        f"/spaces/{sid}/roles",
        201,
        json={"name": "Mods", "permissions": int(Perm.MODERATE)},
    )
    await alice.ok("PUT", f"/spaces/{sid}/members/{bob.id}/roles/{mods['id']}")
    flips = await gw.events_until(
        lambda f: f["type"] == "space.member.updated" and "moderator" in f["data"]["changes"]
    )
    assert flips[-1]["data"]["changes"]["moderator"] is True
    await alice.ok("PATCH", f"/spaces/{sid}", json={"description": "two"})
    entry = await gw.event("audit.entry.created")
    assert entry["data"]["entry"]["action"] == "space.updated"
    assert entry["data"]["entry"]["after"] == {"description": "two"}


async def test_override_bad_input(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    room = space["system_room_id"]
    standalone = await alice.room()
    await alice.error(
        "PUT",
        f"/rooms/{standalone['id']}/overrides/everyone/0",
        422,
        "not_a_space_room",
        json={"deny": VIEW},
    )
    await alice.error(
        "PUT",
        f"/rooms/{room}/overrides/everyone/0",
        422,
        "invalid_permissions",
        json={"allow": int(Perm.ADMINISTRATOR)},
    )
    await alice.error(
        "PUT",
        f"/rooms/{room}/overrides/everyone/0",
        422,
        "invalid_permissions",
        json={"allow": VIEW, "deny": VIEW},
    )
    await alice.error(
        "PUT", f"/rooms/{room}/overrides/role/424242", 404, "role_not_found", json={"allow": VIEW}
    )
    await bob.error(
        "PUT", f"/rooms/{room}/overrides/everyone/0", 403, "missing_permission", json={"deny": VIEW}
    )
    listed = await bob.ok("GET", f"/rooms/{room}/overrides")
    assert listed["overrides"] == []


async def test_everyone_mentions_need_the_permission(server: TestServer) -> None:
    alice, bob, space = await setup(server)
    carol = await Api.register(server)
    await carol.ok("POST", f"/spaces/{space['id']}/join")
    room = space["system_room_id"]
    gw = await Gateway.connect(server, carol.token)
    await bob.send(room, "hey @everyone")  # members lack mention_everyone by default
    await gw.event("message.created")
    await gw.no_event()
    await alice.send(room, "hey @everyone, meeting")  # the owner holds every bit
    await gw.event("message.created")
    note = await gw.event("notification.created")
    assert note["data"]["notification"]["kind"] == "mention"
    inbox = await bob.ok("GET", "/notifications")
    assert [n["kind"] for n in inbox["notifications"]] == ["mention"]
