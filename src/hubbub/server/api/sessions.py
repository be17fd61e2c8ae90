"""Sessions as objects (ID-04, ID-05, D.41).

    GET    /sessions                      the caller's sessions, `current` marks this one
    PATCH  /sessions/{id}                 {name}: relabel one
    DELETE /sessions/{id}                 revoke one (the current one too: a logout)
    DELETE /sessions?keep_current=true    revoke every other session → {revoked}
    DELETE /sessions                      revoke every session, this one included

Someone else's session answers 404 `session_not_found`, exactly as a missing one does.
Anonymous access to public rooms (ID-03) is in api.deps (`ReaderDep`) and api.events.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from hubbub.protocol.models_people import Session
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.services import sessions

router = APIRouter(tags=["sessions"])
SessionId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class SessionList(BaseModel):
    sessions: list[Session]


class SessionRename(Body):
    # Checked by the service (≤ 64, its own code invalid_session_name).
    name: str = Field(max_length=1000)


class Revoked(BaseModel):
    revoked: int


@router.get("/sessions", response_model=SessionList)
async def list_sessions(core: CoreDep, ctx: CtxDep) -> dict[str, Any]:
    return {"sessions": await sessions.list_sessions(core, ctx)}


@router.patch("/sessions/{session_id}", response_model=Session)
async def rename_session(
    body: SessionRename, core: CoreDep, ctx: CtxDep, session_id: SessionId
) -> dict[str, Any]:
    return await sessions.rename(core, ctx, session_id, body.name)


@router.delete("/sessions/{session_id}", status_code=204, response_class=Response)
async def revoke_session(core: CoreDep, ctx: CtxDep, session_id: SessionId) -> Response:
    await sessions.revoke(core, ctx, session_id)
    return Response(status_code=204)


@router.delete("/sessions", response_model=Revoked)
async def revoke_sessions(
    core: CoreDep,
    ctx: CtxDep,
    keep_current: bool = Query(default=False, description="spare the calling session"),
) -> dict[str, Any]:
    return {"revoked": await sessions.revoke_all(core, ctx, keep_current=keep_current)}
