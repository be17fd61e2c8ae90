"""REST routes of music rooms (MU-01…MU-04): settings and state, the queue, skips,
votes and member statistics. Every rule is services.music / music_queue / playback's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import Field

from hubbub.protocol.models_music import (
    MusicState,
    MusicStatsList,
    QueueItem,
    QueueList,
    VoteResult,
)
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import music, music_queue, playback

router = APIRouter(tags=["music"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class MusicSettingsEdit(Body):
    """Absent fields stay. The service checks the values (invalid_music_mode, …)."""

    mode: str | None = Field(default=None, max_length=100)
    # Any number: range and type are the service's check (invalid_skip_ratio).
    skip_downvote_ratio: Any = None


class TrackAdd(Body):
    # Shapes, lengths and ranges are the service's checks, each with its own code.
    source: str = Field(max_length=100)
    url: str = Field(max_length=10_000)
    title: str = Field(max_length=10_000)
    artist: str | None = Field(default=None, max_length=10_000)
    duration_s: Any = None


class QueueMove(Body):
    position: int = Field(ge=-(2**31), le=2**31)  # 0-based among the caller's own tracks


class Skip(Body):
    item_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class VoteBody(Body):
    item_id: int = Field(ge=1, le=2**63 - 1)
    vote: str = Field(max_length=100)


@router.get("/rooms/{room_id}/music", response_model=MusicState)
async def get_music(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """The room's music settings, the track playing (with your vote) and the queue."""
    return JSON(await music.state(core, ctx, room_id))


@router.patch("/rooms/{room_id}/music", response_model=MusicState)
async def edit_music(body: MusicSettingsEdit, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Room owners and moderators: `mode` (shared | rotation), `skip_downvote_ratio`."""
    fields = {k: getattr(body, k) for k in body.model_fields_set}
    return JSON(await music.update_settings(core, ctx, room_id, fields))


@router.get("/rooms/{room_id}/music/queue", response_model=QueueList)
async def get_queue(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    state = await music.state(core, ctx, room_id)
    return JSON({"queue": state["queue"]})


@router.post("/rooms/{room_id}/music/queue", status_code=201, response_model=QueueItem)
async def queue_track(body: TrackAdd, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Queue a track; it starts at once when nothing plays."""
    item = await music_queue.add(core, ctx, room_id, body.model_dump())
    return JSON(item, status_code=201)


@router.patch("/rooms/{room_id}/music/queue/{item_id}", response_model=QueueList)
async def move_track(body: QueueMove, core: CoreDep, ctx: CtxDep, room_id: Id, item_id: Id) -> JSON:
    """Move one of your waiting tracks to `position` among your own waiting tracks."""
    queue = await music_queue.reorder(core, ctx, room_id, item_id, body.position)
    return JSON({"queue": queue})


@router.delete("/rooms/{room_id}/music/queue/{item_id}", status_code=204)
async def remove_track(core: CoreDep, ctx: CtxDep, room_id: Id, item_id: Id) -> Response:
    await music_queue.remove(core, ctx, room_id, item_id)
    return Response(status_code=204)


@router.post("/rooms/{room_id}/music/skip", response_model=MusicState)
async def skip_track(body: Skip, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """The current track's DJ or a moderator skips it (`item_id` guards against a race)."""
    return JSON(await playback.skip(core, ctx, room_id, body.item_id))


@router.post("/rooms/{room_id}/music/vote", response_model=VoteResult)
async def vote(body: VoteBody, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Vote `up`, `down` or `none` (withdraw) on the current track `item_id`."""
    return JSON(await playback.vote(core, ctx, room_id, body.item_id, body.vote))


@router.get("/rooms/{room_id}/music/members", response_model=MusicStatsList)
async def member_stats(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Music statistics of every member who queued or played here."""
    return JSON({"members": await music.member_stats(core, ctx, room_id)})
