"""`GET /ready`: the state a gateway `ready` frame carries, for clients that poll.

A polling client (`hubbub.Client(transport="poll")`) starts from this, then follows
`GET /events` from its `cursor`. The cursor is read before the state, as the gateway's
handshake does: an event committed in between shows both in the state and in the first
page, and applying it again changes nothing; none can be missed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hubbub.server.api.deps import CoreDep, ReaderDep
from hubbub.server.services import anonymous, eventfeed
from hubbub.server.services import ready as ready_state

router = APIRouter(tags=["events"])


@router.get("/ready")
async def ready(core: CoreDep, ctx: ReaderDep) -> dict[str, Any]:
    """The caller's `ready` state (EVENTS.md C.2 #7) and the `cursor` to poll `GET /events`
    from. Without a token (when `allow_anonymous`): the public rooms, no user."""
    head = await eventfeed.read(core, ctx, None, 1)
    reader = anonymous if anonymous.is_anonymous(ctx) else ready_state
    state = await reader.read(core, ctx)
    return {
        **state,
        "cursor": str(head.cursor),
        "resumed": False,
        "session_id": str(ctx.session_id),
    }
