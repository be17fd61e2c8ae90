"""Auth, bots and users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from hubbub.protocol.models import AuthResult, User
from hubbub.server.api.bodies import BotCreate, Credentials, Registration
from hubbub.server.api.deps import CoreDep, CtxDep, TokenDep
from hubbub.server.services import auth

router = APIRouter(tags=["accounts"])
UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/auth/register", status_code=201, response_model=AuthResult)
async def register(body: Registration, core: CoreDep) -> dict[str, Any]:
    user, token = await auth.register(core, body.username, body.password, body.display_name)
    return {"user": user.wire(), "token": token}


@router.post("/auth/login", response_model=AuthResult)
async def login(body: Credentials, core: CoreDep) -> dict[str, Any]:
    user, token = await auth.login(core, body.username, body.password)
    return {"user": user.wire(), "token": token}


@router.post("/auth/logout", status_code=204, response_class=Response)
async def logout(core: CoreDep, _ctx: CtxDep, token: TokenDep) -> Response:
    await auth.logout(core, token)
    return Response(status_code=204)


@router.post("/bots", status_code=201, response_model=AuthResult)
async def create_bot(body: BotCreate, core: CoreDep, ctx: CtxDep) -> dict[str, Any]:
    user, token = await auth.create_bot(core, ctx, body.username, body.display_name)
    return {"user": user.wire(), "token": token}


@router.get("/users/me", response_model=User)
async def me(ctx: CtxDep) -> dict[str, Any]:
    return ctx.user.wire()


@router.get("/users/{user_id}", response_model=User)
async def get_user(core: CoreDep, _ctx: CtxDep, user_id: UserId) -> dict[str, Any]:
    return (await auth.get_user(core, user_id)).wire()
