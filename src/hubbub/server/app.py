"""create_app(settings): the ASGI app and the lifespan that wires store → log → bus → hub.

writer (group commit) ──publish──▶ bus (memory | redis) ──▶ sequencer (order, gaps)
                                                                │
                         long-poll waiters ◀── hub (audience) ◀─┘──▶ connections
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, FastAPI, Request, WebSocket
from fastapi.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from hubbub.server.api import (
    accounts,
    audit,
    commands,
    content,
    docs,
    emojis,
    errors,
    events,
    feeds,
    inbox,
    lifecycle,
    messages,
    moderation,
    music,
    presence,
    profiles,
    reactions,
    ready,
    relations,
    reports,
    roles,
    rooms,
    sanctions,
    schedule,
    search,
    sessions,
    spaces,
    throttle,
    voice,
    webhooks,
)
from hubbub.server.bus.base import Bus
from hubbub.server.bus.memory import MemoryBus
from hubbub.server.bus.redis import RedisBus
from hubbub.server.bus.sequencer import Sequencer
from hubbub.server.clock import Clock
from hubbub.server.events import LogEvent
from hubbub.server.gateway.endpoint import GatewaySession
from hubbub.server.gateway.hub import Hub
from hubbub.server.metrics import registry, render
from hubbub.server.services import (
    attachments,
    feed_poller,
    held,
    playback,
    retention,
    room_bans,
    room_state,
    suspensions,
)
from hubbub.server.services import schedule as schedule_service
from hubbub.server.services import voice as voice_service
from hubbub.server.services.core import Core
from hubbub.server.services.presence import make_tracker
from hubbub.server.services.ratelimit import RateLimiter
from hubbub.server.services.tokencache import TOKEN_REVOKED, USER_CHANGED, TokenCache
from hubbub.server.services.typing import TypingTracker
from hubbub.server.settings import Settings
from hubbub.server.store.engine import Database
from hubbub.server.store.log import LogWriter
from hubbub.server.web import routes as web_routes

log = logging.getLogger("hubbub")
API = "/api/v1"


def make_bus(url: str) -> Bus:
    if url in ("", "memory", "memory://"):
        return MemoryBus()
    if url.startswith(("redis://", "rediss://", "unix://")):
        # `channel_prefix` keeps several deployments (or test runs) on one Redis apart.
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        prefix = query.pop("channel_prefix", [""])[0]
        plain = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
        return RedisBus(plain, prefix=prefix)
    raise ValueError(f"unsupported bus URL {url!r}: use memory:// or redis://host:port/db")


class _BodyLimit:
    """Refuse oversized bodies from Content-Length before anything reads them (plain ASGI:
    Starlette's BaseHTTPMiddleware would add a task and a stream copy to every request)."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        per_path: Callable[[str], tuple[int, str] | None] | None = None,
    ) -> None:
        self._app = app
        self._limit = limit
        # Routes with their own (larger) limit and error code, e.g. attachment uploads.
        self._per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            special = None if self._per_path is None else self._per_path(scope["path"])
            limit, code = special or (self._limit, "payload_too_large")
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if not value.isdigit() or int(value) > limit:
                        response = errors.error_response(
                            413, code, f"request bodies are limited to {limit} bytes"
                        )
                        await response(scope, receive, send)
                        return
                    break
        await self._app(scope, receive, send)


