"""REST routes of webhooks (WH-01, WH-02): management by the room's webhook managers, and
execution through the secret URL, which needs no Authorization header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models import Message
from hubbub.protocol.models_extras import Webhook
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import webhooks

router = APIRouter(tags=["webhooks"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Token = Annotated[str, Path(min_length=1, max_length=200)]


class WebhookCreate(Body):
    # Lengths and URL shapes are the service's checks (typed codes); these bound parsing.
    name: str = Field(max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=10_000)


class WebhookEdit(Body):
    """Absent fields stay; `avatar_url: null` clears the avatar."""

    name: str | None = Field(default=None, max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=10_000)


class WebhookExecute(Body):
    content: str = Field(max_length=100_000)
    name: str | None = Field(default=None, max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=10_000)
    nonce: str | None = Field(default=None, max_length=1000)


class WebhookList(BaseModel):
    webhooks: list[Webhook]


@router.post("/rooms/{room_id}/webhooks", status_code=201, response_model=Webhook)
async def create_webhook(body: WebhookCreate, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Create a webhook; the response carries its `token`, shown this once."""
    created = await webhooks.create(core, ctx, room_id, body.name, body.avatar_url)
    return JSON(created, status_code=201)


@router.get("/rooms/{room_id}/webhooks", response_model=WebhookList)
async def list_webhooks(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON({"webhooks": await webhooks.list_room(core, ctx, room_id)})


@router.get("/webhooks/{webhook_id}", response_model=Webhook)
async def get_webhook(core: CoreDep, ctx: CtxDep, webhook_id: Id) -> JSON:
    return JSON(await webhooks.get(core, ctx, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=Webhook)
async def edit_webhook(body: WebhookEdit, core: CoreDep, ctx: CtxDep, webhook_id: Id) -> JSON:
    fields = {k: getattr(body, k) for k in body.model_fields_set}
    return JSON(await webhooks.update(core, ctx, webhook_id, fields))


@router.delete("/webhooks/{webhook_id}", status_code=204)
async def delete_webhook(core: CoreDep, ctx: CtxDep, webhook_id: Id) -> Response:
    await webhooks.delete(core, ctx, webhook_id)
    return Response(status_code=204)


@router.post(
    "/webhooks/{webhook_id}/{token}",
    status_code=201,
    response_model=Message,
    responses={200: {"model": Message, "description": "a repeated nonce: the first message"}},
)
async def execute_webhook(
    body: WebhookExecute, core: CoreDep, webhook_id: Id, token: Token
) -> JSON:
    """Post a message as the webhook (optionally under another name and avatar). The
    token in the path is the credential; no Authorization header is needed."""
    message, created = await webhooks.execute(
        core,
        webhook_id,
        token,
        body.content,
        name=body.name,
        avatar_url=body.avatar_url,
        nonce=body.nonce,
    )
    return JSON(message, status_code=201 if created else 200)
