"""Roles, member roles and per-room overrides (issue 4). Rules: services.roles."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models_spaces import Override, Role, SpaceMember
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.services import roles

router = APIRouter(tags=["roles"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
TargetId = Annotated[int, Path(ge=0, le=2**63 - 1)]


class RoleCreate(Body):
    name: str = Field(max_length=1000)
    permissions: int | None = None
    colour: str | None = Field(default=None, max_length=1000)
    hoist: bool | None = None


class RoleUpdate(Body):
    name: str | None = Field(default=None, max_length=1000)
    permissions: int | None = None
    colour: str | None = Field(default=None, max_length=1000)
    hoist: bool | None = None


class Ranks(Body):
    role_ids: list[int] = Field(max_length=1000)


class OverrideBody(Body):
    allow: int = 0
    deny: int = 0


class RoleList(BaseModel):
    roles: list[Role]


class OverrideList(BaseModel):
    overrides: list[Override]


@router.get("/spaces/{space_id}/roles", response_model=RoleList)
async def list_roles(core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return {"roles": await roles.list_roles(core, ctx, space_id)}


@router.post("/spaces/{space_id}/roles", status_code=201, response_model=Role)
async def create_role(body: RoleCreate, core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    return await roles.create(core, ctx, space_id, body.model_dump(exclude_none=True))


@router.put("/spaces/{space_id}/roles/ranks", response_model=RoleList)
async def set_ranks(body: Ranks, core: CoreDep, ctx: CtxDep, space_id: Id) -> dict[str, Any]:
    """Reorder every role, highest first (`role.ranks_updated`)."""
    return {"roles": await roles.set_ranks(core, ctx, space_id, body.role_ids)}


@router.patch("/spaces/{space_id}/roles/{role_id}", response_model=Role)
async def update_role(
    body: RoleUpdate, core: CoreDep, ctx: CtxDep, space_id: Id, role_id: Id
) -> dict[str, Any]:
    return await roles.update(core, ctx, space_id, role_id, body.model_dump(exclude_unset=True))


@router.delete("/spaces/{space_id}/roles/{role_id}", status_code=204, response_class=Response)
async def delete_role(core: CoreDep, ctx: CtxDep, space_id: Id, role_id: Id) -> Response:
    await roles.delete(core, ctx, space_id, role_id)
    return Response(status_code=204)


@router.put("/spaces/{space_id}/members/{user_id}/roles/{role_id}", response_model=SpaceMember)
async def assign_role(
    core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id, role_id: Id
) -> dict[str, Any]:
    return await roles.assign(core, ctx, space_id, user_id, role_id, True)


@router.delete("/spaces/{space_id}/members/{user_id}/roles/{role_id}", response_model=SpaceMember)
async def remove_role(
    core: CoreDep, ctx: CtxDep, space_id: Id, user_id: Id, role_id: Id
) -> dict[str, Any]:
    return await roles.assign(core, ctx, space_id, user_id, role_id, False)


@router.get("/rooms/{room_id}/overrides", response_model=OverrideList)
async def list_overrides(core: CoreDep, ctx: CtxDep, room_id: Id) -> dict[str, Any]:
    return {"overrides": await roles.overrides(core, ctx, room_id)}


@router.put("/rooms/{room_id}/overrides/{target_type}/{target_id}", response_model=OverrideList)
async def set_override(
    body: OverrideBody,
    core: CoreDep,
    ctx: CtxDep,
    room_id: Id,
    target_type: Literal["everyone", "role", "member"],
    target_id: TargetId,
) -> dict[str, Any]:
    """Set a role's, a member's or everyone's allow/deny bits in one room of a space."""
    found = await roles.set_override(
        core, ctx, room_id, target_type, target_id, body.allow, body.deny
    )
    return {"overrides": found}


@router.delete("/rooms/{room_id}/overrides/{target_type}/{target_id}", response_model=OverrideList)
async def delete_override(
    core: CoreDep,
    ctx: CtxDep,
    room_id: Id,
    target_type: Literal["everyone", "role", "member"],
    target_id: TargetId,
) -> dict[str, Any]:
    return {"overrides": await roles.set_override(core, ctx, room_id, target_type, target_id, 0, 0)}
