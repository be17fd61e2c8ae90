"""The part of the client cache that holds voice states and scheduled events (issue 8).

- `voice_states`: room id → {user id → VoiceState} of the voice rooms this user sees,
  from `ready` and `space.created` (D.38 containers) and folded from the voice events;
  `VoiceStateUpdated` gets `before`/`after`, `VoiceMemberMoved` `before`, and
  `VoiceMemberLeft` the state it ended.
- `scheduled_events`: event id → ScheduledEvent, for events the app fetched or created
  or that were announced while connected; `ScheduledEventUpdated` gets `before`/`after`
  for those, `ScheduledEventDeleted` the last snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hubbub.client.snapshots import patched
from hubbub.protocol.events import ServerEvent
from hubbub.protocol.events_schedule import (
    ScheduledEventCreated,
    ScheduledEventDeleted,
    ScheduledEventUpdated,
)
from hubbub.protocol.events_spaces import SpaceCreated
from hubbub.protocol.events_voice import (
    VoiceMemberJoined,
    VoiceMemberLeft,
    VoiceMemberMoved,
    VoiceStateUpdated,
)
from hubbub.protocol.models_voice import ScheduledEvent, VoiceState

__all__ = ["VoiceCache"]


class VoiceCache:
    voice_states: dict[int, dict[int, VoiceState]]
    scheduled_events: dict[int, ScheduledEvent]

    def _init_voice(self) -> None:
        self.voice_states = {}
        self.scheduled_events = {}

    def room_voice_states(self, room_id: int) -> list[VoiceState]:
        return list(self.voice_states.get(room_id, {}).values())

    def voice_room_of(self, user_id: int) -> int | None:
        """The voice room `user_id` is in, as far as this client knows."""
        for room_id, states in self.voice_states.items():
            if user_id in states:
                return room_id
        return None

    def adopt_voice_containers(self, containers: Iterable[Mapping[str, Any]]) -> None:
        for container in containers:
            room_id = int(container["room_id"])
            states = [VoiceState.model_validate(s) for s in container.get("participants") or []]
            self.voice_states[room_id] = {s.user_id: s for s in states}
            if not states:
                self.voice_states.pop(room_id, None)

    def apply_ready_voice(self, frame: Mapping[str, Any]) -> None:
        """A `ready` replaces everything: states that ended while away must go."""
        self.voice_states = {}
        self.adopt_voice_containers(frame.get("voice_states") or [])

    def store_voice_state(self, room_id: int, state: VoiceState) -> VoiceState | None:
        """Put `state` in `room_id` (out of any other room); the state it replaced."""
        before = self._pop_voice(state.user_id)
        self.voice_states.setdefault(room_id, {})[state.user_id] = state
        return before

    def store_scheduled_event(self, event: ScheduledEvent) -> ScheduledEvent:
        self.scheduled_events[event.id] = event
        return event

    def _pop_voice(self, user_id: int, room_id: int | None = None) -> VoiceState | None:
        rooms = [room_id] if room_id is not None else list(self.voice_states)
        for rid in rooms:
            states = self.voice_states.get(rid)
            if states is not None and user_id in states:
                gone = states.pop(user_id)
                if not states:
                    del self.voice_states[rid]
                return gone
        return None

    def apply_voice_event(self, event: ServerEvent) -> bool:
        """Fold a voice or scheduled-event event in; False for any other event (a
        `space.created` is folded too, then left to the spaces cache)."""
        if isinstance(event, VoiceMemberJoined):
            self.store_voice_state(event.room_id, event.state)
        elif isinstance(event, VoiceMemberLeft):
            event.state = self._pop_voice(event.user_id, event.room_id)
        elif isinstance(event, VoiceMemberMoved):
            event.before = self.store_voice_state(event.to_room_id, event.state)
        elif isinstance(event, VoiceStateUpdated):
            current = self.voice_states.get(event.room_id, {}).get(event.user_id)
            if current is not None:
                event.before = current
                event.after = patched(current, event.changes, event.cleared, {})
                self.voice_states[event.room_id][event.user_id] = event.after
        elif isinstance(event, ScheduledEventCreated):
            self.store_scheduled_event(event.event)
        elif isinstance(event, ScheduledEventUpdated):
            known = self.scheduled_events.get(event.event_id)
            if known is not None:
                event.before = known
                event.after = patched(known, event.changes, event.cleared, {})
                self.scheduled_events[event.event_id] = event.after
        elif isinstance(event, ScheduledEventDeleted):
            event.event = self.scheduled_events.pop(event.event_id, None)
        else:
            if isinstance(event, SpaceCreated):
                self.adopt_voice_containers(event.data.get("voice_states") or [])
            return False
        return True
