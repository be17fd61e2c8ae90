"""`ready` (EVENTS.md #7) carries everything a client starts from, in full on every
connect and reconnect; bots get no settings, read states or relationships (D.44)."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name


async def test_ready_carries_the_whole_starting_state(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    space = await alice.ok("POST", "/spaces", 201, json={"name": "guild", "open": True})
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    await alice.ok("PUT", f"/users/{carol.id}/friend")
    dm = await alice.ok("POST", f"/users/{carol.id}/dm", 201)
    await alice.ok("PATCH", "/users/me/settings", json={"theme": "dark"})
    await alice.send(dm["id"], "hello")

    gw = await Gateway.connect(server, alice.token)
    ready = gw.ready
    assert ready["me"]["id"] == alice.id and ready["me"] == ready["user"]
    assert {s["space"]["id"] for s in ready["spaces"]} == {space["id"]}
    assert dm["id"] in {r["id"] for r in ready["rooms"]}
    assert {m["user"]["id"] for m in ready["members"]} == {alice.id, bob.id}
    users = {u["id"] for u in ready["users"]}
    assert {bob.id, carol.id} <= users and alice.id not in users  # D.26
    assert ready["relationships"] == [
        {"user_id": carol.id, "status": "outgoing", "user": ready["relationships"][0]["user"]}
    ]
    assert ready["settings"]["theme"]["value"] == "dark"
    assert dm["id"] in {s["room_id"] for s in ready["read_states"]}
    assert ready["voice_states"] == [] and ready["emojis"] == []
    assert ready["presences"][str(alice.id)] == "online"
    await gw.close()

    # A reconnect with a cursor gets the same full ready, not a diff.
    again = await Gateway.connect(server, alice.token, cursor=ready["cursor"])
    assert again.ready["resumed"] is True
    assert {k: again.ready[k] for k in ("relationships", "settings", "members")} == {
        k: ready[k] for k in ("relationships", "settings", "members")
    }


async def test_a_bot_gets_no_settings_read_states_or_relationships(server: TestServer) -> None:
    owner = await Api.register(server)
    made = await owner.ok("POST", "/bots", 201, json={"username": name("bot")})
    gw = await Gateway.connect(server, made["token"])
    assert gw.ready["me"]["bot"] is True
    assert gw.ready["settings"] is None
    assert gw.ready["read_states"] is None
    assert gw.ready["relationships"] is None
