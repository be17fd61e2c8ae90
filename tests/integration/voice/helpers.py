"""Shared set-ups of the voice and scheduled-event tests: a space with voice rooms."""

from __future__ import annotations

from typing import Any

from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.integration.wire import Api

SECRET = "voice-test-secret"


async def space_with_voice(
    server: TestServer, rooms: int = 2
) -> tuple[Api, Api, dict[str, Any], list[int]]:
    """alice owns an open space with `rooms` voice rooms; bob is a plain member."""
    alice, bob = await Api.register(server), await Api.register(server)
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    ids = []
    for n in range(rooms):
        room = await alice.room(f"voice{n}", kind="voice", space_id=space["id"])
        ids.append(int(room["id"]))
    await bob.ok("POST", f"/spaces/{space['id']}/join")
    return alice, bob, space, ids


async def member_override(owner: Api, room_id: int, user_id: int, deny: Perm) -> None:
    await owner.ok("PUT", f"/rooms/{room_id}/overrides/member/{user_id}", json={"deny": int(deny)})


def state_of(user_id: int, **flags: bool) -> dict[str, Any]:
    """A voice state's flags (joined_at left out: compare with `flags_of`)."""
    out = {
        "user_id": user_id,
        "self_mute": False,
        "self_deaf": False,
        "server_mute": False,
        "server_deaf": False,
        "camera": False,
        "screensharing": False,
    }
    out.update(flags)
    return out


def flags_of(state: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(state["joined_at"], str) and state["joined_at"].endswith("Z")
    return {k: v for k, v in state.items() if k != "joined_at"}
