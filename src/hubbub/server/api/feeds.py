"""REST routes of feeds (RM-14): management by the room's owners and moderators, and
item posting with the feed's token (`Authorization: Bearer <token>` or `X-Feed-Token`),
which needs no user account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models_music import Feed, FeedItem
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import feeds

router = APIRouter(tags=["feeds"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class FeedCreate(Body):
    # Lengths and URL shapes are the service's checks (typed codes); these bound parsing.
    name: str = Field(max_length=1000)
    url: str | None = Field(default=None, max_length=10_000)


class FeedItemPost(Body):
    title: str = Field(max_length=100_000)
    url: str | None = Field(default=None, max_length=10_000)
    summary: str | None = Field(default=None, max_length=100_000)
    guid: str | None = Field(default=None, max_length=10_000)


class FeedList(BaseModel):
    feeds: list[Feed]


def _token(authorization: str | None, x_feed_token: str | None) -> str | None:
    if x_feed_token:
        return x_feed_token.strip()
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return token.strip()
    return None


@router.post("/rooms/{room_id}/feeds", status_code=201, response_model=Feed)
async def create_feed(body: FeedCreate, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Attach a feed to the room; the response carries its `token`, shown this once."""
    created = await feeds.create(core, ctx, room_id, body.name, body.url)
    return JSON(created, status_code=201)


@router.get("/rooms/{room_id}/feeds", response_model=FeedList)
async def list_feeds(core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    return JSON({"feeds": await feeds.list_room(core, ctx, room_id)})


@router.delete("/feeds/{feed_id}", status_code=204)
async def delete_feed(core: CoreDep, ctx: CtxDep, feed_id: Id) -> Response:
    await feeds.delete(core, ctx, feed_id)
    return Response(status_code=204)


@router.post(
    "/feeds/{feed_id}/items",
    status_code=201,
    response_model=FeedItem,
    responses={200: {"model": FeedItem, "description": "a known guid: the first item"}},
)
async def post_item(
    body: FeedItemPost,
    core: CoreDep,
    feed_id: Id,
    authorization: Annotated[str | None, Header()] = None,
    x_feed_token: Annotated[str | None, Header()] = None,
) -> JSON:
    """Post an item as the feed (`feed.item.posted`, authored by the Feeds system user).
    The feed's token is the credential: `Authorization: Bearer <token>` or
    `X-Feed-Token: <token>`."""
    item, created = await feeds.post_item(
        core,
        feed_id,
        _token(authorization, x_feed_token),
        body.title,
        body.url,
        body.summary,
        body.guid,
    )
    return JSON(item, status_code=201 if created else 200)
