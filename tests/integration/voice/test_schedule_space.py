"""A space's agenda, `GET /spaces/{id}/scheduled-events` (the web client's events dialog
of a space room): the events not yet over in every room of the space the caller can see,
by start time, with each caller's own RSVP; hidden rooms, other spaces' rooms and
standalone rooms stay out, and an outsider of a closed space gets 404."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from hubbub.server.clock import ManualClock, iso_ms
from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.voice.helpers import member_override
from tests.integration.wire import Api

HOUR = 3_600_000


@pytest_asyncio.fixture
async def clocked(backend: str) -> AsyncIterator[TestServer]:
    async with TestServer(clock=ManualClock(), database=await database_for(backend)) as srv:
        yield srv


async def test_a_space_lists_the_events_of_the_rooms_one_sees(clocked: TestServer) -> None:
    server = clocked
    clock = server.clock
    assert isinstance(clock, ManualClock)
    alice, bob, dave = [await Api.register(server) for _ in range(3)]
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": False})
    sid = space["id"]
    hall = await alice.room("hall", space_id=sid)
    stage = await alice.room("stage", kind="voice", space_id=sid)
    secret = await alice.room("secret", space_id=sid)
    alone = await alice.room("alone")
    invite = await alice.ok("POST", f"/spaces/{sid}/invites", 201, json={})
    await bob.ok("POST", f"/invites/{invite['code']}")
    await member_override(alice, secret["id"], bob.id, Perm.VIEW)

    def at(hours: float) -> str:
        return iso_ms(clock.now_ms() + int(hours * HOUR))

    async def event(room: dict[str, object], title: str, start: float, end: float) -> int:
        body = {"title": title, "starts_at": at(start), "ends_at": at(end)}
        made = await alice.ok("POST", f"/rooms/{room['id']}/scheduled-events", 201, json=body)
        return int(made["id"])

    soon = await event(hall, "Soon", 0.5, 1)
    later = await event(stage, "Later", 3, 4)
    first = await event(hall, "First", 0.25, 5)
    await event(secret, "Hidden", 1, 2)
    await event(alone, "Elsewhere", 1, 2)
    await bob.ok("PUT", f"/scheduled-events/{later}/rsvp", json={"interested": True})

    path = f"/spaces/{sid}/scheduled-events"
    listed = (await bob.ok("GET", path))["scheduled_events"]
    assert [(e["title"], e["room_id"]) for e in listed] == [
        ("First", hall["id"]),
        ("Soon", hall["id"]),
        ("Later", stage["id"]),
    ]
    assert [e["interested"] for e in listed] == [False, False, True]
    assert listed[2]["interested_count"] == 1
    assert [e["title"] for e in (await alice.ok("GET", path))["scheduled_events"]] == [
        "First",
        "Soon",
        "Hidden",
        "Later",
    ]
    # Once over, an event leaves the agenda (the room's own list keeps it).
    clock.advance(2 * 3600)
    assert [e["id"] for e in (await bob.ok("GET", path))["scheduled_events"]] == [first, later]
    room_list = (await bob.ok("GET", f"/rooms/{hall['id']}/scheduled-events"))["scheduled_events"]
    assert soon in [e["id"] for e in room_list]
    # Outsiders of a closed space: not found, like the space itself.
    await dave.error("GET", path, 404, "space_not_found")
    await bob.error("GET", "/spaces/999999/scheduled-events", 404, "space_not_found")
