"""Token-bucket rate limits, per node, on an injected clock."""

from __future__ import annotations

from collections.abc import Hashable

from hubbub.errors import RateLimited
from hubbub.server.clock import Clock


class RateLimiter:
    def __init__(self, clock: Clock, *, rate: float, burst: int, enabled: bool = True) -> None:
        self._clock = clock
        self._rate = rate
        self._burst = float(burst)
        self.enabled = enabled
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def hit(self, key: Hashable, what: str = "messages") -> None:
        """Take one token for `key` or raise RateLimited with the seconds until one is free."""
        if not self.enabled:
            return
        now = self._clock.monotonic()
        tokens, last = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens < 1.0:
            retry_after = round((1.0 - tokens) / self._rate, 3)
            raise RateLimited(
                f"too many {what}; retry in {retry_after:.2f} s", retry_after=retry_after
            )
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > 100_000:
            self._prune(now)

    def _prune(self, now: float) -> None:
        full = self._burst / self._rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
