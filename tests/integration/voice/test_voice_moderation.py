"""Voice moderation and bad input over a real server: server mute/deafen, moves (with
`voice.connection.reassigned` to the moved user) and disconnects, who may do them, and
every refusal as a typed 4xx that writes nothing."""

from __future__ import annotations

from typing import Any

from hubbub.server.permissions import Perm
from hubbub.server.services.voice_provider import verify_voice_token
from hubbub.testing import TestServer
from tests.integration.voice.helpers import (
    SECRET,
    flags_of,
    member_override,
    space_with_voice,
    state_of,
)
from tests.integration.wire import Api, Gateway


async def _voice_mod(alice: Api, server: TestServer, space: dict[str, Any]) -> Api:
    """carol: a member whose role grants the voice moderation bits only."""
    carol = await Api.register(server)
    await carol.ok("POST", f"/spaces/{space['id']}/join")
    bits = int(Perm.MUTE_MEMBERS | Perm.DEAFEN_MEMBERS | Perm.MOVE_MEMBERS)
    role = await alice.ok(
        "POST", f"/spaces/{space['id']}/roles", 201, json={"name": "Voice", "permissions": bits}
    )
    await alice.ok("PUT", f"/spaces/{space['id']}/members/{carol.id}/roles/{role['id']}")
    return carol


async def test_moderators_mute_deafen_move_and_disconnect() -> None:
    async with TestServer(voice_secret=SECRET) as server:
        alice, bob, space, (one, two) = await space_with_voice(server)
        carol = await _voice_mod(alice, server, space)
        await bob.ok("POST", f"/rooms/{one}/voice/join")
        await alice.ok("POST", f"/rooms/{one}/voice/join")
        a_gw = await Gateway.connect(server, alice.token)
        b_gw = await Gateway.connect(server, bob.token)

        muted = await carol.ok(
            "PATCH", f"/rooms/{one}/voice/members/{bob.id}", json={"server_mute": True}
        )
        assert flags_of(muted) == state_of(bob.id, server_mute=True)
        frame = await b_gw.event("voice.state.updated")
        assert frame["actor"]["id"] == carol.id
        assert frame["data"] == {
            "room_id": one,
            "user_id": bob.id,
            "changes": {"server_mute": True},
            "cleared": [],
        }
        both = {"server_mute": False, "server_deaf": True}
        state = await carol.ok("PATCH", f"/rooms/{one}/voice/members/{bob.id}", json=both)
        assert flags_of(state) == state_of(bob.id, server_deaf=True)
        assert (await a_gw.event("voice.state.updated"))["data"]["changes"] == {"server_mute": True}
        assert (await a_gw.event("voice.state.updated"))["data"]["changes"] == both
        # A user cannot lift a server mute through their own state.
        await bob.error(
            "PATCH", f"/rooms/{one}/voice/me", 422, "validation_failed", json={"server_deaf": False}
        )

        # Moved by a moderator: the room's viewers see it, bob gets a new connection.
        moved = await carol.ok(
            "POST", f"/rooms/{one}/voice/members/{bob.id}/move", json={"to_room_id": two}
        )
        assert moved["room_id"] == two and moved["state"]["server_deaf"] is True
        seen = await a_gw.event("voice.member.moved")
        assert seen["data"]["from_room_id"] == one and seen["data"]["to_room_id"] == two
        frames = await b_gw.events_until(lambda f: f["type"] == "voice.connection.reassigned")
        assert [f["type"] for f in frames][-2:] == [
            "voice.member.moved",
            "voice.connection.reassigned",
        ]
        given = frames[-1]["data"]
        assert set(given) == {"from_room_id", "to_room_id", "node", "token"}
        assert (given["from_room_id"], given["to_room_id"]) == (one, two)
        claims = verify_voice_token(SECRET, given["token"], now_ms=frames[-1]["ts"])
        assert (claims["u"], claims["r"], claims["n"]) == (bob.id, two, given["node"])
        await a_gw.no_event(0.2)  # the reassignment is bob's alone

        await carol.ok("DELETE", f"/rooms/{two}/voice/members/{bob.id}", 204)
        left = await a_gw.event("voice.member.left")
        assert left["data"] == {"room_id": two, "user_id": bob.id}
        assert left["actor"]["id"] == carol.id
        assert (await alice.ok("GET", f"/rooms/{two}/voice"))["participants"] == []

        # Nobody moderates someone at or above them: carol cannot touch the owner.
        await carol.error(
            "PATCH",
            f"/rooms/{one}/voice/members/{alice.id}",
            403,
            "cannot_moderate_higher",
            json={"server_mute": True},
        )
        await carol.error(
            "DELETE", f"/rooms/{one}/voice/members/{alice.id}", 403, "cannot_moderate_higher"
        )
        # Plain members hold none of the bits.
        await bob.ok("POST", f"/rooms/{one}/voice/join")
        for path, method, body in (
            (f"/rooms/{one}/voice/members/{alice.id}", "PATCH", {"server_mute": True}),
            (f"/rooms/{one}/voice/members/{alice.id}/move", "POST", {"to_room_id": two}),
            (f"/rooms/{one}/voice/members/{alice.id}", "DELETE", None),
        ):
            err = await bob.error(method, path, 403, "missing_permission", json=body)
            assert err["details"]["permission"] in ("mute_members", "move_members")
        listed = await alice.ok("GET", f"/rooms/{one}/voice")
        # A disconnect ends the state: server flags do not outlive it.
        assert [flags_of(p) for p in listed["participants"]] == [
            state_of(alice.id),
            state_of(bob.id),
        ]


