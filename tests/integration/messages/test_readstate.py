"""Read state over a real server (PR-05): acks move forward only, unread and unread-mention
counts, `read_state.updated` to all the user's sessions and nobody else's, bad input."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room


async def test_ack_counts_and_sync_across_sessions(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    other = await alice.room()
    await bob.ok("POST", f"/rooms/{room['id']}/join")
    handle = bob.user["handle"]
    m1 = await alice.send(room["id"], "one")
    m2 = await alice.send(room["id"], f"@{handle} look")
    await bob.send(room["id"], "my own messages are never unread")
    m4 = await alice.send(room["id"], f"again @{handle}")
    deleted = await alice.send(room["id"], "gone")
    await alice.ok("DELETE", f"/messages/{deleted['id']}", 204)

    state = await bob.ok("GET", f"/rooms/{room['id']}/read-state")
    assert state == {
        "room_id": room["id"],
        "last_read_message_id": None,
        "unread_count": 3,
        "mention_count": 2,
    }
    phone = await Gateway.connect(server, bob.token)
    laptop = await Gateway.connect(server, bob.token)
    alice_gw = await Gateway.connect(server, alice.token)
    # The last connection's cursor: past the presence events the connections logged.
    cursor = alice_gw.ready["cursor"]

    acked = await bob.ok("POST", f"/rooms/{room['id']}/ack", json={"message_id": m2["id"]})
    assert acked == {
        "room_id": room["id"],
        "last_read_message_id": m2["id"],
        "unread_count": 1,
        "mention_count": 1,
    }
    for gw in (phone, laptop):
        event = await gw.event("read_state.updated")
        assert event["data"] == {
            "room_id": room["id"],
            "last_read_message_id": m2["id"],
            "mention_ids_cleared": [m2["id"]],
            "unread_count": 1,
            "mention_count": 1,
        }
    # Never backwards: acking an older message changes nothing and emits nothing.
    again = await bob.ok("POST", f"/rooms/{room['id']}/ack", json={"message_id": m1["id"]})
    assert again["last_read_message_id"] == m2["id"]
    acked = await bob.ok("POST", f"/rooms/{room['id']}/ack", json={"message_id": m4["id"]})
    assert acked["unread_count"] == 0 and acked["mention_count"] == 0
    event = await phone.event("read_state.updated")
    assert event["data"]["mention_ids_cleared"] == [m4["id"]]
    await phone.no_event(0.2)
    await alice_gw.no_event(0.2)  # read state is private

    listed = await bob.ok("GET", "/read-states")
    assert listed["read_states"] == [
        {
            "room_id": room["id"],
            "last_read_message_id": m4["id"],
            "unread_count": 0,
            "mention_count": 0,
        }
    ]
    mine = await alice.ok("GET", "/read-states")
    assert [s["room_id"] for s in mine["read_states"]] == [room["id"], other["id"]]

    page = await bob.ok("GET", "/events", params={"cursor": cursor})
    assert [e["type"] for e in page["events"]] == ["read_state.updated"] * 2
    assert (await alice.ok("GET", "/events", params={"cursor": cursor}))["events"] == []


async def test_ack_bad_input(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    room = await alice.room()
    elsewhere = await alice.room()
    msg = await alice.send(elsewhere["id"], "not in room")
    await alice.error(
        "POST",
        f"/rooms/{room['id']}/ack",
        422,
        "message_not_in_room",
        json={"message_id": msg["id"]},
    )
    await alice.error(
        "POST", f"/rooms/{room['id']}/ack", 404, "message_not_found", json={"message_id": 999999}
    )
    await alice.error("POST", f"/rooms/{room['id']}/ack", 422, "validation_failed", json={})
    await alice.error(
        "POST", f"/rooms/{room['id']}/ack", 422, "validation_failed", json={"message_id": "1"}
    )
    # A reader who has not joined has no read state.
    await bob.error(
        "POST", f"/rooms/{elsewhere['id']}/ack", 403, "not_a_member", json={"message_id": msg["id"]}
    )
    await bob.error("GET", f"/rooms/{elsewhere['id']}/read-state", 403, "not_a_member")
    secret = await private_room(server, alice)
    await bob.error("GET", f"/rooms/{secret['id']}/read-state", 404, "room_not_found")
    assert (await alice.ok("GET", f"/rooms/{room['id']}/read-state"))[
        "last_read_message_id"
    ] is None
