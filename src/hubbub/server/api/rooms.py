"""Rooms, membership and access levels."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from hubbub.protocol.models import Member, Room
from hubbub.protocol.models_rooms import AccessRequest, AccessState
from hubbub.server.api.bodies import Body, RoomCreate, RoomUpdate
from hubbub.server.api.deps import CoreDep, CtxDep, ReaderDep
from hubbub.server.services import access_levels, anonymous, rooms

router = APIRouter(prefix="/rooms", tags=["rooms"])
RoomId = Annotated[int, Path(ge=1, le=2**63 - 1)]
CustomId = Annotated[str, Path(min_length=1, max_length=128)]


class RoomPage(BaseModel):
    """Rooms by id; `has_more`: another page follows (ask with `after` = the last id)."""

    rooms: list[Room]
    has_more: bool


class MemberList(BaseModel):
    members: list[Member]
    has_more: bool


class OwnerList(BaseModel):
    owners: list[Member]


class AccessRequestList(BaseModel):
    requests: list[AccessRequest]


class LevelChange(Body):
    # Checked by the service, so an unknown level has its own code (invalid_level).
    level: str


@router.post("", status_code=201, response_model=Room)
async def create_room(body: RoomCreate, core: CoreDep, ctx: CtxDep) -> dict[str, Any]:
    return await rooms.create(core, ctx, body.model_dump(exclude_unset=True))


@router.get("", response_model=RoomPage)
async def list_rooms(
    core: CoreDep,
    ctx: ReaderDep,
    joined: bool = Query(default=False, description="only the rooms the caller is in"),
    not_joined: bool = Query(
        default=False,
        description="only the directory's rooms the caller is not in (those open to join,"
        " a room closed to new members included); not with joined=true",
    ),
    tag: str | None = Query(default=None, max_length=100, description="rooms with this tag"),
    # No length limit here: the service answers a blank or over-long q with invalid_query.
    q: str | None = Query(
        default=None,
        description="1 to 64 characters, any case: rooms whose name starts with it or has a"
        " word starting with it, or whose topic has such a word (words split at spaces,"
        " -, _ and /; % and _ are plain characters)",
    ),
    after: int | None = Query(
        default=None, ge=0, le=2**63 - 1, description="the last room id of the previous page"
    ),
    limit: int = Query(default=50, ge=1, le=100),
) -> dict[str, Any]:
    """The rooms the caller sees, by id, a page at a time (`after` the last id seen):
    the directory's public and gallery rooms and the caller's own, never one they are
    banned from; an anonymous reader sees the directory. 422 `invalid_room_filter` for
    joined=true with not_joined=true, `invalid_query` for a blank or too long `q`."""
    page, more = await rooms.list_rooms(
        core,
        ctx,
        joined_only=joined,
        not_joined=not_joined,
        after=after,
        limit=limit,
        tag=tag,
        q=q,
    )
    return {"rooms": page, "has_more": more}


@router.get("/by-custom-id/{custom_id}", response_model=Room)
async def get_room_by_custom_id(core: CoreDep, ctx: CtxDep, custom_id: CustomId) -> dict[str, Any]:
    return await rooms.get_by_custom_id(core, ctx, custom_id)


@router.post("/by-custom-id/{custom_id}/join", response_model=Member)
async def join_room_by_custom_id(core: CoreDep, ctx: CtxDep, custom_id: CustomId) -> dict[str, Any]:
    return await rooms.join_by_custom_id(core, ctx, custom_id)


@router.get("/{room_id}", response_model=Room)
async def get_room(core: CoreDep, ctx: ReaderDep, room_id: RoomId) -> dict[str, Any]:
    with anonymous.sign_in_to_see(ctx):
        return await rooms.get(core, ctx, room_id)


@router.patch("/{room_id}", response_model=Room)
async def update_room(
    body: RoomUpdate, core: CoreDep, ctx: CtxDep, room_id: RoomId
) -> dict[str, Any]:
    return await rooms.update(core, ctx, room_id, body.model_dump(exclude_unset=True))


@router.delete("/{room_id}", status_code=204, response_class=Response)
async def delete_room(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> Response:
    await rooms.delete(core, ctx, room_id)
    return Response(status_code=204)


@router.post("/{room_id}/join", response_model=Member)
async def join_room(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> dict[str, Any]:
    return await rooms.join(core, ctx, room_id)


@router.post("/{room_id}/leave", status_code=204, response_class=Response)
async def leave_room(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> Response:
    await rooms.leave(core, ctx, room_id)
    return Response(status_code=204)


@router.get("/{room_id}/members", response_model=MemberList)
async def room_members(
    core: CoreDep,
    ctx: CtxDep,
    room_id: RoomId,
    after: int | None = Query(default=None, ge=0, le=2**63 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
    # No length limit here: the service answers a blank or over-long q with invalid_query.
    q: str | None = Query(default=None, description="handle or display-name word prefix"),
) -> dict[str, Any]:
    """The members by user id, a page at a time (`after` the last user id seen)."""
    page, more = await rooms.members(core, ctx, room_id, after=after, limit=limit, q=q)
    return {"members": page, "has_more": more}


@router.get("/{room_id}/members/{user_id}", response_model=Member)
async def room_member(
    core: CoreDep, ctx: CtxDep, room_id: RoomId, user_id: RoomId
) -> dict[str, Any]:
    return await rooms.member(core, ctx, room_id, user_id)


class RoleChange(Body):
    role: Literal["moderator", "member"]


@router.patch("/{room_id}/members/{user_id}", response_model=Member)
async def set_member_role(
    body: RoleChange, core: CoreDep, ctx: CtxDep, room_id: RoomId, user_id: RoomId
) -> dict[str, Any]:
    """The owner makes a member a moderator, or a moderator a member again."""
    return await rooms.set_member_role(core, ctx, room_id, user_id, body.role)


@router.get("/{room_id}/owners", response_model=OwnerList)
async def room_owners(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> dict[str, Any]:
    return {"owners": await access_levels.list_owners(core, ctx, room_id)}


@router.put("/{room_id}/access/{user_id}", response_model=AccessState)
async def set_access(
    body: LevelChange, core: CoreDep, ctx: CtxDep, room_id: RoomId, user_id: RoomId
) -> dict[str, Any]:
    """A room owner sets a user's access level (standalone rooms): read_only or
    read_write grants (and answers a request), owner adds an owner, none removes."""
    return await access_levels.set_level(core, ctx, room_id, user_id, body.level)


@router.post("/{room_id}/access-requests", status_code=201, response_model=AccessState)
async def request_access(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> dict[str, Any]:
    return await access_levels.request_access(core, ctx, room_id)


@router.get("/{room_id}/access-requests", response_model=AccessRequestList)
async def access_requests(core: CoreDep, ctx: CtxDep, room_id: RoomId) -> dict[str, Any]:
    return {"requests": await access_levels.list_requests(core, ctx, room_id)}
