"""REST methods: scheduled events in rooms (issue 8). Times are datetimes (UTC when naive)
or ISO 8601 strings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models_voice import ScheduledEvent

__all__ = ["ScheduleAPI"]

_UNSET: Any = object()


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    when = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ScheduleAPI(Requester):
    async def create_scheduled_event(
        self,
        room_id: int,
        title: str,
        starts_at: datetime | str,
        ends_at: datetime | str,
        *,
        description: str | None = None,
        reminder_minutes: int | None = None,
    ) -> ScheduledEvent:
        """Schedule an event in a room (its owners and moderators). Opted-in members get a
        `scheduled_event` notification `reminder_minutes` (default 15) before the start."""
        body: dict[str, Any] = {
            "title": title,
            "starts_at": _iso(starts_at),
            "ends_at": _iso(ends_at),
        }
        if description is not None:
            body["description"] = description
        if reminder_minutes is not None:
            body["reminder_minutes"] = reminder_minutes
        data = await self.request("POST", f"/rooms/{room_id}/scheduled-events", json=body)
        return ScheduledEvent.model_validate(data)

    async def scheduled_events(self, room_id: int) -> list[ScheduledEvent]:
        body = await self.request("GET", f"/rooms/{room_id}/scheduled-events")
        return [ScheduledEvent.model_validate(e) for e in body["scheduled_events"]]

    async def get_scheduled_event(self, event_id: int) -> ScheduledEvent:
        data = await self.request("GET", f"/scheduled-events/{event_id}")
        return ScheduledEvent.model_validate(data)

    async def update_scheduled_event(
        self,
        event_id: int,
        *,
        title: str = _UNSET,
        description: str = _UNSET,
        starts_at: datetime | str = _UNSET,
        ends_at: datetime | str = _UNSET,
        reminder_minutes: int = _UNSET,
    ) -> ScheduledEvent:
        """Change the fields given; moving the start re-arms a reminder not yet sent."""
        body: dict[str, Any] = {}
        for key, value in (
            ("title", title),
            ("description", description),
            ("reminder_minutes", reminder_minutes),
        ):
            if value is not _UNSET:
                body[key] = value
        for key, when in (("starts_at", starts_at), ("ends_at", ends_at)):
            if when is not _UNSET:
                body[key] = _iso(when)
        data = await self.request("PATCH", f"/scheduled-events/{event_id}", json=body)
        return ScheduledEvent.model_validate(data)

    async def delete_scheduled_event(self, event_id: int) -> None:
        await self.request("DELETE", f"/scheduled-events/{event_id}")

    async def rsvp_scheduled_event(self, event_id: int, interested: bool = True) -> ScheduledEvent:
        """Opt in to the event's reminder (or out, with `interested=False`)."""
        data = await self.request(
            "PUT", f"/scheduled-events/{event_id}/rsvp", json={"interested": interested}
        )
        return ScheduledEvent.model_validate(data)
