"""Scheduled events in rooms (issue 8).

    POST   /rooms/{room_id}/scheduled-events   {title, starts_at, ends_at, description?,
                                                 reminder_minutes?} → 201 event
    GET    /rooms/{room_id}/scheduled-events   → {scheduled_events}
    GET    /spaces/{space_id}/scheduled-events → {scheduled_events} not yet over, every
                                                 room of the space the caller can see
    GET    /scheduled-events/{event_id}        → event
    PATCH  /scheduled-events/{event_id}        {title?, description?, starts_at?, ends_at?,
                                                 reminder_minutes?} → event
    DELETE /scheduled-events/{event_id}        → 204
    PUT    /scheduled-events/{event_id}/rsvp   {interested} → event

Times are ISO 8601 (UTC when no zone is given). The rules: services.schedule.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import Field

from hubbub.protocol.models_voice import ScheduledEvent, ScheduledEventList
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import schedule

router = APIRouter(tags=["scheduled events"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


class EventFields(Body):
    # Lengths are checked by the service (typed codes); these bounds only stop abuse.
    title: str | None = Field(default=None, max_length=10_000)
    description: str | None = Field(default=None, max_length=100_000)
    starts_at: str | None = Field(default=None, max_length=64)
    ends_at: str | None = Field(default=None, max_length=64)
    reminder_minutes: int | None = None

    def given(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


class RsvpBody(Body):
    interested: bool


@router.post("/rooms/{room_id}/scheduled-events", status_code=201, response_model=ScheduledEvent)
async def create_event(body: EventFields, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Schedule an event in the room (its owners and moderators)."""
    return JSON(await schedule.create(core, ctx, room_id, body.given()), status_code=201)


@router.get("/rooms/{room_id}/scheduled-events", response_model=ScheduledEventList)
async def list_events(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON({"scheduled_events": await schedule.list_events(core, ctx, room_id)})


@router.get("/spaces/{space_id}/scheduled-events", response_model=ScheduledEventList)
async def list_space_events(core: CoreDep, ctx: CtxDep, space_id: Id) -> JSON:
    """The space's agenda: events not yet over in the rooms of the space the caller can
    see, by start time."""
    return JSON({"scheduled_events": await schedule.list_space_events(core, ctx, space_id)})


@router.get("/scheduled-events/{event_id}", response_model=ScheduledEvent)
async def get_event(core: CoreDep, ctx: CtxDep, event_id: Id) -> JSON:
    return JSON(await schedule.get(core, ctx, event_id))


@router.patch("/scheduled-events/{event_id}", response_model=ScheduledEvent)
async def update_event(body: EventFields, core: CoreDep, ctx: CtxDep, event_id: Id) -> JSON:
    return JSON(await schedule.update(core, ctx, event_id, body.given()))


@router.delete("/scheduled-events/{event_id}", **_NO_CONTENT)
async def delete_event(core: CoreDep, ctx: CtxDep, event_id: Id) -> Response:
    await schedule.delete(core, ctx, event_id)
    return Response(status_code=204)


@router.put("/scheduled-events/{event_id}/rsvp", response_model=ScheduledEvent)
async def rsvp(body: RsvpBody, core: CoreDep, ctx: CtxDep, event_id: Id) -> JSON:
    """Opt in to the event's reminder (`interested: true`) or out."""
    return JSON(await schedule.rsvp(core, ctx, event_id, body.interested))
