"""Reports over a real server (MD-03, MD-04; D.27, D.66, D.89): each target type, who
receives `report.created` / `report.updated`, the moderators' lists, resolving and
rejecting (audited), the refusals, and the report threshold queueing a message once."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room, staff


async def _report(api: Api, target_type: str, target_id: int, **kw: Any) -> dict[str, Any]:
    body = {"target_type": target_type, "target_id": target_id, "reason": "spam", **kw}
    report: dict[str, Any] = await api.ok("POST", "/reports", 201, json=body)
    return report


async def _room_with(owner: Api, *members: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in members:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def test_each_target_reaches_its_moderators_and_the_reporter(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    boss = await staff(server)
    room = await _room_with(alice, bob, carol)
    rid = room["id"]
    msg = await bob.send(rid, "buy cheap watches")
    gw_alice = await Gateway.connect(server, alice.token)
    gw_bob = await Gateway.connect(server, bob.token)
    gw_carol = await Gateway.connect(server, carol.token)
    gw_boss = await Gateway.connect(server, boss.token)

    # A message: the room's moderators (its owner), staff, and the reporter's ack.
    report = await _report(carol, "message", msg["id"], detail="  spam links  ")
    assert report["target_type"] == "message" and report["room_id"] == rid
    assert report["status"] == "created" and report["report_count"] == 1
    assert report["reporter_id"] == carol.id and report["detail"] == "spam links"
    for gw in (gw_alice, gw_carol, gw_boss):
        ev = await gw.event("report.created")
        assert ev["data"]["report"] == report
        assert ev["room_id"] == rid
    await gw_bob.no_event()

    # A user: staff only (and the reporter).
    on_user = await _report(carol, "user", bob.id, reason="harassment")
    assert on_user["room_id"] is None and on_user["space_id"] is None
    assert (await gw_boss.event("report.created"))["data"]["report"]["id"] == on_user["id"]
    assert (await gw_carol.event("report.created"))["data"]["report"]["id"] == on_user["id"]
    await gw_alice.no_event()
    await gw_bob.no_event()

    # A room: its moderators.
    on_room = await _report(bob, "room", rid, reason="other", detail="wrong topic")
    assert on_room["room_id"] == rid
    assert (await gw_alice.event("report.created"))["data"]["report"]["id"] == on_room["id"]
    assert (await gw_bob.event("report.created"))["data"]["report"]["reporter_id"] == bob.id
    await gw_carol.no_event()

    # A space: its moderators (the owner).
    space = await bob.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    await carol.ok("POST", f"/spaces/{space['id']}/join")
    gw_bob2 = await Gateway.connect(server, bob.token)  # a scope that includes the space
    on_space = await _report(carol, "space", space["id"], reason="illegal")
    assert on_space["space_id"] == space["id"] and on_space["room_id"] is None
    assert (await gw_bob2.event("report.created"))["data"]["report"]["id"] == on_space["id"]
    await gw_alice.no_event()

    # The reporter reads their own report; someone else cannot see it.
    assert (await carol.ok("GET", f"/reports/{report['id']}"))["id"] == report["id"]
    await bob.error("GET", f"/reports/{report['id']}", 404, "report_not_found")


async def test_refusals_write_nothing(lite: TestServer) -> None:
    alice, bob, eve = [await Api.register(lite) for _ in range(3)]
    room = await _room_with(alice, bob)
    rid = room["id"]
    msg = await bob.send(rid, "hello")
    secret = await private_room(lite, alice)
    hidden = await alice.send(secret["id"], "members only")

    def body(target_type: str, target_id: int, **kw: Any) -> dict[str, Any]:
        fields = {"target_type": target_type, "target_id": target_id, "reason": "spam"}
        return {"json": {**fields, **kw}}

    await eve.error("POST", "/reports", 400, "cannot_report_self", **body("user", eve.id))
    await bob.error("POST", "/reports", 400, "cannot_report_self", **body("message", msg["id"]))
    await eve.error("POST", "/reports", 404, "message_not_found", **body("message", hidden["id"]))
    await eve.error("POST", "/reports", 404, "room_not_found", **body("room", secret["id"]))
    await eve.error("POST", "/reports", 404, "user_not_found", **body("user", 10**9))
    await eve.error("POST", "/reports", 404, "space_not_found", **body("space", 10**9))
    await eve.error("POST", "/reports", 404, "message_not_found", **body("message", 10**9))
    await eve.error("POST", "/reports", 422, "invalid_report_target", **body("webhook", msg["id"]))
    await eve.error(
        "POST",
        "/reports",
        422,
        "invalid_report_reason",
        json={"target_type": "user", "target_id": bob.id, "reason": "meh"},
    )
    await eve.error(
        "POST", "/reports", 422, "report_detail_too_long", **body("user", bob.id, detail="x" * 1001)
    )

    await _report(alice, "message", msg["id"])
    await alice.error("POST", "/reports", 409, "already_reported", **body("message", msg["id"]))
    gone = await bob.send(rid, "oops")
    await bob.ok("DELETE", f"/messages/{gone['id']}", 204)
    await alice.error("POST", "/reports", 409, "message_deleted", **body("message", gone["id"]))

    # Nothing half-written: only the one good report exists, counted once.
    page = await alice.ok("GET", f"/rooms/{rid}/reports")
    assert [r["target_id"] for r in page["reports"]] == [msg["id"]]
    assert page["reports"][0]["report_count"] == 1


async def test_lists_resolve_and_reject(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    boss = await staff(server)
    room = await _room_with(alice, bob, carol)
    rid = room["id"]
    m1 = await bob.send(rid, "one")
    m2 = await bob.send(rid, "two")
    r1 = await _report(carol, "message", m1["id"])
    r2 = await _report(carol, "message", m2["id"], reason="abuse")
    r3 = await _report(alice, "message", m2["id"])
    assert r3["report_count"] == 2
    on_user = await _report(carol, "user", bob.id)

    page = await alice.ok("GET", f"/rooms/{rid}/reports")
    assert [r["id"] for r in page["reports"]] == [r3["id"], r2["id"], r1["id"]]
    assert page["reports"][0]["report_count"] == 2 and not page["has_more"]
    # Moderators judge from the list: what was reported (author, text) and by whom.
    newest = page["reports"][0]
    assert newest["target"]["excerpt"] == "two" and newest["target"]["author"]["id"] == bob.id
    assert newest["target"]["deleted"] is False and newest["target"]["room_id"] == rid
    assert newest["reporter"]["id"] == alice.id
    assert set(newest["reporter"]) == {"id", "handle", "display_name", "avatar_url"}
    first = await alice.ok("GET", f"/rooms/{rid}/reports", params={"limit": 2})
    assert first["has_more"] and len(first["reports"]) == 2
    rest = await alice.ok(
        "GET", f"/rooms/{rid}/reports", params={"before": first["reports"][-1]["id"]}
    )
    assert [r["id"] for r in rest["reports"]] == [r1["id"]]
    await carol.error("GET", f"/rooms/{rid}/reports", 403, "not_moderator")
    await alice.error("GET", f"/rooms/{rid}/reports?status=open", 422, "invalid_report_status")
    await alice.error("GET", "/admin/reports", 403, "not_global_moderator")
    everything = await boss.ok("GET", "/admin/reports")
    by_id = {r["id"]: r for r in everything["reports"]}
    assert by_id[on_user["id"]]["target"]["id"] == bob.id

    gw_alice = await Gateway.connect(server, alice.token)
    gw_carol = await Gateway.connect(server, carol.token)
    gw_bob = await Gateway.connect(server, bob.token)
    await carol.error("POST", f"/reports/{r1['id']}/resolve", 403, "not_moderator")
    await bob.error("POST", f"/reports/{r1['id']}/resolve", 404, "report_not_found")
    done = await alice.ok("POST", f"/reports/{r1['id']}/resolve", json={"note": "removed"})
    assert done["status"] == "resolved" and done["resolver_id"] == alice.id
    assert done["note"] == "removed" and done["resolved_at"] is not None
    for gw in (gw_alice, gw_carol):
        ev = await gw.event("report.updated")
        assert ev["data"]["report"] == done
    await gw_bob.no_event()
    await alice.error("POST", f"/reports/{r1['id']}/reject", 409, "report_closed")
    rejected = await alice.ok("POST", f"/reports/{r2['id']}/reject")
    assert rejected["status"] == "rejected" and rejected["note"] is None

    only_open = await alice.ok("GET", f"/rooms/{rid}/reports", params={"status": "created"})
    assert [r["id"] for r in only_open["reports"]] == [r3["id"]]
    audit = await alice.ok("GET", f"/rooms/{rid}/audit", params={"action": "report."})
    assert [e["action"] for e in audit["entries"]] == ["report.rejected", "report.resolved"]

    # A user report: staff handle it, audited on the user.
    await alice.error("POST", f"/reports/{on_user['id']}/resolve", 404, "report_not_found")
    closed = await boss.ok("POST", f"/reports/{on_user['id']}/resolve")
    assert closed["status"] == "resolved"


async def test_space_reports_list(lite: TestServer) -> None:
    alice, bob = [await Api.register(lite) for _ in range(2)]
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    sid = space["id"]
    await bob.ok("POST", f"/spaces/{sid}/join")
    on_space = await _report(bob, "space", sid)
    page = await alice.ok("GET", f"/spaces/{sid}/reports")
    assert [r["id"] for r in page["reports"]] == [on_space["id"]]
    await bob.error("GET", f"/spaces/{sid}/reports", 403, "not_moderator")
    rejected = await alice.ok("POST", f"/reports/{on_space['id']}/reject", json={"note": "fine"})
    assert rejected["status"] == "rejected"


async def test_threshold_queues_the_message_once(lite: TestServer) -> None:
    alice, bob, carol, dave, erin = [await Api.register(lite) for _ in range(5)]
    room = await _room_with(alice, bob, carol, dave, erin, max_reports=2)
    rid = room["id"]
    msg = await bob.send(rid, "reported")
    other = await bob.send(rid, "fine")
    gw_mod = await Gateway.connect(lite, alice.token)
    gw_member = await Gateway.connect(lite, erin.token)

    await _report(carol, "message", msg["id"])
    await _report(carol, "message", other["id"])
    assert (await _report(dave, "message", msg["id"]))["report_count"] == 2
    seen = await gw_mod.events_until(lambda f: f["type"] == "moderation.queued")
    queued = seen[-1]
    assert queued["data"]["reason"] == "report_threshold"
    assert queued["data"]["report_count"] == 2
    assert queued["data"]["message"]["id"] == msg["id"]
    # A third report counts but does not queue it again.
    assert (await _report(erin, "message", msg["id"]))["report_count"] == 3
    ev = await gw_mod.event("report.created")
    assert ev["data"]["report"]["report_count"] == 3
    await gw_mod.no_event()
    # A plain member hears of their own report only, never of the queue.
    assert (await gw_member.event())["type"] == "report.created"
    await gw_member.no_event()


async def test_moderators_see_a_messages_report_count(lite: TestServer) -> None:
    owner, member, reporter = [await Api.register(lite) for _ in range(3)]
    room = await owner.room()
    for u in (member, reporter):
        await u.ok("POST", f"/rooms/{room['id']}/join")
    msg = await member.send(room["id"], "hello")
    body = {"target_type": "message", "target_id": msg["id"], "reason": "spam"}
    await reporter.ok("POST", "/reports", 201, json=body)
    assert (await owner.ok("GET", f"/messages/{msg['id']}"))["report_count"] == 1
    assert "report_count" not in await reporter.ok("GET", f"/messages/{msg['id']}")
