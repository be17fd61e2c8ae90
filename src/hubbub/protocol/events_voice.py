"""Typed SDK events of voice rooms (issue 8; EVENTS.md C.2 #75–79, D.37, D.38), registered
in protocol.events' registry.

    ServerEvent
    └── RoomEvent
        ├── VoiceEvent                  user_id (the participant)
        │   ├── VoiceMemberJoined       state — VIEWERS
        │   ├── VoiceMemberLeft         state: what the cache held (None if nothing) — VIEWERS
        │   ├── VoiceMemberMoved        from_room_id, to_room_id, state; `room_id` is the
        │   │                           room moved to; `before` from the cache — VIEWERS
        │   │                           of both rooms, once
        │   └── VoiceStateUpdated       changes, cleared; `before`/`after` — VIEWERS
        └── VoiceConnectionReassigned   from_room_id, to_room_id, node, token — USER:
                                        a moderator moved you; reconnect media there
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_voice import VoiceState

__all__ = [
    "VoiceConnectionReassigned",
    "VoiceEvent",
    "VoiceMemberJoined",
    "VoiceMemberLeft",
    "VoiceMemberMoved",
    "VoiceStateUpdated",
]


@dataclass(kw_only=True, eq=False)
class VoiceEvent(RoomEvent):
    """Something happened to `user_id`'s voice state in the room."""

    user_id: int


@register
@dataclass(kw_only=True, eq=False)
class VoiceMemberJoined(VoiceEvent):
    type_name = "voice.member.joined"
    state: VoiceState

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        state = VoiceState.model_validate(envelope.data["state"])
        return {**super()._parse_data(envelope), "state": state, "user_id": state.user_id}


@register
@dataclass(kw_only=True, eq=False)
class VoiceMemberLeft(VoiceEvent):
    """Left voice: by themselves, disconnected by a moderator (`actor`), or removed when
    they lost the room or their connection (no actor)."""

    type_name = "voice.member.left"
    state: VoiceState | None = None  # the cached state it ended, when known

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {**super()._parse_data(envelope), "user_id": int(envelope.data["user_id"])}


@register
@dataclass(kw_only=True, eq=False)
class VoiceMemberMoved(VoiceEvent):
    """Moved from `from_room_id` to `to_room_id` (= `room_id`), by themselves or by a
    moderator (then they also get `VoiceConnectionReassigned`)."""

    type_name = "voice.member.moved"
    from_room_id: int
    to_room_id: int
    state: VoiceState
    before: VoiceState | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        to_room = int(d["to_room_id"])
        return {
            "room_id": to_room,
            "user_id": int(d["user_id"]),
            "from_room_id": int(d["from_room_id"]),
            "to_room_id": to_room,
            "state": VoiceState.model_validate(d["state"]),
        }


@register
@dataclass(kw_only=True, eq=False)
class VoiceStateUpdated(VoiceEvent):
    """Flags changed: `changes` holds the new values (self_mute, self_deaf, server_mute,
    server_deaf, camera, screensharing)."""

    type_name = "voice.state.updated"
    changes: dict[str, Any]
    cleared: list[str]
    before: VoiceState | None = None
    after: VoiceState | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "user_id": int(d["user_id"]),
            "changes": dict(d.get("changes") or {}),
            "cleared": list(d.get("cleared") or []),
        }


@register
@dataclass(kw_only=True, eq=False)
class VoiceConnectionReassigned(RoomEvent):
    """A moderator moved you to `to_room_id` (= `room_id`): connect your media to `node`
    with `token`. It reaches only you, so it names no user."""

    type_name = "voice.connection.reassigned"
    from_room_id: int
    to_room_id: int
    node: str
    token: str

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        to_room = int(d["to_room_id"])
        return {
            "room_id": to_room,
            "from_room_id": int(d["from_room_id"]),
            "to_room_id": to_room,
            "node": str(d["node"]),
            "token": str(d["token"]),
        }
