"""Mention and reply notifications over a real server (SQLite and PostgreSQL): only the
right user gets `notification.created`, live, over long-poll and on resume; the inbox
pages and read flags; `notification.read` to the user's other sessions."""

from __future__ import annotations

from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, staff

NOTE_FIELDS = {
    "id",
    "kind",
    "room_id",
    "room_name",
    "message_id",
    "actor",
    "content_html",
    "content_text",
    "data",
    "created_at",
    "read",
}


async def _room_with(owner: Api, *others: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in others:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


def _mention(api: Api) -> str:
    return "@" + str(api.user["handle"])


async def test_a_mention_notifies_only_the_mentioned_user(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob, carol)
    gw_bob = await Gateway.connect(server, bob.token)
    gw_carol = await Gateway.connect(server, carol.token)
    gw_alice = await Gateway.connect(server, alice.token)
    sent = await alice.send(room["id"], f"hey {_mention(bob)}, **look**")

    frame = await gw_bob.event("notification.created")
    assert frame["actor"]["id"] == alice.id and frame["room_id"] == room["id"]
    note = frame["data"]["notification"]
    assert set(note) == NOTE_FIELDS
    assert (note["kind"], note["room_id"], note["room_name"], note["message_id"]) == (
        "mention",
        room["id"],
        room["name"],
        sent["id"],
    )
    assert note["actor"]["id"] == alice.id and note["read"] is False
    assert note["content_html"] == sent["content_html"]
    assert note["content_text"] == f"hey {_mention(bob)}, look"
    assert note["data"]["message_type"] == "speech"
    # the others see the message, and no notification
    for gw in (gw_carol, gw_alice):
        created = await gw.event("message.created")
        assert created["data"]["message"]["mentions"] == [bob.id]
        await gw.no_event()
    # mentioning oneself notifies nobody
    await alice.send(room["id"], f"note to self {_mention(alice)}")
    await gw_alice.event("message.created")
    await gw_alice.no_event()


async def test_a_reply_notifies_the_replied_to_author(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob, carol)
    question = await alice.send(room["id"], "anyone?")
    gw_alice = await Gateway.connect(server, alice.token)
    answer = await bob.send(room["id"], f"me! cc {_mention(alice)}", reply_to=question["id"])
    frames = await gw_alice.events_until(lambda f: f["type"] == "notification.created")
    assert [f["type"] for f in frames] == ["message.created", "notification.created"]
    note = frames[1]["data"]["notification"]
    # one notification per user: the reply, even though she is mentioned too
    assert (note["kind"], note["message_id"]) == ("reply", answer["id"])
    await gw_alice.no_event()
    # replying to oneself notifies nobody; a reply that mentions a third user notifies both
    await alice.send(room["id"], "and me", reply_to=question["id"])
    await bob.send(room["id"], f"{_mention(carol)} thoughts?", reply_to=question["id"])
    inboxes = [(await api.ok("GET", "/notifications"))["notifications"] for api in (alice, carol)]
    assert [n["kind"] for n in inboxes[0]] == ["reply", "reply"]  # newest first
    assert [n["kind"] for n in inboxes[1]] == ["mention"]


async def test_only_readers_of_the_room_are_notified(server: TestServer) -> None:
    alice, bob, dave = [await Api.register(server) for _ in range(3)]
    private = await _room_with(alice, bob)
    await (await staff(server)).ok(
        "PATCH", f"/rooms/{private['id']}", json={"access_mode": "private"}
    )
    sent = await alice.send(private["id"], f"{_mention(bob)} {_mention(dave)}")
    assert sent["mentions"] == sorted([bob.id, dave.id])
    assert len((await bob.ok("GET", "/notifications"))["notifications"]) == 1
    assert (await dave.ok("GET", "/notifications"))["notifications"] == []
    # a public room is readable by everyone: a non-member is notified (a user inbox)
    public = await alice.room()
    await alice.send(public["id"], f"{_mention(dave)} come over")
    inbox = (await dave.ok("GET", "/notifications"))["notifications"]
    assert [(n["kind"], n["room_id"]) for n in inbox] == [("mention", public["id"])]


async def test_long_poll_and_resume_deliver_notifications(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob, carol)
    async with await Gateway.connect(server, bob.token) as gw:
        cursor = gw.ready["cursor"]
    carol_cursor = (await carol.ok("GET", "/events"))["cursor"]
    sent = await alice.send(room["id"], f"{_mention(bob)} while you were away")

    page = await bob.ok("GET", "/events", params={"cursor": cursor, "wait": 5})
    types = [e["type"] for e in page["events"]]
    assert types == ["message.created", "notification.created"]
    note = page["events"][1]["data"]["notification"]
    assert note["message_id"] == sent["id"] and note["kind"] == "mention"
    theirs = await carol.ok("GET", "/events", params={"cursor": carol_cursor, "wait": 1})
    assert [e["type"] for e in theirs["events"]] == ["message.created"]

    resumed = await Gateway.connect(server, bob.token, cursor=cursor)
    replay = await resumed.events_until(lambda f: f["type"] == "notification.created")
    assert [f["type"] for f in replay] == ["message.created", "notification.created"]
    assert replay[1]["data"]["notification"] == note
    assert replay[1]["seq"] == page["events"][1]["seq"]


async def test_inbox_pages_and_read_flags(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob)
    ids = []
    for i in range(5):
        await alice.send(room["id"], f"{_mention(bob)} #{i}")
    inbox = await bob.ok("GET", "/notifications")
    ids = [n["id"] for n in inbox["notifications"]]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)  # newest first
    assert (inbox["unread_count"], inbox["has_more"]) == (5, False)
    first = await bob.ok("GET", "/notifications", params={"limit": 2})
    assert [n["id"] for n in first["notifications"]] == ids[:2] and first["has_more"]
    rest = await bob.ok("GET", "/notifications", params={"before": ids[1], "limit": 10})
    assert [n["id"] for n in rest["notifications"]] == ids[2:] and not rest["has_more"]

    other_session = await Gateway.connect(server, bob.token)
    marked = await bob.ok("POST", f"/notifications/{ids[0]}/read")
    assert marked["id"] == ids[0] and marked["read"] is True
    frame = await other_session.event("notification.read")
    assert frame["data"]["notification_ids"] == [ids[0]] and frame["data"]["up_to"] is None
    again = await bob.ok("POST", f"/notifications/{ids[0]}/read")  # idempotent, no event
    assert again["read"] is True
    await other_session.no_event()
    unread = await bob.ok("GET", "/notifications", params={"unread": "true"})
    assert [n["id"] for n in unread["notifications"]] == ids[1:]
    assert unread["unread_count"] == 4

    await carol.error("POST", f"/notifications/{ids[1]}/read", 404, "notification_not_found")
    await bob.error("POST", "/notifications/999999/read", 404, "notification_not_found")
    await bob.error("GET", "/notifications", 422, "validation_failed", params={"limit": 0})

    assert await bob.ok("POST", "/notifications/read-all") == {"marked": 4, "up_to": ids[1]}
    frame = await other_session.event("notification.read")
    assert frame["data"]["up_to"] == ids[1] and frame["data"]["notification_ids"] == []
    assert await bob.ok("POST", "/notifications/read-all") == {"marked": 0, "up_to": None}
    after = await bob.ok("GET", "/notifications")
    assert after["unread_count"] == 0 and all(n["read"] for n in after["notifications"])
    # the content of a message deleted since is not kept in the inbox
    message_id = after["notifications"][0]["message_id"]
    await alice.ok("DELETE", f"/messages/{message_id}", 204)
    gone = (await bob.ok("GET", "/notifications"))["notifications"][0]
    assert (gone["message_id"], gone["content_text"], gone["content_html"]) == (message_id, "", "")


async def test_notifications_need_a_token(server: TestServer) -> None:
    async with httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1") as http:
        for method, path in (
            ("GET", "/notifications"),
            ("POST", "/notifications/1/read"),
            ("POST", "/notifications/read-all"),
            ("GET", "/messages/1/revisions"),
        ):
            resp = await http.request(method, path)
            assert resp.status_code == 401, (path, resp.text)
            assert resp.json()["error"]["code"] == "token_missing"
