"""Spaces, their members, bans and invites (issue 4). Rules: services.spaces, .invites."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models_spaces import Ban, Invite, Space, SpaceMember, SpaceState
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.services import invites, space_members, spaces

router = APIRouter(tags=["spaces"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Code = Annotated[str, Path(min_length=1, max_length=64)]
_NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


class SpaceCreate(Body):
    name: str = Field(max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    icon_url: str | None = Field(default=None, max_length=10_000)
    open: bool | None = None


class CategoryBody(Body):
    id: int | None = Field(default=None, ge=1, le=2**31)
    name: str = Field(max_length=1000)
    room_ids: list[int] = Field(default_factory=list, max_length=1000)


class SpaceUpdate(Body):
    name: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    icon_url: str | None = Field(default=None, max_length=10_000)
    system_room_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    flags: int | None = None
    open: bool | None = None
    default_permissions: int | None = None
    categories: list[CategoryBody] | None = Field(default=None, max_length=1000)
    # Transfer the space (its owner only) to one of its members.
    owner_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class MemberUpdate(Body):
    nickname: str | None = Field(default=None, max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=10_000)


class BanBody(Body):
    reason: str | None = Field(default=None, max_length=10_000)


class InviteCreate(Body):
    max_uses: int | None = None
    expires_in_s: int | None = None


class SpaceList(BaseModel):
    spaces: list[Space]


class SpacePage(BaseModel):
    spaces: list[Space]
    has_more: bool


class MemberPage(BaseModel):
    members: list[SpaceMember]
    has_more: bool


class BanList(BaseModel):
    bans: list[Ban]


class InviteList(BaseModel):
    invites: list[Invite]


class PermissionInfo(BaseModel):
    name: str
    value: int
    description: str


class PermissionTable(BaseModel):
    permissions: list[PermissionInfo]
    all: int
    default: int


@router.post("/spaces", status_code=201, response_model=Space)
async def create_space(body: SpaceCreate, core: CoreDep, ctx: CtxDep) -> dict[str, Any]:
    return await spaces.create(core, ctx, body.model_dump(exclude_none=True))


@router.get("/spaces", response_model=SpaceList)
async def my_spaces(core: CoreDep, ctx: CtxDep) -> dict[str, Any]:
    return {"spaces": await spaces.mine(core, ctx)}


# Declared before /spaces/{space_id}, which would otherwise take "directory" for an id.
@router.get("/spaces/directory", response_model=SpacePage)
async def space_directory(
    core: CoreDep,
    ctx: CtxDep,
    after: int | None = Query(default=None, ge=0, le=2**63 - 1),
    limit: int = Query(default=50, ge=1, le=100),
) -> dict[str, Any]:
    """The spaces anyone may join without an invite (`open`), by id; page with `after`."""
    page, more = await spaces.directory(core, ctx, after=after, limit=limit)
    return {"spaces": page, "has_more": more}


@router.get("/spaces/{space_id}", response_model=Space)
async def get_space(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return await spaces.get(core, ctx, space_id)


@router.get("/spaces/{space_id}/state", response_model=SpaceState)
async def space_state(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    """The whole space as the caller sees it: `space.created`'s payload."""
    return await spaces.get_state(core, ctx, space_id)


@router.patch("/spaces/{space_id}", response_model=Space)
async def update_space(
    body: SpaceUpdate, core: CoreDep, ctx: CtxDep, space_id: Id
) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    return await spaces.update(core, ctx, space_id, fields)


@router.delete("/spaces/{space_id}", **_NO_CONTENT)
async def delete_space(core: CoreDep, ctx: CtxDep, space_id: Id) -> Response:
    await spaces.delete(core, ctx, space_id)
    return Response(status_code=204)


@router.post("/spaces/{space_id}/join", response_model=SpaceState)
async def join_space(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return await space_members.join(core, ctx, space_id)


@router.post("/spaces/{space_id}/leave", **_NO_CONTENT)
async def leave_space(core: CoreDep, ctx: CtxDep, space_id: Id) -> Response:
    await space_members.leave(core, ctx, space_id)
    return Response(status_code=204)


@router.get("/spaces/{space_id}/members", response_model=MemberPage)
async def list_space_members(
    core: CoreDep,
    ctx: CtxDep,
    space_id: Id,
    after: int | None = Query(default=None, ge=0, le=2**63 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
) -> dict[str, Any]:
    page, more = await space_members.members(core, ctx, space_id, after=after, limit=limit)
    return {"members": page, "has_more": more}


@router.get("/spaces/{space_id}/members/{user_id}", response_model=SpaceMember)
async def space_member(core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id) -> dict[str, Any]:
    return await space_members.member(core, ctx, space_id, user_id)


@router.patch("/spaces/{space_id}/members/{user_id}", response_model=SpaceMember)
async def update_space_member(
    body: MemberUpdate, core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id
) -> dict[str, Any]:
    return await space_members.update_member(
        core, ctx, space_id, user_id, body.model_dump(exclude_unset=True)
    )


@router.delete("/spaces/{space_id}/members/{user_id}", **_NO_CONTENT)
async def kick_member(
    core: CoreDep,
    ctx: CtxDep,
    space_id: Id,
    user_id: Id,
    reason: str | None = Query(default=None, max_length=10_000),
) -> Response:
    await space_members.kick(core, ctx, space_id, user_id, reason)
    return Response(status_code=204)


@router.get("/spaces/{space_id}/bans", response_model=BanList)
async def list_bans(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return {"bans": await space_members.bans(core, ctx, space_id)}


@router.put("/spaces/{space_id}/bans/{user_id}", **_NO_CONTENT)
async def ban_member(
    core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id, body: BanBody | None = None
) -> Response:
    await space_members.ban(core, ctx, space_id, user_id, None if body is None else body.reason)
    return Response(status_code=204)


@router.delete("/spaces/{space_id}/bans/{user_id}", **_NO_CONTENT)
async def unban_member(core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id) -> Response:
    await space_members.unban(core, ctx, space_id, user_id)
    return Response(status_code=204)


@router.post("/spaces/{space_id}/invites", status_code=201, response_model=Invite)
async def create_invite(
    core: CoreDep, ctx: CtxDep, space_id: Id, body: InviteCreate | None = None
) -> dict[str, Any]:
    body = body or InviteCreate()
    return await invites.create(
        core, ctx, space_id, max_uses=body.max_uses, expires_in_s=body.expires_in_s
    )


@router.get("/spaces/{space_id}/invites", response_model=InviteList)
async def list_invites(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return {"invites": await invites.list_invites(core, ctx, space_id)}


@router.get("/invites/{code}", response_model=Invite)
async def get_invite(core: CoreDep, ctx: CtxDep, code: Code) -> dict[str, Any]:
    return await invites.get(core, ctx, code)


@router.post("/invites/{code}", response_model=SpaceState)
async def accept_invite(core: CoreDep, ctx: CtxDep, code: Code) -> dict[str, Any]:
    return await invites.accept(core, ctx, code)


@router.delete("/invites/{code}", **_NO_CONTENT)
async def revoke_invite(core: CoreDep, ctx: CtxDep, code: Code) -> Response:
    await invites.revoke(core, ctx, code)
    return Response(status_code=204)


@router.get("/permissions", response_model=PermissionTable)
async def permission_table() -> dict[str, Any]:
    """The documented table of permission bits."""
    return spaces.permission_table()
