"""REST routes of reports and flags (issue 6: MD-03, MD-04, MD-05) and of reputation
(D.17). Rules, events and error codes: services.reports and services.flags.

    POST   /reports                          file a report {target_type, target_id, reason, detail?}
    GET    /reports/{id}                     one report (its reporter, its moderators)
    POST   /reports/{id}/resolve | /reject   close it {note?} (moderators)
    GET    /rooms/{id}/reports               a room's reports (?status=&before=&limit=)
    GET    /spaces/{id}/reports              a space's reports, its rooms' included
    GET    /admin/reports                    every report (staff)
    GET    /messages/{id}/flags              your flag, and the counts you may see
    PUT    /messages/{id}/flags              flag {kind: spam|offensive|mod_attention}
    DELETE /messages/{id}/flags              retract yours; ?all=true clears all (moderators)
    PUT    /admin/users/{id}/reputation      {value} (staff)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from hubbub.protocol.models_reports import FlagState, Report, ReportPage
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import flags, reports

router = APIRouter(tags=["reports"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Status = Annotated[str | None, Query(max_length=16, description="created | resolved | rejected")]
Before = Annotated[int | None, Query(ge=1, le=2**63 - 1, description="a report id: page back")]
Limit = Annotated[int, Query(ge=1, le=reports.MAX_PAGE)]


class ReportBody(Body):
    target_type: str = Field(max_length=16, description="message | user | room | space")
    target_id: int = Field(ge=-(2**63), le=2**63 - 1)
    reason: str = Field(
        max_length=32,
        description="spam | abuse | harassment | illegal | inappropriate | impersonation | other",
    )
    detail: str | None = Field(default=None, max_length=10_000)


class CloseBody(Body):
    note: str | None = Field(default=None, max_length=10_000)


class FlagBody(Body):
    kind: str = Field(max_length=32, description="spam | offensive | mod_attention")


class ReputationBody(Body):
    value: int


# -- reports --------------------------------------------------------------------------


@router.post("/reports", status_code=201, response_model=Report)
async def create_report(core: CoreDep, ctx: CtxDep, body: ReportBody) -> JSON:
    """Report a message, user, room or space you can see (once per target)."""
    report = await reports.create(
        core, ctx, body.target_type, body.target_id, body.reason, body.detail
    )
    return JSON(report, status_code=201)


@router.get("/reports/{report_id}", response_model=Report)
async def get_report(core: CoreDep, ctx: CtxDep, report_id: Id) -> JSON:
    return JSON(await reports.get(core, ctx, report_id))


@router.post("/reports/{report_id}/resolve", response_model=Report)
async def resolve_report(
    core: CoreDep, ctx: CtxDep, report_id: Id, body: CloseBody | None = None
) -> JSON:
    """Close the report as acted on (moderators of its room or space; staff)."""
    note = None if body is None else body.note
    return JSON(await reports.close(core, ctx, report_id, "resolved", note))


@router.post("/reports/{report_id}/reject", response_model=Report)
async def reject_report(
    core: CoreDep, ctx: CtxDep, report_id: Id, body: CloseBody | None = None
) -> JSON:
    """Close the report as unfounded."""
    note = None if body is None else body.note
    return JSON(await reports.close(core, ctx, report_id, "rejected", note))


@router.get("/rooms/{room_id}/reports", response_model=ReportPage)
async def room_reports(
    core: CoreDep,
    ctx: CtxDep,
    room_id: Id,
    status: Status = None,
    before: Before = None,
    limit: Limit = reports.DEFAULT_PAGE,
) -> JSON:
    found, more = await reports.list_room(core, ctx, room_id, status, before, limit)
    return JSON({"reports": found, "has_more": more})


@router.get("/spaces/{space_id}/reports", response_model=ReportPage)
async def space_reports(
    core: CoreDep,
    ctx: CtxDep,
    space_id: Id,
    status: Status = None,
    before: Before = None,
    limit: Limit = reports.DEFAULT_PAGE,
) -> JSON:
    found, more = await reports.list_space(core, ctx, space_id, status, before, limit)
    return JSON({"reports": found, "has_more": more})


@router.get("/admin/reports", response_model=ReportPage)
async def all_reports(
    core: CoreDep,
    ctx: CtxDep,
    status: Status = None,
    before: Before = None,
    limit: Limit = reports.DEFAULT_PAGE,
) -> JSON:
    found, more = await reports.list_all(core, ctx, status, before, limit)
    return JSON({"reports": found, "has_more": more})


# -- flags ----------------------------------------------------------------------------


@router.get("/messages/{message_id}/flags", response_model=FlagState)
async def flag_state(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Your flag; `counts`/`net` for trusted users and moderators (mod_attention: mods)."""
    return JSON(await flags.state(core, ctx, message_id))


@router.put("/messages/{message_id}/flags", response_model=FlagState)
async def flag_message(core: CoreDep, ctx: CtxDep, message_id: Id, body: FlagBody) -> JSON:
    """Flag someone else's message (one flag per message; anonymous)."""
    return JSON(await flags.flag(core, ctx, message_id, body.kind))


@router.delete("/messages/{message_id}/flags", response_model=FlagState)
async def unflag_message(core: CoreDep, ctx: CtxDep, message_id: Id, all: bool = False) -> JSON:
    """Retract your flag; with `all=true`, clear every flag (moderators, audited)."""
    if all:
        return JSON(await flags.clear(core, ctx, message_id))
    return JSON(await flags.retract(core, ctx, message_id))


# -- reputation -----------------------------------------------------------------------


@router.put("/admin/users/{user_id}/reputation")
async def set_reputation(core: CoreDep, ctx: CtxDep, user_id: Id, body: ReputationBody) -> JSON:
    """Set a user's reputation (staff); the user object."""
    return JSON(await flags.set_reputation(core, ctx, user_id, body.value))
