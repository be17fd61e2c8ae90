"""Messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from hubbub.protocol.models import Message, MessagePage
from hubbub.server.api.bodies import MessageCreate, MessageEdit
from hubbub.server.api.deps import CoreDep, CtxDep, ReaderDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import anonymous, messages

router = APIRouter(tags=["messages"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
OptId = Annotated[int | None, Query(ge=0, le=2**63 - 1)]


@router.post(
    "/rooms/{room_id}/messages",
    status_code=201,
    response_model=Message,
    responses={200: {"model": Message, "description": "a repeated nonce: the original message"}},
)
async def send_message(body: MessageCreate, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    message, created = await messages.send(
        core,
        ctx,
        room_id,
        body.content,
        nonce=body.nonce,
        reply_to=body.reply_to,
        extras=body.extras(),
    )
    return JSON(message, status_code=201 if created else 200)


@router.get("/rooms/{room_id}/messages", response_model=MessagePage)
async def list_messages(
    core: CoreDep,
    ctx: ReaderDep,
    room_id: Id,
    before: OptId = None,
    after: OptId = None,
    around: Annotated[
        int | None, Query(ge=0, le=2**63 - 1, description="centre the page on this id")
    ] = None,
    limit: int = Query(default=50, ge=1, le=100),
) -> dict[str, Any]:
    with anonymous.sign_in_to_see(ctx):
        return await messages.history(
            core, ctx, room_id, before=before, after=after, around=around, limit=limit
        )


@router.get("/messages/{message_id}", response_model=Message)
async def get_message(core: CoreDep, ctx: ReaderDep, message_id: Id) -> dict[str, Any]:
    with anonymous.sign_in_to_see(ctx):
        return await messages.get(core, ctx, message_id)


@router.patch("/messages/{message_id}", response_model=Message)
async def edit_message(
    body: MessageEdit, core: CoreDep, ctx: CtxDep, message_id: Id
) -> dict[str, Any]:
    return await messages.edit(
        core, ctx, message_id, body.content, custom_payload=body.custom_payload
    )


@router.delete("/messages/{message_id}", status_code=204, response_class=Response)
async def delete_message(core: CoreDep, ctx: CtxDep, message_id: Id) -> Response:
    await messages.delete(core, ctx, message_id)
    return Response(status_code=204)
