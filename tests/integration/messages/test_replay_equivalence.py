"""One invariant over every message event: what a client saw live is exactly what it gets
again by resuming from its old cursor (gateway) or by long-polling from it — same events,
same order, same payloads — for each user's own view."""

from __future__ import annotations

from typing import Any

from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway


async def _replayed(server: TestServer, api: Api, cursor: str, count: int) -> list[dict[str, Any]]:
    gw = await Gateway.connect(server, api.token, cursor=cursor, presence=True)
    frames = [await gw.event() for _ in range(count)]
    done = await gw.recv()
    assert done["op"] == "resumed" and done["replayed"] == count
    return frames


def _persisted(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in f.items() if k != "op"} for f in frames if f["seq"] is not None]


async def test_live_resume_and_long_poll_agree_for_every_message_event(server: TestServer) -> None:
    server.core.rate_limiter.enabled = False
    alice, bob = await Api.register(server), await Api.register(server)
    room = (await alice.room())["id"]
    other = (await alice.room())["id"]
    await bob.ok("POST", f"/rooms/{room}/join")
    await bob.ok("POST", f"/rooms/{other}/join")
    views: dict[str, tuple[Api, Gateway]] = {}
    for label, api in (("alice", alice), ("bob", bob)):
        # Every event, presence included: bob's arrival is logged after alice's cursor.
        views[label] = (api, await Gateway.connect(server, api.token, presence=True))
    cursors = {label: gw.ready["cursor"] for label, (_api, gw) in views.items()}

    first = await alice.send(room, f"hello @{bob.user['handle']}")  # mention → notification
    reply = await bob.send(room, "hi back", reply_to=first["id"])  # reply → notification
    await alice.ok("PATCH", f"/messages/{first['id']}", json={"content": "hello, edited"})
    await bob.ok("PUT", f"/messages/{first['id']}/reactions/👍")
    await bob.ok("PUT", f"/messages/{first['id']}/star")  # anonymous broadcast + by_you copy
    await alice.ok("PUT", f"/messages/{reply['id']}/pin")
    await alice.ok("DELETE", f"/messages/{reply['id']}/pin")
    await alice.ok("POST", f"/messages/{first['id']}/embeds", json={"embeds": [{"title": "t"}]})
    extra = [await bob.send(room, f"m{i}") for i in range(3)]
    await alice.ok(
        "POST", f"/rooms/{room}/messages/bulk-delete", json={"message_ids": [extra[0]["id"]]}
    )
    await alice.ok(
        "POST",
        f"/rooms/{room}/messages/move",
        json={"message_ids": [extra[1]["id"]], "to_room_id": other},
    )
    await bob.ok("POST", f"/rooms/{room}/ack", json={"message_id": extra[2]["id"]})
    await alice.ok("DELETE", f"/messages/{extra[2]['id']}", 204)
    marker = await alice.send(room, "the end")

    for label, (api, gw) in views.items():
        live = await gw.events_until(
            lambda f: f["type"] == "message.created" and f["data"]["message"]["id"] == marker["id"]
        )
        persisted = _persisted(live)
        types = {f["type"] for f in persisted}
        assert {
            "message.created",
            "message.updated",
            "message.reaction.added",
            "message.stars.updated",
            "message.pinned",
            "message.unpinned",
            "message.appended",
            "message.bulk_deleted",
            "message.moved_out",
            "message.moved_in",
            "message.deleted",
        } <= types, (label, types)
        replay = _persisted(await _replayed(server, api, cursors[label], len(persisted)))
        assert replay == persisted, label
        page = await api.ok("GET", "/events", params={"cursor": cursors[label], "limit": 1000})
        assert page["events"] == persisted, label
    bob_types = {f["type"] for f in page["events"]}
    assert {"notification.created", "read_state.updated"} <= bob_types
