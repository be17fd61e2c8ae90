"""Request dependencies: the Core and the acting user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hubbub.errors import Unauthorized
from hubbub.server.services import anonymous, auth, suspensions
from hubbub.server.services.core import Core, Ctx

_bearer = HTTPBearer(auto_error=False, description="A user or bot token")


# Dependencies are `async def` on purpose: FastAPI runs plain `def` ones in a thread pool.
async def get_core(request: Request) -> Core:
    core: Core = request.app.state.core
    return core


async def bearer_token(
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized(
            "an `Authorization: Bearer <token>` header is required", code="token_missing"
        )
    return creds.credentials


async def get_ctx(
    request: Request,
    core: Annotated[Core, Depends(get_core)],
    token: Annotated[str, Depends(bearer_token)],
) -> Ctx:
    ctx = await auth.authenticate(core, token)
    # A suspended user reads but does not write (MD-11): one check for every REST write,
    # from the cached user row's flags (services.suspensions).
    if suspensions.is_suspended(ctx.user) and not suspensions.write_allowed(
        request.method, request.url.path
    ):
        raise await suspensions.refusal(core, ctx.user_id)
    return ctx


async def get_reader(
    request: Request,
    core: Annotated[Core, Depends(get_core)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Ctx:
    """The caller of a read that anonymous clients may make too (ID-03): the token's user,
    or without any Authorization header the anonymous reader (services.anonymous; 401
    `token_missing` when the server disallows it). A bad header or token is still a 401."""
    if creds is None and "authorization" not in request.headers:
        return anonymous.anonymous_ctx(core)
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized(
            "an `Authorization: Bearer <token>` header is required", code="token_missing"
        )
    return await auth.authenticate(core, creds.credentials)


CoreDep = Annotated[Core, Depends(get_core)]
CtxDep = Annotated[Ctx, Depends(get_ctx)]
# A caller that may be anonymous: only for reads of public rooms and profiles.
ReaderDep = Annotated[Ctx, Depends(get_reader)]
TokenDep = Annotated[str, Depends(bearer_token)]
