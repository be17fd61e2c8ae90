"""REST routes of issue 3's reactions area: reactions, stars, pins, read states.

Responses are encoded directly (orjson), as the message create route does, so times read
exactly as in events (millisecond ISO strings); `response_model` documents the shape.
Every change to a message answers with the message as the caller now sees it (`me` on
its reactions, `starred_by_you`), so a client can replace its copy without a re-fetch.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from hubbub.protocol.models import Message, ReadState
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import pins, reactions, readstate, stars

router = APIRouter(tags=["reactions"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
# Percent-encoded in the path; one emoji, a `:shortcode:` or a named reaction such as `like`.
Emoji = Annotated[str, Path(min_length=1, max_length=100)]


class MessageList(BaseModel):
    messages: list[Message]


class ReadStateList(BaseModel):
    read_states: list[ReadState]


class Ack(Body):
    message_id: int = Field(ge=1, le=2**63 - 1)


# -- reactions ------------------------------------------------------------------------


@router.put("/messages/{message_id}/reactions/{emoji}", response_model=Message)
async def add_reaction(core: CoreDep, ctx: CtxDep, message_id: Id, emoji: Emoji) -> JSON:
    """Add your reaction (idempotent)."""
    return JSON(await reactions.add(core, ctx, message_id, emoji))


@router.delete("/messages/{message_id}/reactions/{emoji}", response_model=Message)
async def remove_reaction(
    core: CoreDep, ctx: CtxDep, message_id: Id, emoji: Emoji, all: bool = False
) -> JSON:
    """Remove your reaction; with `all=true`, everyone's reactions of this emoji
    (owners and moderators)."""
    if all:
        return JSON(await reactions.clear(core, ctx, message_id, emoji))
    return JSON(await reactions.remove(core, ctx, message_id, emoji))


@router.delete("/messages/{message_id}/reactions", response_model=Message)
async def clear_reactions(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Remove every reaction from the message (owners and moderators)."""
    return JSON(await reactions.clear(core, ctx, message_id, None))


# -- stars ----------------------------------------------------------------------------


@router.put("/messages/{message_id}/star", response_model=Message)
async def star_message(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Star someone else's message (idempotent). The room learns the count, not who."""
    return JSON(await stars.star(core, ctx, message_id, True))


@router.delete("/messages/{message_id}/star", response_model=Message)
async def unstar_message(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    return JSON(await stars.star(core, ctx, message_id, False))


@router.delete("/messages/{message_id}/stars", response_model=Message)
async def clear_stars(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Cancel every star on the message (owners and moderators)."""
    return JSON(await stars.clear(core, ctx, message_id))


@router.get("/rooms/{room_id}/starboard", response_model=MessageList)
async def starboard(
    core: CoreDep, ctx: CtxDep, room_id: Id, limit: int = Query(default=20, ge=1, le=100)
) -> JSON:
    """The room's most-starred messages: most stars first, ties newest first."""
    return JSON({"messages": await stars.starboard(core, ctx, room_id, limit)})


# -- pins -----------------------------------------------------------------------------


@router.put("/messages/{message_id}/pin", response_model=Message)
async def pin_message(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Pin (owners and moderators; idempotent)."""
    return JSON(await pins.pin(core, ctx, message_id, True))


@router.delete("/messages/{message_id}/pin", response_model=Message)
async def unpin_message(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    return JSON(await pins.pin(core, ctx, message_id, False))


@router.get("/rooms/{room_id}/pins", response_model=MessageList)
async def room_pins(
    core: CoreDep, ctx: CtxDep, room_id: Id, limit: int = Query(default=50, ge=1, le=100)
) -> JSON:
    """The room's pinned messages, most recently pinned first."""
    return JSON({"messages": await pins.pinned(core, ctx, room_id, limit)})


# -- read state -----------------------------------------------------------------------


@router.post("/rooms/{room_id}/ack", response_model=ReadState)
async def ack(body: Ack, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Mark the room read up to `message_id` (never backwards)."""
    return JSON(await readstate.ack(core, ctx, room_id, body.message_id))


@router.get("/rooms/{room_id}/read-state", response_model=ReadState)
async def room_read_state(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON(await readstate.get(core, ctx, room_id))


@router.get("/read-states", response_model=ReadStateList)
async def read_states(core: CoreDep, ctx: CtxDep) -> JSON:
    """Your read state in every room you are a member of."""
    return JSON({"read_states": await readstate.list_all(core, ctx)})
