"""Voice and scheduled-event actions of `Room` (issue 8). `Room` inherits them; states,
connections and scheduled events are the immutable wire models of
`hubbub.protocol.models_voice`.

    joined = await room.join_voice()             # joined.connection: node, token, expires_at
    await room.update_voice_state(self_mute=True)
    room.voice_states                            # who is in voice here (the cache)
    await room.server_mute(user)                 # moderators: mute_members
    await room.move_voice(user, other_room)      # move_members
    event = await room.schedule_event("Standup", starts_at, ends_at)
    await room.rsvp(event)                       # a reminder before it starts
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hubbub.protocol.models_voice import (
    ScheduledEvent,
    VoiceJoin,
    VoiceMove,
    VoiceState,
)

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["VoiceActions"]


def _id(thing: Any) -> int:
    """A user, room or scheduled event (object or model) or a bare id."""
    return thing if isinstance(thing, int) else int(thing.id)


class VoiceActions:
    __slots__ = ()

    if TYPE_CHECKING:
        _client: Client

        @property
        def id(self) -> int: ...

    # -- voice ------------------------------------------------------------------------

    @property
    def voice_states(self) -> list[VoiceState]:
        """Who is in voice here, as the cache knows it (ready, space joins, events)."""
        return self._client.cache.room_voice_states(self.id)

    async def fetch_voice_states(self) -> list[VoiceState]:
        """Who is in voice here, asked now (and cached)."""
        found = await self._client.http.voice_states(self.id)
        cache = self._client.cache
        cache.adopt_voice_containers([found.model_dump(mode="json")])
        return list(found.participants)

    async def join_voice(self) -> VoiceJoin:
        """Join this voice room (leaving any other voice room): your state and where to
        send media (`connection.node`, `connection.token`). Raises Conflict
        `not_a_voice_room`, Forbidden `not_a_member` / `missing_permission` (connect)."""
        joined = await self._client.http.join_voice(self.id)
        self._client.cache.store_voice_state(self.id, joined.state)
        return joined

    async def leave_voice(self) -> None:
        await self._client.http.leave_voice(self.id)
        me = self._client.cache.me
        if me is not None:
            self._client.cache._pop_voice(me.id, self.id)

    async def update_voice_state(
        self,
        *,
        self_mute: bool | None = None,
        self_deaf: bool | None = None,
        camera: bool | None = None,
        screensharing: bool | None = None,
    ) -> VoiceState:
        """Change your own flags here (those given); NotFound `not_in_voice` if you are
        not in voice in this room."""
        return await self._client.http.update_voice_state(
            self.id,
            self_mute=self_mute,
            self_deaf=self_deaf,
            camera=camera,
            screensharing=screensharing,
        )

    async def server_mute(self, user: Any, muted: bool = True) -> VoiceState:
        """Server-mute (or unmute) someone in voice here (`mute_members`)."""
        return await self._client.http.server_voice_state(self.id, _id(user), server_mute=muted)

    async def server_deafen(self, user: Any, deafened: bool = True) -> VoiceState:
        """Server-deafen (or undeafen) someone in voice here (`deafen_members`)."""
        return await self._client.http.server_voice_state(self.id, _id(user), server_deaf=deafened)

    async def move_voice(self, user: Any, to_room: Any) -> VoiceMove:
        """Move someone in voice here to another voice room (`move_members`); they get
        `VoiceConnectionReassigned`. Forbidden `target_cannot_connect` if they may not
        join it."""
        return await self._client.http.move_voice_member(self.id, _id(user), _id(to_room))

    async def disconnect_voice(self, user: Any) -> None:
        """Disconnect someone from voice here (`move_members`)."""
        await self._client.http.disconnect_voice_member(self.id, _id(user))

    # -- scheduled events -------------------------------------------------------------

    async def schedule_event(
        self,
        title: str,
        starts_at: datetime | str,
        ends_at: datetime | str,
        *,
        description: str | None = None,
        reminder_minutes: int | None = None,
    ) -> ScheduledEvent:
        """Schedule an event here (owners and moderators)."""
        made = await self._client.http.create_scheduled_event(
            self.id,
            title,
            starts_at,
            ends_at,
            description=description,
            reminder_minutes=reminder_minutes,
        )
        return self._client.cache.store_scheduled_event(made)

    async def scheduled_events(self) -> list[ScheduledEvent]:
        found = await self._client.http.scheduled_events(self.id)
        return [self._client.cache.store_scheduled_event(e) for e in found]

    async def rsvp(self, event: Any, interested: bool = True) -> ScheduledEvent:
        """Opt in to a scheduled event's reminder here (or out)."""
        done = await self._client.http.rsvp_scheduled_event(_id(event), interested)
        return self._client.cache.store_scheduled_event(done)
