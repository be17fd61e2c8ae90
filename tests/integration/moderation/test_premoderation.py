"""Pre-moderation over a real server (MD-01, MD-02, MD-15, D.68, D.79, D.89): pending
messages reach only the author and the moderators (with `moderation.queued`), the queue,
approval publishing to everyone else exactly once, rejection telling the author, the
report threshold hiding a message, and the refusals."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def _room_with(owner: Api, *members: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def test_pending_approved_rejected(server: TestServer) -> None:
    owner, author, reader = [
        await Api.register(server),
        *[await Api.register(server) for _ in range(2)],
    ]
    room = await _room_with(owner, author, reader)
    rid = room["id"]
    await owner.error("PATCH", f"/rooms/{rid}", 422, "invalid_moderation", json={"moderation": "x"})
    assert (await owner.ok("PATCH", f"/rooms/{rid}", json={"moderation": "pre"}))[
        "moderation"
    ] == "pre"
    cursor = (await Gateway.connect(server, reader.token)).ready["cursor"]
    gw_owner = await Gateway.connect(server, owner.token)
    gw_author = await Gateway.connect(server, author.token)
    gw_reader = await Gateway.connect(server, reader.token)

    sent = await author.send(rid, "may I?")
    assert sent["moderation_state"] == "pending" and sent["active"] is False
    assert (await gw_author.event("message.created"))["data"]["message"]["id"] == sent["id"]
    frames = await gw_owner.events_until(lambda f: f["type"] == "moderation.queued")
    assert [f["type"] for f in frames] == ["message.created", "moderation.queued"]
    queued = frames[-1]["data"]
    assert queued["reason"] == "pre_moderation" and queued["message"]["id"] == sent["id"]
    await gw_reader.no_event()
    assert (await reader.ok("GET", f"/rooms/{rid}/messages"))["messages"] == []
    await reader.error("GET", f"/messages/{sent['id']}", 404, "message_not_found")
    assert (await author.ok("GET", f"/messages/{sent['id']}"))["moderation_state"] == "pending"
    # a moderator's own message is not held
    own = await owner.send(rid, "mods post freely")
    assert own["moderation_state"] == "na"
    for gw in (gw_owner, gw_author, gw_reader):
        assert (await gw.event("message.created"))["data"]["message"]["id"] == own["id"]

    queue = await owner.ok("GET", f"/rooms/{rid}/moderation/queue")
    assert [i["message"]["id"] for i in queue["items"]] == [sent["id"]]
    assert queue["items"][0]["reason"] == "pre_moderation" and queue["has_more"] is False
    await reader.error("GET", f"/rooms/{rid}/moderation/queue", 403, "not_moderator")
    await reader.error("POST", f"/messages/{sent['id']}/approve", 403, "not_moderator")
    await owner.error("POST", f"/messages/{own['id']}/approve", 409, "not_pending")

    approved = await owner.ok("POST", f"/messages/{sent['id']}/approve", json={})
    assert approved["moderation_state"] == "approved" and approved["active"] is True
    published = (await gw_reader.event("message.created"))["data"]["message"]
    assert published["id"] == sent["id"] and published["moderation_state"] == "approved"
    for gw in (gw_owner, gw_author):  # they had it: only the resolution
        ev = await gw.event()
        assert ev["type"] == "moderation.resolved", ev
        assert ev["data"] == {
            "room_id": rid,
            "message_id": sent["id"],
            "state": "approved",
            "actor_id": owner.id,
            "note": None,
        }
    await gw_reader.no_event()
    await owner.error("POST", f"/messages/{sent['id']}/approve", 409, "not_pending")
    polled = await reader.ok("GET", "/events", params={"cursor": cursor, "wait": 0})
    created = [
        e["data"]["message"]["id"] for e in polled["events"] if e["type"] == "message.created"
    ]
    assert created == [own["id"], sent["id"]]

    # rejection: the author is told, nobody else sees anything
    second = await author.send(rid, "and this?")
    await gw_author.event("message.created")
    await gw_owner.event("moderation.queued")
    long_note = {"note": "x" * 1001}
    await owner.error(
        "POST", f"/messages/{second['id']}/reject", 422, "invalid_note", json=long_note
    )
    rejected = await owner.ok(
        "POST", f"/messages/{second['id']}/reject", json={"note": "off topic"}
    )
    assert rejected["moderation_state"] == "rejected" and rejected["active"] is False
    ev = await gw_author.event("moderation.resolved")
    assert ev["data"]["state"] == "rejected" and ev["data"]["note"] == "off topic"
    await gw_owner.event("moderation.resolved")
    await gw_reader.no_event()
    history = await reader.ok("GET", f"/rooms/{rid}/messages")
    assert second["id"] not in [m["id"] for m in history["messages"]]
    audit = await owner.ok("GET", f"/rooms/{rid}/audit", params={"action": "message."})
    assert {"message.approved", "message.rejected"} <= {e["action"] for e in audit["entries"]}


async def test_the_report_threshold_can_hide_a_message(lite: TestServer) -> None:
    owner, author, reader = [await Api.register(lite) for _ in range(3)]
    room = await _room_with(owner, author, reader, max_reports=1)
    rid = room["id"]
    await owner.ok(
        "PATCH", f"/rooms/{rid}", json={"moderation": "post", "hide_on_report_threshold": True}
    )
    sent = await author.send(rid, "questionable")  # post-moderation publishes at once
    assert sent["moderation_state"] == "na"
    gw_owner = await Gateway.connect(lite, owner.token)
    gw_reader = await Gateway.connect(lite, reader.token)
    body = {"target_type": "message", "target_id": sent["id"], "reason": "spam"}
    await reader.ok("POST", "/reports", 201, json=body)
    hidden = await gw_reader.event("message.updated")
    assert hidden["data"]["changes"] == {"moderation_state": "pending", "active": False}
    queued = (await gw_owner.event("moderation.queued"))["data"]
    assert queued["reason"] == "report_threshold" and queued["report_count"] == 1
    assert (await reader.ok("GET", f"/rooms/{rid}/messages"))["messages"] == []

    await owner.ok("POST", f"/messages/{sent['id']}/approve")
    shown = await gw_reader.event("message.updated")
    assert shown["data"]["changes"] == {"moderation_state": "approved", "active": True}
    history = await reader.ok("GET", f"/rooms/{rid}/messages")
    assert [m["id"] for m in history["messages"]] == [sent["id"]]
