"""A voice state does not outlive the right or the connection behind it: a ban, leaving
the space, losing `connect`, a wiped account, and a user whose last gateway connection
closed (after presence's grace, on the injected clock). The sweeper is run explicitly;
the app's own ticker may run it too, and then this one finds nothing left to do: the
events are logged once either way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest_asyncio

from hubbub.server.clock import ManualClock
from hubbub.server.permissions import Perm
from hubbub.server.services import voice
from hubbub.server.services.presence import PresenceTracker
from hubbub.testing import TestServer
from tests.integration.voice.helpers import member_override, space_with_voice
from tests.integration.wire import Api, Gateway, staff


@pytest_asyncio.fixture
async def clocked() -> AsyncIterator[TestServer]:
    async with TestServer(clock=ManualClock()) as srv:
        yield srv


async def _participants(api: Api, room_id: int) -> list[int]:
    listed = await api.ok("GET", f"/rooms/{room_id}/voice")
    return [p["user_id"] for p in listed["participants"]]


async def test_a_ban_ends_the_banned_users_voice(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await alice.room(kind="voice")
    rid = room["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    await bob.ok("POST", f"/rooms/{rid}/voice/join")
    a_gw = await Gateway.connect(lite, alice.token)
    b_gw = await Gateway.connect(lite, bob.token)
    await alice.ok("PUT", f"/rooms/{rid}/bans/{bob.id}", json={"kind": "ban"})
    # Never shown again, even before the sweeper ran.
    assert await _participants(alice, rid) == []
    assert (await Gateway.connect(lite, alice.token)).ready["voice_states"] == []
    await voice.sweep(lite.core)
    left = await a_gw.event("voice.member.left")
    assert left["data"] == {"room_id": rid, "user_id": bob.id} and left["actor"] is None
    # bob left the room's scope with the ban: his own copy tells his client.
    mine = await b_gw.event("voice.member.left")
    assert mine["data"] == {"room_id": rid, "user_id": bob.id}
    assert await voice.sweep(lite.core) == 0
    await a_gw.no_event(0.2)


async def test_leaving_the_space_or_losing_connect_ends_voice(lite: TestServer) -> None:
    alice, bob, space, (one, two) = await space_with_voice(lite)
    carol = await Api.register(lite)
    await carol.ok("POST", f"/spaces/{space['id']}/join")
    await bob.ok("POST", f"/rooms/{one}/voice/join")
    await carol.ok("POST", f"/rooms/{two}/voice/join")
    a_gw = await Gateway.connect(lite, alice.token)

    await bob.ok("POST", f"/spaces/{space['id']}/leave", 204)
    await member_override(alice, two, carol.id, Perm.CONNECT)
    assert await _participants(alice, one) == [] and await _participants(alice, two) == []
    await voice.sweep(lite.core)
    gone = set()
    while len(gone) < 2:
        frame = await a_gw.event("voice.member.left")
        gone.add((frame["data"]["room_id"], frame["data"]["user_id"]))
    assert gone == {(one, bob.id), (two, carol.id)}
    # carol may still see the room, just not connect: she is not in voice any more.
    await carol.error("POST", f"/rooms/{two}/voice/join", 403, "missing_permission")


async def test_disconnecting_from_the_gateway_ends_voice_after_the_grace(
    clocked: TestServer,
) -> None:
    server = clocked
    clock = server.clock
    assert isinstance(clock, ManualClock)
    tracker: PresenceTracker = server.core.extras["presence"]
    alice, bob, space, (one, _two) = await space_with_voice(server)
    a_gw = await Gateway.connect(server, alice.token)
    b_gw = await Gateway.connect(server, bob.token)
    await bob.ok("POST", f"/rooms/{one}/voice/join")
    # A REST-only user (never connected) is not swept: presence never saw them leave.
    dave = await Api.register(server)
    await dave.ok("POST", f"/spaces/{space['id']}/join")
    await dave.ok("POST", f"/rooms/{one}/voice/join")
    await b_gw.close()
    for _ in range(500):  # the server counting the closed connection (no clock involved)
        if not await tracker.live([bob.id]):
            break
        await asyncio.sleep(0.01)
    clock.advance(5)
    await tracker.tick()
    assert await voice.sweep(server.core) == 0  # within the grace: still in voice
    assert await _participants(alice, one) == [bob.id, dave.id]
    clock.advance(6)
    await tracker.tick()  # presence logs bob offline
    await voice.sweep(server.core)
    frames = await a_gw.events_until(lambda f: f["type"] == "voice.member.left")
    assert frames[-1]["data"] == {"room_id": one, "user_id": bob.id}
    assert await _participants(alice, one) == [dave.id]
    assert await voice.sweep(server.core) == 0


async def test_a_wiped_account_leaves_voice(lite: TestServer) -> None:
    alice, bob, _space, (one, _two) = await space_with_voice(lite)
    await bob.ok("POST", f"/rooms/{one}/voice/join")
    a_gw = await Gateway.connect(lite, alice.token)
    admin = await staff(lite)
    await admin.ok("POST", f"/admin/users/{bob.id}/wipe", json={"flags": ["spam"]})
    assert await _participants(alice, one) == []
    await voice.sweep(lite.core)
    left = await a_gw.event("voice.member.left")
    assert left["data"] == {"room_id": one, "user_id": bob.id}


async def test_deleting_a_voice_room_ends_its_voice(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await alice.room(kind="voice")
    rid = room["id"]
    await bob.ok("POST", f"/rooms/{rid}/join")
    await bob.ok("POST", f"/rooms/{rid}/voice/join")
    b_gw = await Gateway.connect(lite, bob.token)
    await alice.ok("DELETE", f"/rooms/{rid}", 204)
    assert (await b_gw.event("room.deleted"))["data"]["reason"] == "deleted"
    await voice.sweep(lite.core)
    # bob left the room's scope with room.deleted: his own copy ends his voice.
    assert (await b_gw.event("voice.member.left"))["data"] == {"room_id": rid, "user_id": bob.id}
    # Back in a new voice room at once: nothing of the old one lingers.
    other = await alice.room(kind="voice")
    await bob.ok("POST", f"/rooms/{other['id']}/join")
    joined = await bob.ok("POST", f"/rooms/{other['id']}/voice/join")
    assert joined["room_id"] == other["id"]
    assert (await b_gw.event("voice.member.joined"))["data"]["room_id"] == other["id"]
