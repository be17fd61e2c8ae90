"""REST routes of issue 3's content area: notifications and message revisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from hubbub.protocol.models import Notification, NotificationPage, RevisionList
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import messages, notifications

router = APIRouter(tags=["content"])
# Responses are sent as built (orjson), not re-serialised through the response models,
# which only document them: times stay exactly as stored (ISO 8601, milliseconds).
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class ReadAll(BaseModel):
    marked: int
    up_to: int | None = None


@router.get("/notifications", response_model=NotificationPage)
async def list_notifications(
    core: CoreDep,
    ctx: CtxDep,
    before: int | None = Query(default=None, ge=0, le=2**63 - 1),
    limit: int = Query(default=50, ge=1, le=notifications.MAX_PAGE),
    unread: bool = False,
    kind: str | None = Query(default=None, max_length=32),
) -> JSON:
    """The caller's notifications, newest first; `before` = an id to page back from;
    `unread=true` for the unread ones only; `kind` for one kind (mention, reply,
    invitation, access_request, kick, global, scheduled_event). `unread_count` counts all
    unread."""
    return JSON(
        await notifications.list_notifications(
            core, ctx, before=before, limit=limit, unread_only=unread, kind=kind
        )
    )


@router.post("/notifications/read-all", response_model=ReadAll)
async def read_all_notifications(core: CoreDep, ctx: CtxDep) -> JSON:
    """Mark every notification read: `{marked, up_to}`; logs `notification.read` if any."""
    return JSON(await notifications.mark_all_read(core, ctx))


@router.post("/notifications/{notification_id}/read", response_model=Notification)
async def read_notification(core: CoreDep, ctx: CtxDep, notification_id: Id) -> JSON:
    """Mark one notification read (idempotent); logs `notification.read` when it was unread."""
    return JSON(await notifications.mark_read(core, ctx, notification_id))


@router.get("/messages/{message_id}/revisions", response_model=RevisionList)
async def message_revisions(core: CoreDep, ctx: CtxDep, message_id: Id) -> JSON:
    """Every version of a message, oldest first, the current one last: for its author and
    the room's owners and moderators."""
    return JSON(await messages.revisions(core, ctx, message_id))
