"""REST methods: voice rooms (issue 8). Each returns wire models or raises the typed error
the server named (`not_a_voice_room`, `not_in_voice`, `target_cannot_connect`, …)."""

from __future__ import annotations

from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_voice import VoiceJoin, VoiceMove, VoiceParticipants, VoiceState

__all__ = ["VoiceAPI"]


def _given(**fields: bool | None) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class VoiceAPI(Requester):
    async def join_voice(self, room_id: int) -> VoiceJoin:
        """Join a voice room (leaving any other): your state and the media `connection`
        (node, token, expires_at). Needs membership and `connect`."""
        return VoiceJoin.model_validate(await self.request("POST", f"/rooms/{room_id}/voice/join"))

    async def leave_voice(self, room_id: int) -> None:
        await self.request("POST", f"/rooms/{room_id}/voice/leave")

    async def voice_states(self, room_id: int) -> VoiceParticipants:
        """Who is in voice in a room."""
        body = await self.request("GET", f"/rooms/{room_id}/voice")
        return VoiceParticipants.model_validate(body)

    async def update_voice_state(
        self,
        room_id: int,
        *,
        self_mute: bool | None = None,
        self_deaf: bool | None = None,
        camera: bool | None = None,
        screensharing: bool | None = None,
    ) -> VoiceState:
        """Change your own flags (those given) in the voice room you are in."""
        body = _given(
            self_mute=self_mute, self_deaf=self_deaf, camera=camera, screensharing=screensharing
        )
        data = await self.request("PATCH", f"/rooms/{room_id}/voice/me", json=body)
        return VoiceState.model_validate(data)

    async def server_voice_state(
        self,
        room_id: int,
        user_id: int,
        *,
        server_mute: bool | None = None,
        server_deaf: bool | None = None,
    ) -> VoiceState:
        """Server-mute (`mute_members`) or -deafen (`deafen_members`) someone in voice."""
        body = _given(server_mute=server_mute, server_deaf=server_deaf)
        data = await self.request("PATCH", f"/rooms/{room_id}/voice/members/{user_id}", json=body)
        return VoiceState.model_validate(data)

    async def move_voice_member(self, room_id: int, user_id: int, to_room_id: int) -> VoiceMove:
        """Move someone in voice here to another voice room they can join (`move_members`)."""
        data = await self.request(
            "POST",
            f"/rooms/{room_id}/voice/members/{user_id}/move",
            json={"to_room_id": to_room_id},
        )
        return VoiceMove.model_validate(data)

    async def disconnect_voice_member(self, room_id: int, user_id: int) -> None:
        """Disconnect someone from voice here (`move_members`)."""
        await self.request("DELETE", f"/rooms/{room_id}/voice/members/{user_id}")
