"""Edits over a real server (SQLite and PostgreSQL): edit_count, modified_at,
edited_by_moderator, every revision kept and readable by the author and moderators only,
the per-room edit window, and mentions parsed again on edit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.server.clock import ManualClock
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, staff


async def _room_with(owner: Api, *others: Api, **fields: Any) -> dict[str, Any]:
    room = await owner.room(**fields)
    for api in others:
        await api.ok("POST", f"/rooms/{room['id']}/join")
    return room


async def test_edits_keep_every_revision(server: TestServer) -> None:
    owner, mod, author, stranger = [await Api.register(server) for _ in range(4)]
    room = await _room_with(owner, mod, author, stranger)
    await owner.ok("PATCH", f"/rooms/{room['id']}/members/{mod.id}", json={"role": "moderator"})
    sent = await author.send(room["id"], "first *draft*")
    path = f"/messages/{sent['id']}"
    gw = await Gateway.connect(server, stranger.token)

    second = await author.ok("PATCH", path, json={"content": "second"})
    assert (second["edit_count"], second["edited_by_moderator"]) == (1, False)
    assert second["modified_at"] is not None and second["content_html"] == "<p>second</p>"
    event = await gw.event("message.updated")
    assert event["data"]["edit_count"] == 1 and event["data"]["edited_by_moderator"] is False
    assert event["data"]["changes"]["content"] == "second"

    third = await mod.ok("PATCH", path, json={"content": "moderated"})
    assert (third["edit_count"], third["edited_by_moderator"]) == (2, True)
    event = await gw.event("message.updated")
    assert event["data"]["edited_by"] == mod.id and event["data"]["edited_by_moderator"] is True
    fetched = await stranger.ok("GET", path)
    assert (fetched["edit_count"], fetched["edited_by_moderator"]) == (2, True)

    for reader in (author, mod, owner):
        history = await reader.ok("GET", f"{path}/revisions")
        versions = history["revisions"]
        assert history["message_id"] == sent["id"]
        assert [v["content"] for v in versions] == ["first *draft*", "second", "moderated"]
        assert [v["revision"] for v in versions] == [0, 1, 2]
        assert [v["current"] for v in versions] == [False, False, True]
        assert versions[0]["content_html"] == "<p>first <em>draft</em></p>"
        assert [v["replaced_by"] for v in versions] == [author.id, mod.id, None]
        assert versions[0]["created_at"] == sent["created_at"]
    await stranger.error("GET", f"{path}/revisions", 403, "not_message_author")
    await stranger.error("PATCH", path, 403, "not_message_author", json={"content": "mine"})
    outsider = await Api.register(server)
    secret = await owner.room()
    await (await staff(server)).ok(
        "PATCH", f"/rooms/{secret['id']}", json={"access_mode": "private"}
    )
    hidden = await owner.send(secret["id"], "hidden")
    await outsider.error("GET", f"/messages/{hidden['id']}/revisions", 404, "message_not_found")
    await author.error("GET", "/messages/999999/revisions", 404, "message_not_found")

    # a deleted message: its revisions are for moderators only
    await author.ok("DELETE", path, 204)
    await author.error("GET", f"{path}/revisions", 409, "message_deleted")
    assert len((await mod.ok("GET", f"{path}/revisions"))["revisions"]) == 3


async def test_editing_custom_payload_and_bad_edits(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    goal = await alice.ok(
        "POST",
        f"/rooms/{room['id']}/messages",
        201,
        json={"type": "custom", "custom_type": "goal", "custom_payload": {"score": [1, 0]}},
    )
    path = f"/messages/{goal['id']}"
    edited = await alice.ok("PATCH", path, json={"custom_payload": {"score": [2, 0]}})
    assert edited["custom_payload"] == {"score": [2, 0]} and edited["edit_count"] == 1
    versions = (await alice.ok("GET", f"{path}/revisions"))["revisions"]
    assert [v["custom_payload"] for v in versions] == [{"score": [1, 0]}, {"score": [2, 0]}]
    await alice.error("PATCH", path, 422, "nothing_to_edit", json={})
    await alice.error(
        "PATCH",
        path,
        413,
        "custom_payload_too_large",
        json={"custom_payload": "x" * (17 * 1024)},
    )
    speech = await alice.send(room["id"], "words")
    await alice.error(
        "PATCH", f"/messages/{speech['id']}", 422, "content_empty", json={"content": " "}
    )
    assert (await alice.ok("GET", path))["edit_count"] == 1  # nothing half-written


async def test_an_edit_notifies_only_newly_mentioned_users(server: TestServer) -> None:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await _room_with(alice, bob, carol)
    bob_at, carol_at = "@" + bob.user["handle"], "@" + carol.user["handle"]
    sent = await alice.send(room["id"], f"hi {bob_at}")
    gw_bob = await Gateway.connect(server, bob.token)
    gw_carol = await Gateway.connect(server, carol.token)
    edited = await alice.ok(
        "PATCH", f"/messages/{sent['id']}", json={"content": f"hi {bob_at} and {carol_at}"}
    )
    assert edited["mentions"] == sorted([bob.id, carol.id])
    frames = await gw_carol.events_until(lambda f: f["type"] == "notification.created")
    assert [f["type"] for f in frames] == ["message.updated", "notification.created"]
    assert frames[0]["data"]["changes"]["mentions"] == sorted([bob.id, carol.id])
    assert frames[1]["data"]["notification"]["message_id"] == sent["id"]
    assert frames[1]["data"]["notification"]["content_text"] == f"hi {bob_at} and {carol_at}"
    await gw_bob.event("message.updated")
    await gw_bob.no_event()  # bob was mentioned before: no second notification
    assert len((await bob.ok("GET", "/notifications"))["notifications"]) == 1
    # D.11 again on edit: with two mentioned there is no inferred parent
    assert edited["parent_id"] is None
    dropped = await alice.ok("PATCH", f"/messages/{sent['id']}", json={"content": "hi all"})
    assert dropped["mentions"] == []


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[tuple[TestServer, ManualClock]]:
    clock = ManualClock()
    async with TestServer(database=await database_for(backend), clock=clock) as srv:
        yield srv, clock


async def test_the_edit_window_binds_authors_not_moderators(
    clocked: tuple[TestServer, ManualClock],
) -> None:
    server, clock = clocked
    owner, author = await Api.register(server), await Api.register(server)
    room = await _room_with(owner, author)
    updated = await owner.ok("PATCH", f"/rooms/{room['id']}", json={"edit_window_s": 60})
    assert updated["edit_window_s"] == 60
    sent = await author.send(room["id"], "typo")
    path = f"/messages/{sent['id']}"
    clock.advance(59)
    assert (await author.ok("PATCH", path, json={"content": "fixed"}))["edit_count"] == 1
    clock.advance(2)
    err = await author.error("PATCH", path, 403, "edit_window_closed", json={"content": "late"})
    assert err["details"] == {"edit_window_s": 60}
    # the room's owner (a moderator) is exempt; 0 lifts the window for everyone
    assert (await owner.ok("PATCH", path, json={"content": "by owner"}))["edit_count"] == 2
    await owner.ok("PATCH", f"/rooms/{room['id']}", json={"edit_window_s": 0})
    clock.advance(3600)
    assert (await author.ok("PATCH", path, json={"content": "much later"}))["edit_count"] == 3
    await owner.error(
        "PATCH", f"/rooms/{room['id']}", 422, "validation_failed", json={"edit_window_s": -1}
    )
    await owner.error(
        "PATCH",
        f"/rooms/{room['id']}",
        422,
        "invalid_edit_window",
        json={"edit_window_s": 10**9},
    )
