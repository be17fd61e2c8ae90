"""The dependencies every use case needs, wired once by the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hubbub.server.clock import Clock
from hubbub.server.events import LogEvent
from hubbub.server.services.ratelimit import RateLimiter
from hubbub.server.services.tokencache import TokenCache
from hubbub.server.settings import Settings
from hubbub.server.store.engine import Database
from hubbub.server.store.log import LogWriter
from hubbub.server.store.users import UserRow


@dataclass(slots=True)
class Core:
    settings: Settings
    db: Database
    log: LogWriter
    clock: Clock
    # Fans out an ephemeral (never stored) event through the bus to every node.
    publish_ephemeral: Callable[[LogEvent], None]
    rate_limiter: RateLimiter
    tokens: TokenCache
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who is acting: the authenticated user and the session (token) they act through."""

    user: UserRow
    session_id: int

    @property
    def user_id(self) -> int:
        return self.user.id
