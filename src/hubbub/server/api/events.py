"""`GET /events`: the log as the caller sees it, with long-poll."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from hubbub.protocol.models import EventPage
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.services import eventfeed

router = APIRouter(tags=["events"])
MAX_WAIT_S = 60.0


@router.get("/events", response_model=EventPage)
async def events(
    core: CoreDep,
    ctx: CtxDep,
    cursor: str | None = Query(default=None, max_length=40),
    wait: float = Query(default=0.0, ge=0.0, le=MAX_WAIT_S),
    limit: int = Query(default=100, ge=1, le=eventfeed.MAX_LIMIT),
) -> Response:
    hub = core.extras["hub"]
    seq = eventfeed.parse_cursor(cursor)
    page = await eventfeed.read(core, ctx, seq, limit)
    deadline = core.clock.monotonic() + wait
    # Long-poll: nothing for this user yet, so sleep until the log moves or time is up.
    while not page.events and not page.more and wait > 0:
        remaining = deadline - core.clock.monotonic()
        if remaining <= 0 or not await hub.wait_newer(page.cursor, remaining):
            break
        page = await eventfeed.read(core, ctx, page.cursor, limit)
    # Frames are already encoded: splice them instead of decoding and re-encoding.
    body = b"".join(
        [
            b'{"events":[',
            b",".join(ev.envelope_json for ev in page.events),
            b'],"cursor":"%d","more":%s}' % (page.cursor, b"true" if page.more else b"false"),
        ]
    )
    return Response(body, media_type="application/json")
