"""Account deletion, platform wipes and merges over a real server (ID-12, ID-13, D.32):
content tombstoned, DMs closed, memberships and relationships gone, sessions closed with
`session.logged_out {reason: wiped}`, `user.wiped` to observers; merges move messages and
memberships and make the old id resolve to the survivor (`user.merged`)."""

from __future__ import annotations

from typing import Any

import httpx
import websockets

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, name, staff

PASSWORD = "correct horse battery"


async def _until_closed(gw: Gateway) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    try:
        while True:
            frames.append(await gw.recv(10))
    except websockets.ConnectionClosed:
        return frames


async def test_admin_wipe(server: TestServer) -> None:
    admin = await staff(server)
    victim, bob, stranger = [await Api.register(server) for _ in range(3)]
    room = await bob.room()
    await victim.ok("POST", f"/rooms/{room['id']}/join")
    said = [await victim.send(room["id"], f"spam {i}") for i in range(3)]
    kept = await bob.send(room["id"], "bob stays")
    space = await bob.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    await victim.ok("POST", f"/spaces/{space['id']}/join")
    await victim.ok("PUT", f"/users/{bob.id}/friend")
    dm = await victim.ok("POST", f"/users/{stranger.id}/dm", 201)

    gw_victim = await Gateway.connect(server, victim.token)
    gw_bob = await Gateway.connect(server, bob.token)
    gw_stranger = await Gateway.connect(server, stranger.token)

    wiped = await admin.ok(
        "POST", f"/admin/users/{victim.id}/wipe", json={"flags": ["spam", "banned"], "reason": "x"}
    )
    assert wiped == {"user_id": victim.id, "flags": ["banned", "spam"], "raw_flags": 12}

    # The victim's connection is told why and closed.
    frames = await _until_closed(gw_victim)
    logged_out = [f for f in frames if f.get("type") == "session.logged_out"]
    assert logged_out and logged_out[-1]["data"]["reason"] == "wiped"
    await victim.error("GET", "/users/me", 401, "token_invalid")

    # Bob (room, space, relationship) sees the tombstones, the removal and the wipe.
    seen = await gw_bob.events_until(lambda f: f["type"] == "user.wiped")
    types = [f["type"] for f in seen]
    bulk = next(f for f in seen if f["type"] == "message.bulk_deleted")
    assert bulk["data"]["message_ids"] == [m["id"] for m in said]
    assert bulk["data"]["purged_user_id"] == victim.id and bulk["data"]["reason"] == "wipe"
    assert "room.member.left" in types and "space.member.removed" in types
    rel = next(f for f in seen if f["type"] == "relationship.updated")
    assert rel["data"]["status"] == "none" and rel["data"]["previous_status"] == "incoming"
    assert seen[-1]["data"] == wiped
    # The DM partner sees the DM closed and the wipe.
    got = await gw_stranger.events_until(lambda f: f["type"] == "user.wiped")
    assert any(f["type"] == "room.deleted" and f["room_id"] == dm["id"] for f in got)

    history = await bob.ok("GET", f"/rooms/{room['id']}/messages")
    by_id = {m["id"]: m for m in history["messages"]}
    assert all(by_id[m["id"]]["deleted"] and by_id[m["id"]]["content"] == "" for m in said)
    assert not by_id[kept["id"]]["deleted"]
    members = await bob.ok("GET", f"/rooms/{room['id']}/members")
    assert victim.id not in [m["user"]["id"] for m in members["members"]]
    assert await bob.ok("GET", "/relationships") == {"relationships": []}
    profile = await bob.ok("GET", f"/users/{victim.id}")
    assert profile["flags"] == ["banned", "spam"] and profile["raw_flags"] == 12
    assert (await bob.ok("GET", f"/users/{victim.id}/stats"))["message_count"] == 0

    # Refusals: again, self, system users, non-staff, bad flags; and no login.
    path = f"/admin/users/{victim.id}/wipe"
    await admin.error("POST", path, 409, "already_wiped", json={"flags": ["spam"]})
    await admin.error("POST", path, 422, "invalid_flags", json={"flags": []})
    await admin.error(
        "POST", f"/admin/users/{bob.id}/wipe", 422, "invalid_flags", json={"flags": ["x"]}
    )
    await admin.error(
        "POST", f"/admin/users/{admin.id}/wipe", 400, "cannot_wipe_self", json={"flags": ["spam"]}
    )
    await admin.error("POST", "/admin/users/-1/wipe", 403, "system_user", json={"flags": ["spam"]})
    await admin.error(
        "POST", "/admin/users/999999/wipe", 404, "user_not_found", json={"flags": ["spam"]}
    )
    await bob.error(
        "POST",
        f"/admin/users/{stranger.id}/wipe",
        403,
        "not_global_moderator",
        json={"flags": ["spam"]},
    )
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url) as http:
        resp = await http.post(
            "/api/v1/auth/login",
            json={"username": victim.user["handle"], "password": PASSWORD},
        )
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "account_closed"


