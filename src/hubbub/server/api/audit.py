"""REST routes of the audit log (MD-17): a room's or a space's entries, newest first,
for its moderators, and a user's (suspensions, reputation), for staff. Entries are
written by the services that change things (services.audit.record_txn); this router only
reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from hubbub.protocol.models_spaces import AuditEntry
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import audit
from hubbub.server.store.audit import AuditFilter

router = APIRouter(tags=["audit"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
OptId = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
Action = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=48,
        description='an action (`role.updated`) or a prefix ending in "." (`space.member.`)',
    ),
]
TargetType = Annotated[str | None, Query(min_length=1, max_length=16)]
Before = Annotated[
    int | None, Query(ge=1, le=2**63 - 1, description="an entry id: page back from it")
]
Limit = Annotated[int, Query(ge=1, le=audit.MAX_PAGE)]


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    has_more: bool


@router.get("/spaces/{space_id}/audit", response_model=AuditPage)
async def space_audit(
    core: CoreDep,
    ctx: CtxDep,
    space_id: Id,
    action: Action = None,
    actor_id: OptId = None,
    target_type: TargetType = None,
    target_id: OptId = None,
    before: Before = None,
    limit: Limit = audit.DEFAULT_PAGE,
) -> JSON:
    """The space's audit log, its rooms' entries included (moderate, manage_space or
    owner)."""
    f = AuditFilter(action, actor_id, target_type, target_id, before)
    entries, more = await audit.list_entries(core, ctx, "space", space_id, f, limit)
    return JSON({"entries": entries, "has_more": more})


@router.get("/rooms/{room_id}/audit", response_model=AuditPage)
async def room_audit(
    core: CoreDep,
    ctx: CtxDep,
    room_id: Id,
    action: Action = None,
    actor_id: OptId = None,
    target_type: TargetType = None,
    target_id: OptId = None,
    before: Before = None,
    limit: Limit = audit.DEFAULT_PAGE,
) -> JSON:
    """The room's audit log (its owners and moderators)."""
    f = AuditFilter(action, actor_id, target_type, target_id, before)
    entries, more = await audit.list_entries(core, ctx, "room", room_id, f, limit)
    return JSON({"entries": entries, "has_more": more})


@router.get("/admin/users/{user_id}/audit", response_model=AuditPage)
async def user_audit(
    core: CoreDep,
    ctx: CtxDep,
    user_id: Id,
    action: Action = None,
    actor_id: OptId = None,
    before: Before = None,
    limit: Limit = audit.DEFAULT_PAGE,
) -> JSON:
    """What was done to a user outside any room or space: suspensions, reputation,
    reports on them (global staff)."""
    f = AuditFilter(action, actor_id, None, None, before)
    entries, more = await audit.list_entries(core, ctx, "user", user_id, f, limit)
    return JSON({"entries": entries, "has_more": more})
