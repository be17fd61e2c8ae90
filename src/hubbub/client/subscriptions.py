"""`client.subscribe(room)` / `room.subscribe()`: the gateway's `subscribe` op (#39).

The answer, `RoomSubscribed`, is an event like any other: it goes through the cache and
every handler (`on_joined_room`, `on_chat_start`) before `subscribe` returns it. A
refusal comes back as an error frame carrying the request's `id`, raised here as the
typed error REST would raise (`NotFound`, `Forbidden` with code `banned_from_room`, …).
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from hubbub.client.gateway import Gateway
from hubbub.errors import ServiceUnavailable, error_from_wire
from hubbub.protocol.events_rooms import RoomSubscribed
from hubbub.protocol.frames import Op

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["subscribe"]

# Request ids are unique per process; the prefix keeps them apart from an app's own ids.
_ids = itertools.count(1)
_PREFIX = f"sub-{uuid.uuid4().hex[:8]}-"


async def subscribe(
    client: Client, room_id: int, *, limit: int = 50, timeout: float = 10.0
) -> RoomSubscribed:
    """Subscribe over the gateway and return the dispatched `RoomSubscribed`.

    Raises the typed error of a refusal, `ServiceUnavailable` (`gateway_not_ready`) when
    no WebSocket gateway is connected (the poll transport has no `subscribe`), and
    `TimeoutError` when no answer came within `timeout` seconds.
    """
    gateway = client._gateway
    if not isinstance(gateway, Gateway):
        raise ServiceUnavailable(
            "subscribing needs a connected WebSocket gateway", code="gateway_not_ready"
        )
    request_id = f"{_PREFIX}{next(_ids)}"
    # Both armed before sending, so neither answer can come before its waiter.
    waiter = client.wait_for(
        RoomSubscribed, check=lambda e: e.request_id == request_id, timeout=timeout
    )
    answered: asyncio.Future[RoomSubscribed] = asyncio.ensure_future(_event(waiter))
    refused = gateway.expect_error(request_id)
    try:
        frame = {"op": Op.SUBSCRIBE.value, "room_id": room_id, "limit": limit, "id": request_id}
        await gateway.send(frame)
        pending: set[asyncio.Future[Any]] = {answered, refused}
        await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        if refused.done():
            error = refused.result()
            status = error.get("status")
            raise error_from_wire(status if isinstance(status, int) else 400, {"error": error})
        return await answered
    finally:
        answered.cancel()
        refused.cancel()


async def _event(waiter: Awaitable[RoomSubscribed]) -> RoomSubscribed:
    return await waiter