async def test_bad_input_is_refused_and_writes_nothing(lite: TestServer) -> None:
    server = lite
    alice, bob, space, (one, two, third) = await space_with_voice(server, rooms=3)
    text = space["system_room_id"]
    gw = await Gateway.connect(server, alice.token)

    # Not a voice room.
    err = await bob.error("POST", f"/rooms/{text}/voice/join", 409, "not_a_voice_room")
    assert err["details"] == {"kind": "text"}
    await bob.error("GET", f"/rooms/{text}/voice", 409, "not_a_voice_room")
    # No such room (or one bob cannot see).
    await bob.error("POST", "/rooms/999999/voice/join", 404, "room_not_found")
    # Without `connect` (an override denies it to bob): seen, but not joinable.
    await member_override(alice, one, bob.id, Perm.CONNECT)
    err = await bob.error("POST", f"/rooms/{one}/voice/join", 403, "missing_permission")
    assert err["details"] == {"permission": "connect"}
    assert (await bob.ok("GET", f"/rooms/{one}/voice"))["participants"] == []
    # Nothing in voice: no state to change, nobody to moderate.
    await bob.error("PATCH", f"/rooms/{two}/voice/me", 404, "not_in_voice", json={"camera": True})
    await alice.error(
        "PATCH",
        f"/rooms/{two}/voice/members/{bob.id}",
        404,
        "not_in_voice",
        json={"server_mute": True},
    )
    await alice.error(
        "POST",
        f"/rooms/{two}/voice/members/{bob.id}/move",
        404,
        "not_in_voice",
        json={"to_room_id": third},
    )
    await alice.error("DELETE", f"/rooms/{two}/voice/members/{bob.id}", 404, "not_in_voice")
    # Malformed states.
    await bob.ok("POST", f"/rooms/{two}/voice/join")
    await bob.error(
        "PATCH", f"/rooms/{two}/voice/me", 422, "validation_failed", json={"camera": "yes"}
    )
    await bob.error("PATCH", f"/rooms/{two}/voice/me", 422, "validation_failed", json={"volume": 3})
    await bob.error("PATCH", f"/rooms/{one}/voice/me", 404, "not_in_voice", json={"camera": True})
    # Moving bob where he cannot go: a room he cannot see, one he cannot connect to, a
    # text room. He stays where he was, and nobody hears of a move.
    await member_override(alice, third, bob.id, Perm.VIEW)
    for target, status, code in (
        (third, 403, "target_cannot_connect"),
        (one, 403, "target_cannot_connect"),
        (text, 409, "not_a_voice_room"),
        (999999, 404, "room_not_found"),
    ):
        await alice.error(
            "POST",
            f"/rooms/{two}/voice/members/{bob.id}/move",
            status,
            code,
            json={"to_room_id": target},
        )
    listed = await alice.ok("GET", f"/rooms/{two}/voice")
    assert [flags_of(p) for p in listed["participants"]] == [state_of(bob.id)]
    frames = await gw.events_until(lambda f: f["type"] == "voice.member.joined")
    assert [f["type"] for f in frames if f["type"].startswith("voice.")] == ["voice.member.joined"]
    try:
        while True:
            later = await gw.recv(0.3)
            assert not later.get("type", "").startswith("voice."), later
    except TimeoutError:
        pass


async def test_standalone_room_ranks(lite: TestServer) -> None:
    alice, bob, carol, dave = [await Api.register(lite) for _ in range(4)]
    room = await alice.room(kind="voice")
    rid = room["id"]
    for user in (bob, carol, dave):
        await user.ok("POST", f"/rooms/{rid}/join")
        await user.ok("POST", f"/rooms/{rid}/voice/join")
    await alice.ok("POST", f"/rooms/{rid}/voice/join")
    for mod in (carol, dave):
        await alice.ok("PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"})
    mute = {"server_mute": True}
    # A moderator mutes a member, not another moderator nor the owner; the owner anyone.
    state = await carol.ok("PATCH", f"/rooms/{rid}/voice/members/{bob.id}", json=mute)
    assert state["server_mute"] is True
    for target in (dave, alice):
        await carol.error(
            "PATCH",
            f"/rooms/{rid}/voice/members/{target.id}",
            403,
            "cannot_moderate_higher",
            json=mute,
        )
    assert (await alice.ok("PATCH", f"/rooms/{rid}/voice/members/{dave.id}", json=mute))[
        "server_mute"
    ]
    # Gallery rooms: read-only members may listen in the room, not join its voice.
    gallery = await alice.room(kind="voice", access_mode="gallery")
    await bob.ok("POST", f"/rooms/{gallery['id']}/join")
    err = await bob.error("POST", f"/rooms/{gallery['id']}/voice/join", 403, "missing_permission")
    assert err["details"] == {"permission": "connect"}
