"""Voice rooms over a real server (VC-01…VC-04, EVENTS.md #75–79): join, self state,
move between rooms, leave; the join token the default provider signs; voice states in
`ready`, in the space a user joins and in GET /rooms/{id}/voice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from hubbub.errors import Unauthorized
from hubbub.server.clock import ManualClock, iso_ms
from hubbub.server.services.voice_provider import verify_voice_token
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.voice.helpers import SECRET, flags_of, space_with_voice, state_of
from tests.integration.wire import Api, Gateway


@pytest_asyncio.fixture
async def voiced(backend: str) -> AsyncIterator[TestServer]:
    clock = ManualClock()
    settings = {"voice_secret": SECRET, "voice_nodes": "sfu-a,sfu-b"}
    async with TestServer(clock=clock, database=await database_for(backend), **settings) as srv:
        yield srv


async def test_join_update_move_leave(voiced: TestServer) -> None:
    server = voiced
    clock = server.clock
    assert isinstance(clock, ManualClock)
    alice, bob, _space, (one, two) = await space_with_voice(server)
    a_gw = await Gateway.connect(server, alice.token)
    b_gw = await Gateway.connect(server, bob.token)

    joined = await bob.ok("POST", f"/rooms/{one}/voice/join")
    assert joined["room_id"] == one and flags_of(joined["state"]) == state_of(bob.id)
    assert joined["state"]["joined_at"] == iso_ms(clock.now_ms())
    conn = joined["connection"]
    assert conn["node"] in ("sfu-a", "sfu-b")
    assert conn["expires_at"] == iso_ms(clock.now_ms() + 300_000)
    claims = verify_voice_token(SECRET, conn["token"], now_ms=clock.now_ms())
    assert claims == {"u": bob.id, "r": one, "n": conn["node"], "exp": clock.now_ms() + 300_000}
    with pytest.raises(Unauthorized) as forged:
        verify_voice_token("another secret", conn["token"], now_ms=clock.now_ms())
    assert forged.value.code == "invalid_voice_token"

    seen = await a_gw.event("voice.member.joined")
    assert seen["room_id"] == one and seen["actor"]["id"] == bob.id
    assert seen["data"] == {"room_id": one, "state": joined["state"]}
    assert (await b_gw.event("voice.member.joined"))["seq"] == seen["seq"]
    listed = await alice.ok("GET", f"/rooms/{one}/voice")
    assert listed == {"room_id": one, "participants": [joined["state"]]}

    # Joining again renews the connection only: no event.
    clock.advance(10)
    again = await bob.ok("POST", f"/rooms/{one}/voice/join")
    assert again["state"] == joined["state"] and again["connection"]["token"] != conn["token"]

    state = await bob.ok("PATCH", f"/rooms/{one}/voice/me", json={"self_mute": True})
    assert flags_of(state) == state_of(bob.id, self_mute=True)
    updated = await a_gw.event("voice.state.updated")
    assert updated["data"] == {
        "room_id": one,
        "user_id": bob.id,
        "changes": {"self_mute": True},
        "cleared": [],
    }
    # Setting what is already set changes nothing and logs nothing.
    await bob.ok("PATCH", f"/rooms/{one}/voice/me", json={"self_mute": True, "camera": False})
    await bob.ok("PATCH", f"/rooms/{one}/voice/me", json={"screensharing": True})
    assert (await a_gw.event("voice.state.updated"))["data"]["changes"] == {"screensharing": True}

    # A fresh connection's ready carries the voice containers (D.38).
    late = await Gateway.connect(server, alice.token)
    (container,) = late.ready["voice_states"]
    assert container["room_id"] == one
    assert [flags_of(s) for s in container["participants"]] == [
        state_of(bob.id, self_mute=True, screensharing=True)
    ]

    # Joining another voice room moves: one event to the viewers of both rooms.
    clock.advance(5)
    moved = await bob.ok("POST", f"/rooms/{two}/voice/join")
    assert moved["room_id"] == two and moved["state"]["joined_at"] == iso_ms(clock.now_ms())
    frame = await a_gw.event("voice.member.moved")
    assert frame["room_id"] == two
    assert frame["data"] == {
        "user_id": bob.id,
        "from_room_id": one,
        "to_room_id": two,
        "state": moved["state"],
    }
    assert moved["state"]["self_mute"] is True  # flags follow the user
    assert (await alice.ok("GET", f"/rooms/{one}/voice"))["participants"] == []
    await a_gw.no_event(0.2)  # once, although alice sees both rooms

    await bob.ok("POST", f"/rooms/{two}/voice/leave", 204)
    left = await a_gw.event("voice.member.left")
    assert left["data"] == {"room_id": two, "user_id": bob.id}
    await bob.ok("POST", f"/rooms/{two}/voice/leave", 204)  # already out: nothing
    await a_gw.no_event(0.2)
    assert (await alice.ok("GET", f"/rooms/{two}/voice"))["participants"] == []
    fresh = await Gateway.connect(server, alice.token)
    assert fresh.ready["voice_states"] == []

    # The token expires on the injected clock.
    clock.advance(301)
    with pytest.raises(Unauthorized) as expired:
        verify_voice_token(SECRET, moved["connection"]["token"], now_ms=clock.now_ms())
    assert expired.value.code == "voice_token_expired"


async def test_the_space_a_user_joins_shows_who_is_in_voice(lite: TestServer) -> None:
    alice, bob, space, (one, _two) = await space_with_voice(lite)
    await bob.ok("POST", f"/rooms/{one}/voice/join")
    carol = await Api.register(lite)
    c_gw = await Gateway.connect(lite, carol.token)
    state = await carol.ok("POST", f"/spaces/{space['id']}/join")
    (container,) = state["voice_states"]
    assert container["room_id"] == one
    assert [flags_of(s) for s in container["participants"]] == [state_of(bob.id)]
    created = await c_gw.event("space.created")
    assert created["data"]["voice_states"] == state["voice_states"]
    # Everyone who can see the room may list it; a member may join too.
    listed = await carol.ok("GET", f"/rooms/{one}/voice")
    assert [p["user_id"] for p in listed["participants"]] == [bob.id]
    await carol.ok("POST", f"/rooms/{one}/voice/join")
    listed = await alice.ok("GET", f"/rooms/{one}/voice")
    assert [p["user_id"] for p in listed["participants"]] == [bob.id, carol.id]


async def test_a_standalone_voice_room_is_for_its_members(lite: TestServer) -> None:
    alice, bob = await Api.register(lite), await Api.register(lite)
    room = await alice.room(kind="voice")
    rid = room["id"]
    await bob.error("POST", f"/rooms/{rid}/voice/join", 403, "not_a_member")
    await bob.ok("POST", f"/rooms/{rid}/join")
    gw = await Gateway.connect(lite, alice.token)
    joined = await bob.ok("POST", f"/rooms/{rid}/voice/join")
    assert (await gw.event("voice.member.joined"))["data"]["state"] == joined["state"]
    # The default provider with its default node; a secret made once and kept.
    assert joined["connection"]["node"] == "voice-1"
    mine = await alice.ok("POST", f"/rooms/{rid}/voice/join")
    assert mine["connection"]["node"] == "voice-1"
    listed = await bob.ok("GET", f"/rooms/{rid}/voice")
    assert [p["user_id"] for p in listed["participants"]] == [bob.id, alice.id]
