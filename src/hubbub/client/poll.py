"""The polling connection (SDK-24): the gateway's events over plain HTTP.

`Client(transport="poll")` uses this instead of `Gateway`, with the same callbacks, so
the cache and dispatch cannot tell the two apart. A session is `GET /ready` (the state a
gateway `ready` frame carries, and the cursor it is valid at) followed by long-polls of
`GET /events?cursor=…&wait=…`, each answering with the events after the cursor and the
cursor to follow. Events pass the same `Cursor` gate as over the WebSocket (exactly once,
in order).

When a poll fails (network error, 5xx, a rate limit) the connection reports
`Disconnected`, waits (`Backoff`, never less than a 429's `Retry-After`), then starts a
new session like a gateway reconnect: `Connecting`, `GET /ready` again so the cache is
reconciled, `Ready(resumed=True)`, the missed events from the kept cursor, `Resumed`.
An expired cursor (410) resyncs from a fresh `Ready` after `EventsMissed`; a refused
token (401/403) or another 4xx ends the connection with the typed error.

Works without a token on servers that allow anonymous readers (the public rooms).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hubbub.client.gateway import GatewayState
from hubbub.client.http import API_PREFIX, HTTPClient
from hubbub.client.lifecycle import Connected, Connecting, Disconnected, EventsMissed
from hubbub.client.session import Backoff, Cursor
from hubbub.errors import (
    CursorExpired,
    HubbubError,
    RateLimited,
    ServiceUnavailable,
)
from hubbub.protocol.events import Event
from hubbub.protocol.frames import Op

__all__ = ["DEFAULT_POLL_WAIT", "PollConnection"]

_log = logging.getLogger(__name__)

ReadyCallback = Callable[[dict[str, Any], bool], Awaitable[None]]
FrameCallback = Callable[[dict[str, Any]], Awaitable[None]]
LifecycleCallback = Callable[[Event], None]

# How long one long-poll may be held by the server (its maximum is 60 s). Shorter than
# most proxies' idle timeouts, long enough that an idle client costs little.
DEFAULT_POLL_WAIT = 25.0


class _Resync(Exception):
    """The cursor is no longer served: start over from a fresh ready."""


class PollConnection:
    def __init__(
        self,
        http: HTTPClient,
        *,
        on_ready: ReadyCallback,
        on_event: FrameCallback,
        on_lifecycle: LifecycleCallback,
        on_resumed: FrameCallback | None = None,
        backoff: Backoff | None = None,
        reconnect: bool = True,
        wait: float = DEFAULT_POLL_WAIT,
        limit: int = 100,
    ) -> None:
        self._http = http
        self._on_ready = on_ready
        self._on_event = on_event
        self._on_lifecycle = on_lifecycle
        self._on_resumed = on_resumed
        self.backoff = backoff or Backoff()
        self.reconnect = reconnect
        self.wait = wait
        self.limit = limit
        self.url = http.base_url + API_PREFIX + "/events"
        self.cursor = Cursor()
        self.state = GatewayState.IDLE
        self.session_id: str | None = None
        self._closing = False
        self._wake = asyncio.Event()
        self._inflight: asyncio.Task[Any] | None = None
        self._ready_at: float | None = None

    # -- public (as Gateway) -----------------------------------------------------------

    async def run(self) -> None:
        """Poll until `close()`. Raises a `HubbubError` when retrying cannot help (a bad
        token, a server without `GET /ready`, a malformed request)."""
        attempt = 0
        while not self._closing:
            self._on_lifecycle(Connecting(url=self.url, attempt=attempt))
            self._ready_at = None
            try:
                await self._session()
            except _Stopped:
                break
            except _Resync:
                expired = self.cursor.wire
                self.cursor.reset()
                self._on_lifecycle(
                    Disconnected(code=None, reason="cursor expired", will_reconnect=True)
                )
                self._on_lifecycle(EventsMissed(cursor=expired))
                continue
            except HubbubError as exc:
                if self._closing:
                    break
                if not _transient(exc):
                    self._fail(f"{exc.code}: {exc}")
                    raise
                error = exc
            reason = f"{error.code}: {error}"
            if not self.reconnect:
                self._fail(reason)
                raise ServiceUnavailable(
                    f"polling failed ({reason})", code="gateway_closed"
                ) from error
            ready_at = self._ready_at
            if ready_at is not None and time.monotonic() - ready_at >= self.backoff.healthy_after:
                attempt = 0
            # Never sooner than a rate limit asked (capped: a bad server cannot park us).
            asked = min(error.retry_after, 300.0) if isinstance(error, RateLimited) else 0.0
            delay = max(self.backoff.delay(attempt), asked)
            attempt += 1
            self._on_lifecycle(
                Disconnected(code=None, reason=reason, will_reconnect=True, retry_in=delay)
            )
            _log.info("polling failed (%s); retrying in %.2fs", reason, delay)
            self.state = GatewayState.WAITING
            await self._sleep(delay)
        self.state = GatewayState.CLOSED

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        inflight = self._inflight
        if inflight is not None and not inflight.done():
            inflight.cancel()

    async def send(self, frame: dict[str, Any]) -> None:
        raise ServiceUnavailable(
            "the polling transport cannot send gateway frames; use transport='websocket'",
            code="transport_unsupported",
        )

    async def send_typing(self, room_id: int) -> None:
        # The server has no REST route for typing: it is a gateway op only.
        raise ServiceUnavailable(
            "typing indicators need the WebSocket transport (transport='websocket')",
            code="transport_unsupported",
        )

    # -- one session: ready, then polls ----------------------------------------------

    async def _session(self) -> None:
        self.state = GatewayState.CONNECTING
        resumed = self.cursor.wire is not None
        ready = await self._call(self._http.request("GET", "/ready"))
        if not isinstance(ready, dict):
            raise ServiceUnavailable("GET /ready answered no object", code="bad_ready")
        self._on_lifecycle(Connected(url=self.url))
        frame: dict[str, Any] = {**ready, "op": Op.READY.value, "resumed": resumed}
        self.cursor.on_ready(_opt_str(ready.get("cursor")), resumed=resumed)
        self.session_id = _opt_str(ready.get("session_id"))
        self.state = GatewayState.READY
        self._ready_at = time.monotonic()
        await self._on_ready(frame, resumed)
        replayed = 0
        catching_up = resumed
        while not self._closing:
            try:
                page = await self._poll(0.0 if catching_up else self.wait)
            except CursorExpired as exc:
                raise _Resync() from exc
            events = page.get("events")
            for envelope in events if isinstance(events, list) else ():
                if isinstance(envelope, dict) and await self._handle(envelope):
                    replayed += 1
            cursor = page.get("cursor")
            if isinstance(cursor, str) and cursor.isdigit():
                # The scan position: past events this user could never see, too.
                self.cursor.commit(int(cursor))
            if catching_up and not page.get("more"):
                catching_up = False
                if self._on_resumed is not None:
                    done = {
                        "op": Op.RESUMED.value,
                        "cursor": self.cursor.wire,
                        "replayed": replayed,
                    }
                    await self._on_resumed(done)
        raise _Stopped()

    async def _poll(self, wait: float) -> dict[str, Any]:
        page = await self._call(
            self._http.request(
                "GET",
                "/events",
                params={"cursor": self.cursor.wire, "wait": wait, "limit": self.limit},
                # The server may hold the request for `wait` seconds.
                timeout=wait + 10.0,
            )
        )
        if not isinstance(page, dict):
            raise ServiceUnavailable("GET /events answered no object", code="bad_event_page")
        return page

    async def _call(self, request: Awaitable[Any]) -> Any:
        """One request, cancelled by `close()` (a long-poll may otherwise hold it)."""
        if self._closing:
            raise _Stopped()
        self._inflight = asyncio.ensure_future(request)
        try:
            return await self._inflight
        except asyncio.CancelledError:
            if self._closing and not _cancelling():
                raise _Stopped() from None
            raise
        finally:
            self._inflight = None

    async def _handle(self, envelope: dict[str, Any]) -> bool:
        """Deliver one event unless the cursor has seen it; True when delivered."""
        seq = envelope.get("seq")
        if seq is not None and not isinstance(seq, int):
            _log.warning("ignoring an event with a non-integer seq: %r", seq)
            return False
        if not self.cursor.accept(seq):
            _log.debug("dropping duplicate event seq=%s (cursor %s)", seq, self.cursor.last_seq)
            return False
        try:
            await self._on_event({"op": Op.EVENT.value, **envelope})
        except Exception:
            # Committing anyway: a poison event must not be replayed forever.
            _log.exception("processing event seq=%s failed", seq)
        self.cursor.commit(seq)
        return True

    def _fail(self, reason: str) -> None:
        self.state = GatewayState.CLOSED
        self._on_lifecycle(Disconnected(code=None, reason=reason, will_reconnect=False))

    async def _sleep(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)


class _Stopped(Exception):
    """`close()` was called."""


def _transient(exc: HubbubError) -> bool:
    """Whether polling again later may succeed: the network, the server, a rate limit."""
    return isinstance(exc, RateLimited | ServiceUnavailable) or type(exc).status >= 500


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
