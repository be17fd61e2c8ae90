"""Resolved bearer tokens, kept briefly so that a busy client does not cost a database read
per request. A logout anywhere evicts the token on every node at once (a bus message,
`TOKEN_REVOKED`); the TTL bounds how long a *lost* bus message could keep a revoked token
working on another node."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from hubbub.server.clock import Clock

if TYPE_CHECKING:  # core imports this module
    from hubbub.server.services.core import Ctx

TOKEN_REVOKED = "internal.token_revoked"
# A user's row changed (profile edit, rename): every node drops its cached copies, so the
# next request reads the new one (data: {"user_id"}).
USER_CHANGED = "internal.user_changed"


class TokenCache:
    def __init__(self, clock: Clock, *, ttl_s: float = 10.0, max_entries: int = 50_000) -> None:
        self._clock = clock
        self._ttl = ttl_s
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Ctx]] = OrderedDict()

    def get(self, token_hash: str) -> Ctx | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= self._clock.monotonic():
            del self._entries[token_hash]
            return None
        return entry[1]

    def put(self, token_hash: str, ctx: Ctx) -> None:
        self._entries[token_hash] = (self._clock.monotonic() + self._ttl, ctx)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, token_hash: str) -> None:
        self._entries.pop(token_hash, None)

    def forget_user(self, user_id: int) -> None:
        """Drop every cached token of one user (a scan: profile edits are rare)."""
        stale = [h for h, (_, ctx) in self._entries.items() if ctx.user.id == user_id]
        for token_hash in stale:
            del self._entries[token_hash]
