"""Global notifications (NT-03, D.7) over a real server: global staff broadcast a Markdown
notice; every user gets the same notification (one id) live and in their inbox, and each
marks it read by that id on their own; everyone else is refused."""

from __future__ import annotations

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff


async def test_broadcast_reaches_everyone_live_and_in_each_inbox(server: TestServer) -> None:
    alice, bob = await Api.register(server), await Api.register(server)
    boss = await staff(server)
    gw_alice = await Gateway.connect(server, alice.token)
    gw_bob = await Gateway.connect(server, bob.token)
    # Alice has an older notification of her own, to page around.
    room = await bob.room()
    await alice.ok("POST", f"/rooms/{room['id']}/join")
    await bob.send(room["id"], f"hey @{alice.user['handle']}")
    mention = (await gw_alice.event("notification.created"))["data"]["notification"]

    await alice.error(
        "POST", "/admin/notifications", 403, "not_staff", json={"content": "I am the boss"}
    )
    await boss.error("POST", "/admin/notifications", 422, "content_empty", json={"content": " "})
    sent = await boss.ok(
        "POST",
        "/admin/notifications",
        201,
        json={"content": "**Maintenance** tonight <script>alert(1)</script>"},
    )
    n = sent["notification"]
    assert sent["recipients"] >= 3 and n["kind"] == "global"
    assert n["data"] == {"broadcast_id": sent["broadcast_id"]}
    assert "<strong>Maintenance</strong>" in n["content_html"]
    assert "<script>" not in n["content_html"]
    assert n["content_text"].startswith("Maintenance tonight")
    assert n["actor"]["id"] == -2 and n["actor"]["handle"] == "feeds"

    # One event, the same object for everyone.
    for gw in (gw_alice, gw_bob):
        event = await gw.event("notification.created")
        assert event["data"]["notification"] == n
        assert event["actor"]["id"] == -2
    assert n["id"] > mention["id"]

    # In each inbox under that id; unread counts per kind.
    for api in (alice, bob, boss):
        page = await api.ok("GET", "/notifications")
        assert page["notifications"][0]["id"] == n["id"]
        assert page["notifications"][0]["read"] is False
    assert await alice.ok("GET", "/notifications/unread_count") == {
        "unread_count": 2,
        "by_kind": {"global": 1, "mention": 1},
    }
    page = await alice.ok("GET", "/notifications", params={"limit": 1})
    assert [x["id"] for x in page["notifications"]] == [n["id"]] and page["has_more"]
    older = await alice.ok("GET", "/notifications", params={"before": n["id"]})
    assert [x["id"] for x in older["notifications"]] == [mention["id"]]
    only = await alice.ok("GET", "/notifications", params={"kind": "global"})
    assert [x["id"] for x in only["notifications"]] == [n["id"]]
    await alice.error("GET", "/notifications", 422, "invalid_kind", params={"kind": "spam"})

    # Alice marks it read by its id: hers only.
    marked = await alice.ok("POST", f"/notifications/{n['id']}/read")
    assert marked["id"] == n["id"] and marked["read"] is True
    read = await gw_alice.event("notification.read")
    assert read["data"]["notification_ids"] == [n["id"]]
    await gw_bob.no_event()
    bob_page = await bob.ok("GET", "/notifications", params={"unread": True})
    assert [x["id"] for x in bob_page["notifications"]] == [n["id"]]
    assert (await alice.ok("GET", "/notifications/unread_count"))["by_kind"] == {"mention": 1}
    # Bob marks everything read: up_to covers the global id.
    done = await bob.ok("POST", "/notifications/read-all")
    assert done == {"marked": 1, "up_to": n["id"]}
    assert (await bob.ok("GET", "/notifications/unread_count"))["unread_count"] == 0


async def test_a_user_who_arrives_later_resumes_into_the_broadcast(server: TestServer) -> None:
    alice = await Api.register(server)
    boss = await staff(server)
    gw = await Gateway.connect(server, alice.token)
    cursor = gw.ready["cursor"]
    await gw.close()
    sent = await boss.ok("POST", "/admin/notifications", 201, json={"content": "hello all"})
    again = await Gateway.connect(server, alice.token, cursor=cursor)
    event = await again.event("notification.created")
    assert event["data"]["notification"]["id"] == sent["notification"]["id"]