async def test_delete_own_account_and_bot(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await bob.room()
    await alice.ok("POST", f"/rooms/{room['id']}/join")
    gw_bob = await Gateway.connect(lite, bob.token)

    bot = await alice.ok("POST", "/bots", 201, json={"username": name("bot")})
    bot_api = Api(lite.url, bot["token"], bot["user"])
    await bot_api.error("DELETE", "/users/me", 403, "bot_deleted_by_owner", json={"password": "x"})
    await bob.error(
        "DELETE", f"/users/{bot['user']['id']}", 403, "not_bot_owner", json={"password": PASSWORD}
    )
    await alice.error(
        "DELETE", f"/users/{bot['user']['id']}", 403, "wrong_password", json={"password": "nope"}
    )
    await alice.ok("DELETE", f"/users/{bot['user']['id']}", 204, json={"password": PASSWORD})
    await bot_api.error("GET", "/users/me", 401, "token_invalid")

    await alice.error("DELETE", "/users/me", 403, "wrong_password", json={"password": "nope"})
    await alice.ok("GET", "/users/me")  # nothing happened
    await alice.ok("DELETE", "/users/me", 204, json={"password": PASSWORD})
    await alice.error("GET", "/users/me", 401, "token_invalid")
    wiped = await gw_bob.event("user.wiped")
    assert wiped["data"] == {"user_id": alice.id, "flags": ["deleted"], "raw_flags": 2}
    profile = await bob.ok("GET", f"/users/{alice.id}")
    assert profile["display_name"] == "Deleted user" and profile["flags"] == ["deleted"]
    # The handle stays taken: nobody can pose as the deleted account.
    await bob.error(
        "PATCH", "/users/me", 409, "username_taken", json={"handle": alice.user["handle"]}
    )


async def test_merge(server: TestServer) -> None:
    admin = await staff(server)
    old, new, bob, stranger = [await Api.register(server) for _ in range(4)]
    shared = await bob.room()
    only_old = await bob.room()
    for r in (shared, only_old):
        await old.ok("POST", f"/rooms/{r['id']}/join")
    await new.ok("POST", f"/rooms/{shared['id']}/join")
    msg = await old.send(only_old["id"], "from the old account")
    space = await bob.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    await old.ok("POST", f"/spaces/{space['id']}/join")
    gw_bob = await Gateway.connect(server, bob.token)
    gw_new = await Gateway.connect(server, new.token)
    gw_stranger = await Gateway.connect(server, stranger.token)

    body = {"source_user_id": old.id, "target_user_id": new.id}
    await bob.error("POST", "/admin/users/merge", 403, "not_global_moderator", json=body)
    merged = await admin.ok("POST", "/admin/users/merge", json=body)
    assert merged == body

    event = await gw_bob.event("user.merged")
    assert event["data"] == body
    got = await gw_new.events_until(lambda f: f["type"] == "user.merged")
    joined = [f["room_id"] for f in got if f["type"] == "room.member.joined"]
    assert only_old["id"] in joined
    assert any(f["type"] == "space.created" for f in got)
    await old.error("GET", "/users/me", 401, "token_invalid")

    resolved = await bob.ok("GET", f"/users/{old.id}")
    assert resolved["id"] == new.id and resolved["merged_from"] == old.id
    fetched = await bob.ok("GET", f"/messages/{msg['id']}")
    assert fetched["author"]["id"] == new.id
    members = await bob.ok("GET", f"/rooms/{only_old['id']}/members")
    ids = [m["user"]["id"] for m in members["members"]]
    assert new.id in ids and old.id not in ids
    spaces = await new.ok("GET", f"/spaces/{space['id']}")
    assert spaces["id"] == space["id"]
    assert (await bob.ok("GET", f"/users/{new.id}/stats"))["message_count"] == 1

    # Messages sent live after the merge reach the survivor in the moved room.
    await bob.send(only_old["id"], "welcome")
    assert (await gw_new.event("message.created"))["room_id"] == only_old["id"]
    # Strangers hear nothing of it.
    try:
        while True:
            frame = await gw_stranger.recv(0.3)
            assert frame.get("type") != "user.merged", frame
    except TimeoutError:
        pass

    await admin.error("POST", "/admin/users/merge", 409, "account_closed", json=body)
    same = {"source_user_id": new.id, "target_user_id": new.id}
    await admin.error("POST", "/admin/users/merge", 400, "cannot_merge_self", json=same)
    system = {"source_user_id": -2, "target_user_id": new.id}
    await admin.error("POST", "/admin/users/merge", 403, "system_user", json=system)
    owner = {"source_user_id": bob.id, "target_user_id": new.id}
    err = await admin.error("POST", "/admin/users/merge", 409, "source_owns_spaces", json=owner)
    assert err["details"]["space_ids"] == [space["id"]]
