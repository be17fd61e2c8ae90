"""`GET /events`: the log as the caller sees it, with long-poll."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from hubbub.protocol.models import EventPage
from hubbub.server.api.deps import CoreDep, ReaderDep
from hubbub.server.events import LogEvent
from hubbub.server.services import anonymous, eventfeed

router = APIRouter(tags=["events"])
MAX_WAIT_S = 60.0


@router.get("/events", response_model=EventPage)
async def events(
    request: Request,
    core: CoreDep,
    ctx: ReaderDep,
    cursor: str | None = Query(default=None, max_length=40),
    wait: float = Query(default=0.0, ge=0.0, le=MAX_WAIT_S),
    limit: int = Query(default=100, ge=1, le=eventfeed.MAX_LIMIT),
    room_id: int | None = Query(
        default=None, ge=1, le=2**63 - 1, description="only this room's events"
    ),
) -> Response:
    """Without a token (when `allow_anonymous`): the public rooms' room events only; with
    `room_id`, that room's (401 `token_missing` unless it is a public room)."""
    hub = core.extras["hub"]
    if room_id is not None and anonymous.is_anonymous(ctx):
        ctx = anonymous.anonymous_ctx(core, [room_id])
    seq = eventfeed.parse_cursor(cursor)
    with anonymous.sign_in_to_see(ctx):
        page = await eventfeed.read(core, ctx, seq, limit)
    page.events = _only(page.events, room_id)
    deadline = core.clock.monotonic() + wait
    # Long-poll: nothing for this user yet, so sleep until the log moves or time is up.
    while not page.events and not page.more and wait > 0:
        remaining = deadline - core.clock.monotonic()
        if remaining <= 0 or not await _newer_unless_gone(hub, request, page.cursor, remaining):
            break
        page = await eventfeed.read(core, ctx, page.cursor, limit)
        page.events = _only(page.events, room_id)
    # Frames are already encoded: splice them instead of decoding and re-encoding.
    body = b"".join(
        [
            b'{"events":[',
            b",".join(ev.envelope_json for ev in page.events),
            b'],"cursor":"%d","more":%s}' % (page.cursor, b"true" if page.more else b"false"),
        ]
    )
    return Response(body, media_type="application/json")


def _only(events: list[LogEvent], room_id: int | None) -> list[LogEvent]:
    return events if room_id is None else [ev for ev in events if ev.room_id == room_id]


async def _newer_unless_gone(hub: Any, request: Request, cursor: int, timeout: float) -> bool:
    """`hub.wait_newer`, given up (False) when the client hangs up: a poll nobody waits for
    any more must not hold a worker, nor the server's graceful shutdown, until it times out."""
    news = asyncio.ensure_future(hub.wait_newer(cursor, timeout))
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({news, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not news.done():
            news.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gone
    return news.done() and not news.cancelled() and bool(news.result())


async def _disconnected(request: Request) -> None:
    # A GET's only body message comes first; the next one is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass
