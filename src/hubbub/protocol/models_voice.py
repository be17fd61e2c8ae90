"""Wire models of voice rooms (issue 8; VC-01…VC-04, D.37, D.38) and scheduled events."""

from __future__ import annotations

from hubbub.protocol.models import Timestamp, WireModel

__all__ = [
    "ScheduledEvent",
    "ScheduledEventList",
    "VoiceConnection",
    "VoiceJoin",
    "VoiceMove",
    "VoiceParticipants",
    "VoiceState",
]


class VoiceState(WireModel):
    """One user in voice (D.38). `server_*` are set by moderators; the rest by the user."""

    user_id: int
    joined_at: Timestamp
    self_mute: bool = False
    self_deaf: bool = False
    server_mute: bool = False
    server_deaf: bool = False
    camera: bool = False
    screensharing: bool = False


class VoiceConnection(WireModel):
    """Where to send media (D.37): an opaque node and a signed token that expires."""

    node: str
    token: str
    expires_at: Timestamp | None = None


class VoiceJoin(WireModel):
    """The answer to joining a voice room: one's state there and where to connect."""

    room_id: int
    state: VoiceState
    connection: VoiceConnection


class VoiceMove(WireModel):
    """The answer to a moderator's move: the user's state in the room they are now in."""

    room_id: int
    state: VoiceState


class VoiceParticipants(WireModel):
    """A room's voice container (D.38): who is in voice there."""

    room_id: int
    participants: list[VoiceState] = []


class ScheduledEvent(WireModel):
    """An event scheduled in a room. `interested` is the caller's own RSVP (REST answers
    only; None in broadcasts)."""

    id: int
    room_id: int
    creator_id: int
    title: str
    description: str = ""
    starts_at: Timestamp
    ends_at: Timestamp
    reminder_minutes: int = 15
    interested_count: int = 0
    interested: bool | None = None
    created_at: Timestamp
    updated_at: Timestamp | None = None


class ScheduledEventList(WireModel):
    scheduled_events: list[ScheduledEvent] = []
