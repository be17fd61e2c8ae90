"""Pins over a real server (RX-06): owners and moderators pin and unpin, `pinned` on
reads, the room's pinned list, events live and on long-poll, bad input."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room


async def test_pin_unpin_list_and_events(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    first = await bob.send(room["id"], "first")
    second = await bob.send(room["id"], "second")
    gw = await Gateway.connect(server, bob.token)
    cursor = gw.ready["cursor"]

    pinned = await alice.ok("PUT", f"/messages/{first['id']}/pin")
    assert pinned["pinned"] is True and pinned["pin_count"] == 1
    event = await gw.event("message.pinned")
    assert event["actor"]["id"] == alice.id
    assert event["data"] == {
        "room_id": room["id"],
        "message_id": first["id"],
        "actor_id": alice.id,
        "pinned_at": pinned["pinned_at"],
    }
    await alice.ok("PUT", f"/messages/{first['id']}/pin")  # pinning twice: no event (D.12)
    await alice.ok("PUT", f"/messages/{second['id']}/pin")
    assert (await gw.event("message.pinned"))["data"]["message_id"] == second["id"]
    listed = await bob.ok("GET", f"/rooms/{room['id']}/pins")
    assert [m["id"] for m in listed["messages"]] == [second["id"], first["id"]]
    assert (await bob.ok("GET", f"/messages/{first['id']}"))["pinned"] is True

    unpinned = await alice.ok("DELETE", f"/messages/{first['id']}/pin")
    assert unpinned["pinned"] is False and unpinned["pinned_at"] is None
    event = await gw.event("message.unpinned")
    assert event["data"] == {"room_id": room["id"], "message_id": first["id"], "actor_id": alice.id}
    await alice.ok("DELETE", f"/messages/{first['id']}/pin")
    await gw.no_event()
    # A deleted message drops out of the list.
    await alice.ok("DELETE", f"/messages/{second['id']}", 204)
    assert (await bob.ok("GET", f"/rooms/{room['id']}/pins"))["messages"] == []

    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    types = [e["type"] for e in page["events"]]
    assert types == ["message.pinned", "message.pinned", "message.unpinned", "message.deleted"]


async def test_pinning_needs_rights(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{room['id']}/join")
    msg = await bob.send(room["id"], "pin me")
    await bob.error("PUT", f"/messages/{msg['id']}/pin", 403, "not_moderator")
    outsider = await Api.register(server)
    await outsider.error("PUT", f"/messages/{msg['id']}/pin", 403, "not_a_member")
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["pinned"] is False
    # A moderator appointed by the owner may pin.
    await alice.ok("PATCH", f"/rooms/{room['id']}/members/{carol.id}", json={"role": "moderator"})
    assert (await carol.ok("PUT", f"/messages/{msg['id']}/pin"))["pinned"] is True
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    await carol.error("DELETE", f"/messages/{msg['id']}/pin", 409, "message_deleted")
    secret = await private_room(server, alice)
    await bob.error("GET", f"/rooms/{secret['id']}/pins", 404, "room_not_found")
    await bob.error(
        "GET", f"/rooms/{room['id']}/pins", 422, "validation_failed", params={"limit": 500}
    )
