"""Scheduled events over a real server: create, edit, delete and list (the room's owners
and moderators), RSVPs, reminders as `notification.created` kind `scheduled_event` sent
once on the injected clock (also when two tickers race), and bad input refused with
nothing written."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.server.services import schedule
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway

HOUR = 3_600_000


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[TestServer]:
    async with TestServer(clock=ManualClock(), database=await database_for(backend)) as srv:
        yield srv


def _at(server: TestServer, offset_ms: int) -> str:
    assert server.clock is not None
    return iso_ms(server.clock.now_ms() + offset_ms)


async def _room(server: TestServer) -> tuple[Api, Api, Api, dict[str, Any]]:
    alice, bob, carol = [await Api.register(server) for _ in range(3)]
    room = await alice.room()
    for user in (bob, carol):
        await user.ok("POST", f"/rooms/{room['id']}/join")
    return alice, bob, carol, room


async def test_events_rsvps_and_a_reminder_sent_once(clocked: TestServer) -> None:
    server = clocked
    clock = server.clock
    assert isinstance(clock, ManualClock)
    alice, bob, carol, room = await _room(server)
    rid = room["id"]
    b_gw = await Gateway.connect(server, bob.token)
    c_gw = await Gateway.connect(server, carol.token)

    body = {
        "title": "  Release party ",
        "description": "<b>bring snacks</b>",
        "starts_at": _at(server, HOUR),
        "ends_at": _at(server, 2 * HOUR),
    }
    event = await alice.ok("POST", f"/rooms/{rid}/scheduled-events", 201, json=body)
    eid = event["id"]
    assert event == {
        "id": eid,
        "room_id": rid,
        "creator_id": alice.id,
        "title": "Release party",
        "description": "<b>bring snacks</b>",  # plain text: stored as given, never HTML
        "starts_at": body["starts_at"],
        "ends_at": body["ends_at"],
        "reminder_minutes": 15,
        "interested_count": 0,
        "interested": False,
        "created_at": iso_ms(clock.now_ms()),
        "updated_at": None,
    }
    created = await b_gw.event("scheduled_event.created")
    assert created["room_id"] == rid
    assert created["data"] == {
        "room_id": rid,
        "event": {k: v for k, v in event.items() if k != "interested"},
    }

    mine = await bob.ok("PUT", f"/scheduled-events/{eid}/rsvp", json={"interested": True})
    assert mine["interested"] is True and mine["interested_count"] == 1
    counted = await c_gw.event("scheduled_event.updated")
    assert counted["data"] == {
        "room_id": rid,
        "event_id": eid,
        "changes": {"interested_count": 1},
        "cleared": [],
    }
    await carol.ok("PUT", f"/scheduled-events/{eid}/rsvp", json={"interested": True})
    out = await carol.ok("PUT", f"/scheduled-events/{eid}/rsvp", json={"interested": False})
    assert out["interested"] is False and out["interested_count"] == 1
    listed = await carol.ok("GET", f"/rooms/{rid}/scheduled-events")
    assert [(e["id"], e["interested"]) for e in listed["scheduled_events"]] == [(eid, False)]
    assert (await bob.ok("GET", f"/scheduled-events/{eid}"))["interested"] is True

    # Not yet: 45 minutes before the start. Due at 15 minutes before: bob alone, once.
    clock.advance(44 * 60)
    assert await schedule.remind_due(server.core) == 0
    clock.advance(60)
    await schedule.remind_due(server.core)
    note = (await b_gw.event("notification.created"))["data"]["notification"]
    assert note["kind"] == "scheduled_event" and note["room_id"] == rid
    assert note["data"] == {
        "event_id": eid,
        "title": "Release party",
        "starts_at": body["starts_at"],
    }
    assert note["content_text"] == f"Release party starts at {body['starts_at']}"
    assert await schedule.remind_due(server.core) == 0
    inbox = await bob.ok("GET", "/notifications")
    assert [n["kind"] for n in inbox["notifications"]] == ["scheduled_event"]
    frames = []
    try:
        while True:
            frames.append(await c_gw.recv(0.3))
    except TimeoutError:
        pass
    assert "notification.created" not in [f.get("type") for f in frames]

    # Moved later: the reminder is armed again, and two racing tickers send it once.
    changes = {"starts_at": _at(server, 3 * HOUR), "ends_at": _at(server, 4 * HOUR)}
    edited = await alice.ok("PATCH", f"/scheduled-events/{eid}", json=changes)
    assert edited["starts_at"] == changes["starts_at"]
    upd = await b_gw.event("scheduled_event.updated")
    assert upd["data"]["changes"] == {**changes, "updated_at": edited["updated_at"]}
    clock.advance(3 * 3600 - 15 * 60)
    sent = await asyncio.gather(schedule.remind_due(server.core), schedule.remind_due(server.core))
    assert sum(sent) <= 1
    await schedule.remind_due(server.core)  # in case the app's ticker claimed none yet
    again = (await b_gw.event("notification.created"))["data"]["notification"]
    assert again["data"]["starts_at"] == changes["starts_at"]
    page = await bob.ok("GET", "/notifications")
    assert [n["kind"] for n in page["notifications"]] == ["scheduled_event"] * 2

    await alice.ok("DELETE", f"/scheduled-events/{eid}", 204)
    gone = await b_gw.event("scheduled_event.deleted")
    assert gone["data"] == {"room_id": rid, "event_id": eid}
    await bob.error("GET", f"/scheduled-events/{eid}", 404, "scheduled_event_not_found")
    assert (await bob.ok("GET", f"/rooms/{rid}/scheduled-events"))["scheduled_events"] == []


async def test_who_may_and_bad_input(lite: TestServer) -> None:
    server = lite
    alice, bob, _carol, room = await _room(server)
    rid = room["id"]
    now = server.core.clock.now_ms()
    good = {"title": "Standup", "starts_at": iso_ms(now + HOUR), "ends_at": iso_ms(now + 2 * HOUR)}
    path = f"/rooms/{rid}/scheduled-events"
    await bob.error("POST", path, 403, "not_moderator", json=good)
    bad: list[tuple[dict[str, Any], str]] = [
        ({**good, "ends_at": good["starts_at"]}, "invalid_time_range"),
        ({**good, "ends_at": iso_ms(now + HOUR // 2)}, "invalid_time_range"),
        ({**good, "starts_at": iso_ms(now - HOUR)}, "starts_in_past"),
        ({**good, "title": "x" * 201}, "title_too_long"),
        ({**good, "title": "   "}, "invalid_title"),
        ({**good, "description": "d" * 2001}, "description_too_long"),
        ({**good, "reminder_minutes": -1}, "invalid_reminder"),
        ({**good, "reminder_minutes": 100_000}, "invalid_reminder"),
        ({**good, "starts_at": "next tuesday"}, "invalid_time"),
        ({k: v for k, v in good.items() if k != "title"}, "validation_failed"),
        ({**good, "title": "a\x00b"}, "validation_failed"),
        ({**good, "colour": "red"}, "validation_failed"),
    ]
    for body, code in bad:
        await alice.error("POST", path, 422, code, json=body)
    assert (await alice.ok("GET", path))["scheduled_events"] == []
    await alice.error("POST", "/rooms/999999/scheduled-events", 404, "room_not_found", json=good)

    event = await alice.ok("POST", path, 201, json={**good, "reminder_minutes": 0})
    eid = event["id"]
    await bob.error("PATCH", f"/scheduled-events/{eid}", 403, "not_moderator", json={"title": "x"})
    await bob.error("DELETE", f"/scheduled-events/{eid}", 403, "not_moderator")
    await alice.error(
        "PATCH",
        f"/scheduled-events/{eid}",
        422,
        "invalid_time_range",
        json={"ends_at": good["starts_at"]},
    )
    await alice.error(
        "PATCH", f"/scheduled-events/{eid}", 422, "title_too_long", json={"title": "t" * 201}
    )
    assert await bob.ok("GET", f"/scheduled-events/{eid}") == {**event, "interested": False}
    await bob.error(
        "PUT", f"/scheduled-events/{eid}/rsvp", 422, "validation_failed", json={"interested": 1}
    )
    await alice.error("GET", "/scheduled-events/999999", 404, "scheduled_event_not_found")
    # Outsiders: a public room's events can be read, not RSVP'd to without joining.
    dave = await Api.register(server)
    assert len((await dave.ok("GET", path))["scheduled_events"]) == 1
    await dave.error(
        "PUT", f"/scheduled-events/{eid}/rsvp", 403, "not_a_member", json={"interested": True}
    )
