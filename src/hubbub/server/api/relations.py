"""REST routes of relationships (friends, blocks), DMs and groups (RL-01, DM-01, DM-02).

Relationships — each answer is the caller's view `{user_id, status, user}` afterwards:
    GET    /relationships                 {relationships: [...]}
    POST   /relationships   {handle}      send a friend request by handle (or accept one)
    PUT    /users/{id}/friend             send a friend request (or accept an incoming one)
    DELETE /users/{id}/friend             remove a friend, cancel or decline a request
    PUT    /users/{id}/block              block
    DELETE /users/{id}/block              unblock
DMs:
    POST   /users/{id}/dm                 the DM with that user: 200 existing, 201 new
Groups (a room of kind `group`; renamed with PATCH /rooms/{id}, left with
POST /rooms/{id}/leave too):
    POST   /groups  {name?, user_ids[]}   201 the new group, owned by the caller
    PUT    /groups/{id}/recipients/{uid}  add a member (any member may); the member
    DELETE /groups/{id}/recipients/me     leave
    DELETE /groups/{id}/recipients/{uid}  remove a member (the owner only)
    PATCH  /groups/{id}  {owner_id}       hand the group over (the owner only)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import Field

from hubbub.protocol.models import Member, Room
from hubbub.protocol.models_relations import Relationship, RelationshipList
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import dms
from hubbub.server.services import relationships as relations

router = APIRouter(tags=["relations"])
# Negative ids reach the service, which names the reserved system users' refusal.
UserId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]
RoomId = Annotated[int, Path(ge=1, le=2**63 - 1)]
MAX_GROUP_IDS = 1000  # the configured group limit refuses sooner; this bounds the body


class FriendByHandle(Body):
    handle: str = Field(min_length=1, max_length=64)


class GroupCreate(Body):
    name: str | None = Field(default=None, max_length=1000)
    user_ids: list[Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]] = Field(
        default_factory=list, max_length=MAX_GROUP_IDS
    )


class GroupUpdate(Body):
    owner_id: int = Field(ge=1, le=2**63 - 1)


# -- relationships --------------------------------------------------------------------


@router.get("/relationships", response_model=RelationshipList)
async def list_relationships(core: CoreDep, ctx: CtxDep) -> JSON:
    """The caller's relationships (friends, requests both ways, blocks), by user id."""
    return JSON({"relationships": await relations.list_mine(core, ctx)})


@router.post("/relationships", response_model=Relationship)
async def befriend_by_handle(body: FriendByHandle, core: CoreDep, ctx: CtxDep) -> JSON:
    """Send a friend request to the user with this handle, or accept theirs."""
    return JSON(await relations.befriend_by_handle(core, ctx, body.handle))


@router.put("/users/{user_id}/friend", response_model=Relationship)
async def befriend(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    """Send a friend request, or accept the user's incoming one."""
    return JSON(await relations.change(core, ctx, relations.BEFRIEND, user_id))


@router.delete("/users/{user_id}/friend", response_model=Relationship)
async def unfriend(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    """Remove a friend, cancel an outgoing request or decline an incoming one."""
    return JSON(await relations.change(core, ctx, relations.UNFRIEND, user_id))


@router.put("/users/{user_id}/block", response_model=Relationship)
async def block(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    return JSON(await relations.change(core, ctx, relations.BLOCK, user_id))


@router.delete("/users/{user_id}/block", response_model=Relationship)
async def unblock(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    return JSON(await relations.change(core, ctx, relations.UNBLOCK, user_id))


# -- DMs ------------------------------------------------------------------------------


@router.post("/users/{user_id}/dm", response_model=Room, responses={201: {"model": Room}})
async def open_dm(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    """The caller's DM with this user (their own id: saved notes): 200 when it already
    existed, 201 when it was just opened."""
    room, created = await dms.open_dm(core, ctx, user_id)
    return JSON(room, status_code=201 if created else 200)


# -- groups ---------------------------------------------------------------------------


@router.post("/groups", status_code=201, response_model=Room)
async def create_group(body: GroupCreate, core: CoreDep, ctx: CtxDep) -> JSON:
    """A new group owned by the caller; `name` defaults to the members' handles."""
    return JSON(await dms.create_group(core, ctx, body.name, body.user_ids), status_code=201)


@router.patch("/groups/{room_id}", response_model=Room)
async def update_group(body: GroupUpdate, core: CoreDep, ctx: CtxDep, room_id: RoomId) -> JSON:
    """Hand the group over to another member (`owner_id`); the owner only."""
    return JSON(await dms.transfer(core, ctx, room_id, body.owner_id))


@router.put("/groups/{room_id}/recipients/{user_id}", response_model=Member)
async def add_recipient(core: CoreDep, ctx: CtxDep, room_id: RoomId, user_id: UserId) -> JSON:
    return JSON(await dms.add_recipient(core, ctx, room_id, user_id))


@router.delete("/groups/{room_id}/recipients/me", status_code=204, response_class=Response)
async def leave_group(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> Response:
    await dms.leave_group(core, ctx, room_id)
    return Response(status_code=204)


@router.delete("/groups/{room_id}/recipients/{user_id}", status_code=204, response_class=Response)
async def remove_recipient(
    core: CoreDep, ctx: CtxDep, room_id: RoomId, user_id: UserId
) -> Response:
    await dms.remove_recipient(core, ctx, room_id, user_id)
    return Response(status_code=204)
