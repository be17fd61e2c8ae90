"""The moderator commands of D.78 over a real server (SQLite: the services they run
through have their own two-backend tests): each with good and bad arguments and without
rights, over REST (typed 4xx) and the gateway (`command.completed {ok: false, error}`);
their events; moderator deletes audited (MD-14)."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def _setup(server: TestServer) -> tuple[Api, Api, Api, int]:
    owner, mod, bob = (
        await Api.register(server),
        await Api.register(server),
        await Api.register(server),
    )
    room = await owner.room()
    rid = int(room["id"])
    for u in (mod, bob):
        await u.ok("POST", f"/rooms/{rid}/join")
    await owner.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    return owner, mod, bob, rid


async def _cmd(api: Api, rid: int, text: str) -> dict[str, Any]:
    done: dict[str, Any] = await api.ok("POST", f"/rooms/{rid}/commands", json={"command": text})
    assert done["ok"] is True, done
    return done


async def _refused(api: Api, rid: int, text: str, status: int, code: str) -> dict[str, Any]:
    err: dict[str, Any] = await api.error(
        "POST", f"/rooms/{rid}/commands", status, code, json={"command": text}
    )
    return err


async def _gw(gw: Gateway, rid: int, text: str) -> dict[str, Any]:
    await gw.send({"op": "command", "room_id": rid, "command": text, "id": text})
    while True:
        frame = await gw.event("command.completed")
        if frame["data"]["id"] == text:
            data: dict[str, Any] = frame["data"]
            return data


async def test_ban_kick_unban(lite: TestServer) -> None:
    owner, mod, bob, rid = await _setup(lite)
    h = bob.user["handle"]
    gw_bob = await Gateway.connect(lite, bob.token)
    done = await _cmd(mod, rid, f"/ban @{h} 10m being rude")
    ban = done["result"]["ban"]
    assert (done["op"], ban["kind"], ban["reason"]) == ("ban", "ban", "being rude")
    assert "10m" in done["message"] and done["result"]["user"]["id"] == bob.id
    assert (await gw_bob.event("room.ban.created"))["data"]["ban_id"] == ban["id"]
    assert (await gw_bob.event("room.member.left"))["data"]["reason"] == "banned"
    # Without a duration: the rest is the reason, and the ban lasts until lifted.
    done = await _cmd(mod, rid, f"/ban @{h} spam again")
    assert done["result"]["ban"]["reason"] == "spam again"
    assert done["result"]["ban"]["expires_at"] is None
    done = await _cmd(mod, rid, f"/unban @{h.upper()}")
    assert done["result"]["user"]["id"] == bob.id
    assert (await gw_bob.event("room.ban.removed"))["data"]["reason"] == "lifted"
    await _refused(mod, rid, f"/unban @{h}", 404, "ban_not_found")
    await bob.ok("POST", f"/rooms/{rid}/join")
    done = await _cmd(mod, rid, f"/kick @{h}")
    assert done["result"]["ban"]["kind"] == "kick_mute" and "1m" in done["message"]
    assert (await gw_bob.event("room.member.left"))["data"]["reason"] == "kicked"
    done = await _cmd(mod, rid, f"/kick @{h} 2h")
    assert "2h" in done["message"]

    # Bad arguments.
    for text in ("/ban", "/ban bob!", "/kick", f"/kick @{h} soon", f"/kick @{h} 1m x", "/unban"):
        err = await _refused(mod, rid, text, 422, "invalid_command_arguments")
        assert err["details"]["usage"].startswith("/" + text.split()[0][1:])
    await _refused(mod, rid, "/ban @nobody_at_all", 404, "user_not_found")
    await _refused(mod, rid, f"/ban @{owner.user['handle']}", 403, "cannot_ban_owner")
    await _refused(mod, rid, f"/ban @{mod.user['handle']}", 409, "cannot_ban_self")
    # Without rights: refused before the handle is looked up.
    carol = await Api.register(lite)
    await carol.ok("POST", f"/rooms/{rid}/join")
    await _refused(carol, rid, "/ban @nobody_at_all", 403, "missing_permission")
    await _refused(carol, rid, f"/kick @{h}", 403, "missing_permission")
    await _refused(carol, rid, f"/unban @{h}", 403, "missing_permission")


async def test_gateway_refusals_are_command_completed(lite: TestServer) -> None:
    owner, mod, bob, rid = await _setup(lite)
    gw = await Gateway.connect(lite, bob.token)
    for text, code in (
        (f"/ban @{owner.user['handle']}", "missing_permission"),
        ("/delete 1", "missing_permission"),
        ("/close", "not_moderator"),
        ("/timeout 10m", "not_moderator"),
        ("/ban", "invalid_command_arguments"),
    ):
        data = await _gw(gw, rid, text)
        assert (data["ok"], data["error"]["code"], data["result"]) == (False, code, {}), data
        assert data["op"] == text.split()[0][1:] and data["message"] == data["error"]["message"]
    gw_mod = await Gateway.connect(lite, mod.token)
    data = await _gw(gw_mod, rid, "/timeout forever")
    assert data["error"]["code"] == "invalid_command_arguments"
    data = await _gw(gw_mod, rid, f"/kick @{bob.user['handle']} 30s")
    assert data["ok"] is True and data["result"]["ban"]["kind"] == "kick_mute"


async def test_delete_open_close_timeout(lite: TestServer) -> None:
    owner, mod, bob, rid = await _setup(lite)
    gw_owner = await Gateway.connect(lite, owner.token)
    message = await bob.send(rid, "delete me")
    mine = await mod.send(rid, "mine")
    done = await _cmd(mod, rid, f"/delete {message['id']}")
    assert done["result"] == {"message_id": message["id"]}
    deleted = await gw_owner.event("message.deleted")
    assert deleted["data"]["by_moderator"] is True
    entry = (await gw_owner.event("audit.entry.created"))["data"]["entry"]
    assert (entry["action"], entry["target"]) == (
        "message.deleted",
        {"type": "message", "id": message["id"]},
    )
    await _cmd(mod, rid, f"/delete #{mine['id']}")
    # A moderator's edit of someone else's message is marked and audited too (MD-14).
    edited_msg = await bob.send(rid, "typo")
    edited = await mod.ok("PATCH", f"/messages/{edited_msg['id']}", json={"content": "fixed"})
    assert edited["edited_by_moderator"] is True
    frames = await gw_owner.events_until(lambda f: f["type"] == "audit.entry.created")
    entry = frames[-1]["data"]["entry"]
    assert (entry["action"], entry["before"], entry["after"]) == (
        "message.updated",
        {"content": "typo"},
        {"content": "fixed"},
    )
    await bob.ok("PATCH", f"/messages/{edited_msg['id']}", json={"content": "mine again"})
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "message."})
    # Only what moderators did to others' messages: not the mod's own, nor bob's edit.
    assert [e["action"] for e in audit["entries"]] == ["message.updated", "message.deleted"]
    other_room = await owner.room()
    elsewhere = await owner.send(other_room["id"], "elsewhere")
    await _refused(mod, rid, f"/delete {elsewhere['id']}", 404, "message_not_found")
    await _refused(mod, rid, "/delete soon", 422, "invalid_command_arguments")
    kept = await owner.send(rid, "keep me")
    await _refused(bob, rid, f"/delete {kept['id']}", 403, "missing_permission")

    done = await _cmd(mod, rid, "/close")
    assert done["result"]["room"]["is_open"] is False
    assert (await gw_owner.event("room.closed"))["data"]["actor_id"] == mod.id
    await bob.error("POST", f"/rooms/{rid}/messages", 403, "room_closed", json={"content": "x"})
    await _cmd(mod, rid, "/close")  # already closed: nothing changes
    await _refused(mod, rid, "/close now", 422, "invalid_command_arguments")
    await _refused(bob, rid, "/open", 403, "not_moderator")
    done = await _cmd(mod, rid, "/open")
    assert done["result"]["room"]["is_open"] is True
    await gw_owner.event("room.opened")
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "room.updated"})
    assert [e["after"] for e in audit["entries"][:2]] == [{"is_open": True}, {"is_open": False}]

    done = await _cmd(mod, rid, "/timeout 90")
    assert done["op"] == "timeout" and done["result"]["timeout"]["duration_s"] == 90
    started = await gw_owner.event("room.timeout.started")
    assert started["data"]["duration_s"] == 90
    await _refused(mod, rid, "/timeout", 422, "invalid_command_arguments")
    await _refused(mod, rid, "/timeout 0", 422, "invalid_command_arguments")
