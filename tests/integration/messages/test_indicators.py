"""Editing indicators over a real gateway (PR-04; D.52): ephemeral, to the room except the
editor, expiring on the injected clock, ended by saving the edit or by `stop`."""

from __future__ import annotations

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway


async def test_editing_started_stopped_on_expiry_save_and_stop(backend: str) -> None:
    clock = ManualClock()
    async with TestServer(clock=clock, database=await database_for(backend)) as server:
        alice, bob = await Api.register(server), await Api.register(server)
        room = await alice.room()
        await bob.ok("POST", f"/rooms/{room['id']}/join")
        msg = await bob.send(room["id"], "typo hree")
        a_gw = await Gateway.connect(server, alice.token)
        b_gw = await Gateway.connect(server, bob.token)
        cursor = a_gw.ready["cursor"]

        await b_gw.send({"op": "editing", "message_id": msg["id"]})
        started = await a_gw.event("message.editing.started")
        assert started["seq"] is None and started["actor"]["id"] == bob.id
        assert started["data"]["expires_at"].endswith("Z")
        assert {k: v for k, v in started["data"].items() if k != "expires_at"} == {
            "room_id": room["id"],
            "message_id": msg["id"],
            "user_id": bob.id,
        }
        await b_gw.no_event(0.2)  # the editor does not hear themselves
        await b_gw.send({"op": "editing", "message_id": msg["id"]})  # a refresh: no re-broadcast
        await a_gw.no_event(0.2)

        tracker = server.core.extras["typing"]
        clock.advance(9)
        assert tracker.expire_due() == 0  # the refresh above did not extend past 10 s from then
        clock.advance(1.5)
        assert tracker.expire_due() == 1
        stopped = await a_gw.event("message.editing.stopped")
        assert stopped["data"] == {
            "room_id": room["id"],
            "message_id": msg["id"],
            "user_id": bob.id,
        }

        # Saving the edit ends it.
        await b_gw.send({"op": "editing", "message_id": msg["id"]})
        await a_gw.event("message.editing.started")
        await bob.ok("PATCH", f"/messages/{msg['id']}", json={"content": "typo here"})
        frames = [await a_gw.event() for _ in range(2)]
        assert {f["type"] for f in frames} == {"message.updated", "message.editing.stopped"}

        # So does an explicit stop (the edit was cancelled).
        await b_gw.send({"op": "editing", "message_id": msg["id"]})
        await a_gw.event("message.editing.started")
        await b_gw.send({"op": "editing", "message_id": msg["id"], "stop": True})
        await a_gw.event("message.editing.stopped")

        page = await alice.ok("GET", "/events", params={"cursor": cursor})
        assert not any(e["type"].startswith("message.editing") for e in page["events"])


async def test_only_the_author_or_a_moderator_signals_editing(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    msg = await bob.send(room["id"], "bob's")
    bob_gw = await Gateway.connect(server, bob.token)
    carol_gw = await Gateway.connect(server, carol.token)
    await carol_gw.send({"op": "editing", "message_id": msg["id"]})
    error = await carol_gw.recv()
    assert error == {
        "op": "error",
        "code": "not_message_author",
        "message": error["message"],
    }
    for bad, code in [("x", "invalid_message_id"), (True, "invalid_message_id")]:
        await carol_gw.send({"op": "editing", "message_id": bad})
        assert (await carol_gw.recv())["code"] == code
    await carol_gw.send({"op": "editing", "message_id": 999_999})
    assert (await carol_gw.recv())["code"] == "message_not_found"
    await bob_gw.no_event(0.2)
    # The room owner (a moderator) may; the connection stays open after refusals.
    alice_gw = await Gateway.connect(server, alice.token)
    await alice_gw.send({"op": "editing", "message_id": msg["id"]})
    assert (await bob_gw.event("message.editing.started"))["data"]["user_id"] == alice.id
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    await bob_gw.event("message.deleted")
    await bob_gw.send({"op": "editing", "message_id": msg["id"]})
    assert (await bob_gw.recv())["code"] == "message_deleted"
    await carol_gw.send({"op": "ping"})
    frames = [await carol_gw.recv() for _ in range(3)]  # editing.started, deleted, pong
    assert [f.get("type", f["op"]) for f in frames] == [
        "message.editing.started",
        "message.deleted",
        "pong",
    ]
