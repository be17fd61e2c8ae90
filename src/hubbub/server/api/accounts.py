"""Auth, bots and users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import Field

from hubbub.protocol.models import AuthResult, User
from hubbub.server.api.bodies import BotCreate, Credentials, Registration
from hubbub.server.api.deps import CoreDep, CtxDep, ReaderDep, TokenDep
from hubbub.server.services import anonymous, auth, profiles, sessions

router = APIRouter(tags=["accounts"])
# Negative ids are the reserved system users (-1 Community, -2 Feeds).
UserId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]


# The session's optional device label and client name (D.41); the service checks their
# length (≤ 64) with its own codes.
class Login(Credentials):
    session_name: str | None = Field(default=None, max_length=1000)
    client: str | None = Field(default=None, max_length=1000)


class Register(Registration):
    session_name: str | None = Field(default=None, max_length=1000)
    client: str | None = Field(default=None, max_length=1000)


def _device(body: Login | Register, request: Request) -> sessions.Device:
    """The new session's label, client (default: the User-Agent) and address."""
    return sessions.device(
        body.session_name,
        body.client,
        request.headers.get("user-agent"),
        request.client.host if request.client is not None else None,
    )


@router.post("/auth/register", status_code=201, response_model=AuthResult)
async def register(body: Register, core: CoreDep, request: Request) -> dict[str, Any]:
    device = _device(body, request)
    user, token = await auth.register(core, body.username, body.password, body.display_name, device)
    return {"user": user.wire(), "token": token}


@router.post("/auth/login", response_model=AuthResult)
async def login(body: Login, core: CoreDep, request: Request) -> dict[str, Any]:
    user, token = await auth.login(core, body.username, body.password, _device(body, request))
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
async def get_user(core: CoreDep, ctx: ReaderDep, user_id: UserId) -> dict[str, Any]:
    """The full profile. A merged-away id answers with the surviving account, which
    carries `merged_from` (ID-12). Anonymous readers may call it too (ID-03)."""
    with anonymous.sign_in_to_see(ctx):
        return await profiles.get(core, user_id)