async def _every(seconds: float, fn: Callable[[], Awaitable[Any]]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await fn()
        except Exception:
            log.exception("periodic task failed")


@functools.cache
def _api_routes() -> tuple[BaseRoute, ...]:
    """The REST routes, built once per process and shared by every app it creates.

    FastAPI analyses each included route (dependencies, body and response models) per
    inclusion, which costs far more than serving a request; an app that includes the
    routers itself pays it again for every instance — a test run creates a thousand.
    The routes hold no per-app state (handlers reach the app through the request)."""
    holder = APIRouter()
    for module in [
        accounts,
        rooms,
        messages,
        events,
        ready,
        content,
        reactions,
        lifecycle,
        search,
        commands,
        spaces,
        roles,
        emojis,
        webhooks,
        audit,
        profiles,
        sessions,
        relations,
        presence,
        inbox,
        moderation,
        reports,
        sanctions,
        voice,
        schedule,
        music,
        feeds,
    ]:
        holder.include_router(module.router, prefix=API, responses=errors.DOCUMENTED)
    return tuple(holder.routes)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings.load()
    clock = clock or Clock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database, sqlite_synchronous=settings.sqlite_synchronous)
        await db.migrate()
        hub = Hub()
        tokens = TokenCache(clock)

        def deliver(events: list[LogEvent]) -> None:
            # A suspension change reaches every node through its log: each drops its
            # cached copies of the user, whose flags changed (services.suspensions).
            for ev in events:
                if ev.type in suspensions.USER_FLAG_EVENTS and ev.target_user_id is not None:
                    tokens.forget_user(ev.target_user_id)
            hub.deliver(events)

        sequencer = Sequencer(db, deliver, poll_s=settings.gap_poll_s)
        await sequencer.start()
        hub.last_seq = sequencer.last

        def on_ephemeral(ev: LogEvent) -> None:
            if ev.type == TOKEN_REVOKED:  # node-to-node: never fanned out to clients
                data = ev.payload
                tokens.forget(str(data["token_hash"]))
                if data.get("session_id") is not None:
                    reason = str(data.get("reason") or "logout")
                    hub.close_session(int(data["session_id"]), reason)
            elif ev.type == USER_CHANGED:  # node-to-node as well
                tokens.forget_user(int(ev.payload["user_id"]))
            else:
                hub.deliver_ephemeral(ev)

        bus = make_bus(settings.bus)
        await bus.start(sequencer.offer, on_ephemeral)
        writer = LogWriter(db, clock, bus.publish)
        writer.start()
        # Shared through Redis when the bus is (services.ratelimit_redis).
        limiter = RateLimiter.from_settings(settings, clock)
        core = Core(settings, db, writer, clock, bus.publish_ephemeral, limiter, tokens)
        typing = TypingTracker(core)
        core.extras.update(hub=hub, typing=typing, bus=bus, sequencer=sequencer)
        tracker = make_tracker(core)
        core.extras["presence"] = tracker
        await tracker.start()
        app.state.core = core
        app.state.metrics = registry(hub, writer, sequencer)

        async def expire_typing() -> None:
            typing.expire_due()

        async def prune() -> None:
            await retention.prune(core)

        tickers = [
            asyncio.create_task(_every(0.5, expire_typing)),
            asyncio.create_task(_every(3600, prune)),
            asyncio.create_task(_every(3600, lambda: attachments.collect_garbage(core))),
            asyncio.create_task(_every(1.0, tracker.tick)),
            # Room bans and suspensions that reached their expiry (logged once).
            asyncio.create_task(_every(1.0, lambda: room_bans.expire_due(core))),
            asyncio.create_task(_every(1.0, lambda: suspensions.expire_due(core))),
            # Room timeouts that ran out and held messages due (logged once; pipeline).
            asyncio.create_task(_every(1.0, lambda: room_state.expire_due(core))),
            asyncio.create_task(_every(0.5, lambda: held.release_due(core))),
            # Voice states that outlived their user's access or connection; reminders of
            # scheduled events that came due (each logged once across nodes).
            asyncio.create_task(_every(1.0, lambda: voice_service.sweep(core))),
            asyncio.create_task(_every(1.0, lambda: schedule_service.remind_due(core))),
            # Music rooms: tracks whose duration elapsed end, the next starts (once).
            asyncio.create_task(_every(0.5, lambda: playback.advance_due(core))),
        ]
        if settings.feed_poller:  # RSS/Atom polling is off by default (D.23)
            every = min(30.0, settings.feed_poll_interval_s)
            tickers.append(asyncio.create_task(_every(every, lambda: feed_poller.poll_once(core))))
        try:
            yield
        finally:
            for task in tickers:
                task.cancel()
            # Before the connections drop: this node's users are left to the other nodes
            # (or to the next start) to take offline, as after a crash.
            with contextlib.suppress(Exception):
                await tracker.stop()
            hub.drop_all(1001, "server shutting down")
            await asyncio.sleep(0)
            await writer.stop()
            await bus.stop()
            await sequencer.stop()
            with contextlib.suppress(Exception):
                await limiter.aclose()
            with contextlib.suppress(Exception):
                await db.dispose()

    app = FastAPI(
        title="hubbub",
        version="0.1.0",
        description="Self-hosted realtime chat: REST API and WebSocket gateway (`/gateway`).",
        lifespan=lifespan,
        docs_url=None,  # served by api.docs from local files instead of a CDN
        redoc_url=None,
    )
    app.add_middleware(
        _BodyLimit, limit=settings.max_body_bytes, per_path=lifecycle.body_limit(settings)
    )
    # Outermost: rate limits per IP and user before anything else runs (api.throttle).
    app.add_middleware(throttle.Throttle, settings=settings)
    errors.install(app)
    docs.install(app)
    app.router.routes.extend(_api_routes())
    app.router.routes.extend(web_routes())  # the web client at `/` (issue 9)

    @app.get("/healthz", tags=["ops"])
    async def healthz(request: Request) -> dict[str, Any]:
        core: Core = request.app.state.core
        return {"status": "ok", "seq": core.extras["sequencer"].last}

    @app.get("/metrics", tags=["ops"], response_class=Response)
    async def metrics(request: Request) -> Response:
        return Response(render(request.app.state.metrics), media_type="text/plain; version=0.0.4")

    @app.websocket("/gateway")
    async def gateway(ws: WebSocket) -> None:
        core: Core = ws.app.state.core
        await GatewaySession(ws, core, core.extras["hub"], core.extras["typing"]).run()

    return app
