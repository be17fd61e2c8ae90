"""Token-bucket rate limits and brute-force counters on an injected clock.

    RateLimiter ── hit()            sync, this node's memory (legacy per-action callers)
               ├── take()/take_all() async, the shared backend: Redis in scale-out, else memory
               ├── locked_out()/strike()/clear()   login and registration counters
               └── FrameThrottle    a gateway connection's per-frame budget

A bucket holds up to `burst` tokens and refills at `rate` per second; a request takes one
or is refused with the seconds until one is free. `take_all` takes from several buckets at
once or from none (a request refused by its user bucket does not spend its IP token).
Strike counters lock a key for `window_s` once `limit` failures fell within one window.

With a Redis bus the buckets and counters live in Redis (services.ratelimit_redis), so
every node draws on one budget. When Redis fails, buckets fail open (the request passes,
the failure is logged) and counters fall back to this node's memory: never a 500.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from hubbub.errors import RateLimited, ValidationError
from hubbub.server.clock import Clock

if TYPE_CHECKING:
    from hubbub.server.services.ratelimit_redis import RedisBuckets
    from hubbub.server.settings import Settings

log = logging.getLogger("hubbub.ratelimit")
# Refill rates: a zero would make a bucket's wait infinite.
_RATES = (
    "messages_per_second",
    "rest_user_read_per_second",
    "rest_user_write_per_second",
    "rest_ip_read_per_second",
    "rest_ip_write_per_second",
    "gateway_frames_per_second",
    "gateway_user_frames_per_second",
)


@dataclass(frozen=True, slots=True)
class Rule:
    """`rate` tokens per second, at most `burst` saved up."""

    rate: float
    burst: int

    @property
    def full_after_s(self) -> float:
        return self.burst / self.rate if self.rate > 0 else math.inf


def key_str(key: Hashable) -> str:
    """A bucket key as text: tuples joined with ':' (the Redis key suffix)."""
    if isinstance(key, tuple):
        return ":".join(str(part) for part in key)
    return str(key)


class MemoryBuckets:
    """Buckets and strike counters in this process; `now` is in seconds."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        # key → (failures in the window, window start, locked until)
        self._strikes: dict[str, tuple[int, float, float]] = {}

    def _level(self, key: str, rule: Rule, now: float) -> tuple[float, float]:
        tokens, last = self._buckets.get(key, (float(rule.burst), now))
        if now > last:
            tokens = min(float(rule.burst), tokens + (now - last) * rule.rate)
        return tokens, max(now, last)

    def wait(self, items: Sequence[tuple[str, Rule]], now: float, cost: float = 1.0) -> float:
        """Seconds until every bucket has `cost` tokens (0: they have now); takes nothing."""
        wait = 0.0
        for key, rule in items:
            tokens, _ = self._level(key, rule, now)
            if tokens < cost:
                wait = max(wait, (cost - tokens) / rule.rate if rule.rate > 0 else math.inf)
        return wait

    def take(self, items: Sequence[tuple[str, Rule]], now: float, cost: float = 1.0) -> float:
        """Take `cost` from every bucket and return 0, or take nothing and return the wait."""
        wait = self.wait(items, now, cost)
        if wait > 0:
            return wait
        for key, rule in items:
            tokens, last = self._level(key, rule, now)
            self._buckets[key] = (tokens - cost, last)
        if len(self._buckets) > 100_000:
            self._prune(now, max(rule.full_after_s for _, rule in items))
        return 0.0

    def _prune(self, now: float, full_after_s: float) -> None:
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after_s}

    def locked_for(self, keys: Sequence[str], now: float) -> float:
        return max([0.0, *(self._strikes.get(k, (0, 0.0, 0.0))[2] - now for k in keys)])

    def strike(self, key: str, limit: int, window_s: float, now: float) -> None:
        count, start, until = self._strikes.get(key, (0, now, 0.0))
        if now - start >= window_s:
            count, start = 0, now
        count += 1
        self._strikes[key] = (count, start, now + window_s if count >= limit else until)
        if len(self._strikes) > 100_000:
            self._strikes = {
                k: v for k, v in self._strikes.items() if now - v[1] < window_s or v[2] > now
            }

    def clear(self, key: str) -> None:
        self._strikes.pop(key, None)


class RateLimiter:
    """Every bucket of the server. `rate`/`burst` are the default rule (message sends)."""

    def __init__(
        self,
        clock: Clock,
        *,
        rate: float,
        burst: int,
        enabled: bool = True,
        shared: RedisBuckets | None = None,
    ) -> None:
        self._clock = clock
        self.default = Rule(rate, burst)
        self.enabled = enabled
        self._local = MemoryBuckets()
        self._shared = shared
        self._warned_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> RateLimiter:
        """Memory buckets on one node; Redis ones when the bus is a redis:// URL."""
        for field in _RATES:
            if not getattr(settings, field) > 0:
                raise ValidationError(
                    f"setting {field!r} must be a positive number", code="invalid_setting"
                )
        shared = None
        if settings.bus.startswith(("redis://", "rediss://", "unix://")):
            from hubbub.server.services.ratelimit_redis import RedisBuckets

            shared = RedisBuckets(settings.bus)
        return cls(
            clock,
            rate=settings.messages_per_second,
            burst=settings.messages_burst,
            enabled=settings.rate_limits,
            shared=shared,
        )

    @property
    def clock(self) -> Clock:
        return self._clock

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.aclose()

    # -- buckets -----------------------------------------------------------------------

    def hit(self, key: Hashable, what: str = "messages") -> None:
        """Take one token for `key` from this node's memory, or raise RateLimited."""
        if not self.enabled:
            return
        wait = self._local.take([(key_str(key), self.default)], self._clock.monotonic())
        if wait > 0:
            raise _refused(what, wait, None)

    async def take(self, key: Hashable, what: str = "messages", rule: Rule | None = None) -> None:
        """Take one token from the shared bucket `key` (default rule), or raise."""
        await self.take_all([(key, rule or self.default)], what)

    async def take_all(
        self, items: Sequence[tuple[Hashable, Rule]], what: str, code: str | None = None
    ) -> None:
        """One token from every bucket, or none and RateLimited with the longest wait."""
        if not self.enabled or not items:
            return
        keyed = [(key_str(k), rule) for k, rule in items]
        wait = await self._take(keyed)
        if wait > 0:
            raise _refused(what, wait, code)

    async def _take(self, keyed: list[tuple[str, Rule]]) -> float:
        if self._shared is None:
            return self._local.take(keyed, self._clock.monotonic())
        try:
            return await self._shared.take(keyed, self._wall())
        except Exception as exc:  # fail open: a Redis outage must not refuse or break requests
            self._warn(exc)
            return 0.0

    def local_wait(self, key: Hashable, rule: Rule) -> float:
        """Seconds until this node's bucket `key` has a token; takes nothing."""
        if not self.enabled:
            return 0.0
        return self._local.wait([(key_str(key), rule)], self._clock.monotonic())

    def local_take(self, key: Hashable, rule: Rule) -> float:
        """Take a token from this node's bucket `key`: 0, or the wait (nothing taken)."""
        if not self.enabled:
            return 0.0
        return self._local.take([(key_str(key), rule)], self._clock.monotonic())

    # -- strike counters (brute force) -------------------------------------------------

    async def locked_out(self, keys: Sequence[Hashable]) -> float:
        """Seconds the longest lock among `keys` still holds (0: none is locked)."""
        names = [key_str(k) for k in keys]
        if self._shared is not None:
            try:
                return await self._shared.locked_for(names, self._wall())
            except Exception as exc:
                self._warn(exc)
        return self._local.locked_for(names, self._wall())

    async def strike(self, key: Hashable, limit: int, window_s: float) -> None:
        """Count a failure; the `limit`-th within one window locks `key` for `window_s`."""
        name = key_str(key)
        if self._shared is not None:
            try:
                await self._shared.strike(name, limit, window_s, self._wall())
                return
            except Exception as exc:
                self._warn(exc)
        self._local.strike(name, limit, window_s, self._wall())

    async def clear(self, key: Hashable) -> None:
        name = key_str(key)
        self._local.clear(name)
        if self._shared is not None:
            try:
                await self._shared.clear(name)
            except Exception as exc:
                self._warn(exc)

    # -- helpers -----------------------------------------------------------------------

    def _wall(self) -> float:
        # Nodes share wall time, not monotonic time: Redis entries carry epoch seconds.
        return self._clock.now_ms() / 1000.0

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 30.0:  # once per 30 s, not once per request
            self._warned_at = now
            log.warning("rate-limit backend unavailable, failing open: %r", exc)


def _refused(what: str, wait: float, code: str | None) -> RateLimited:
    retry_after = round(wait, 3) or 0.001
    return RateLimited(
        f"too many {what}; retry in {retry_after:.2f} s", retry_after=retry_after, code=code
    )


class FrameThrottle:
    """A gateway connection's budget: every client frame takes a token from the
    connection's bucket (this node) and the user's (shared across nodes). A refused
    frame is answered with an error frame; `max_refusals` within `window_s` close the
    connection (4008)."""

    def __init__(
        self, limiter: RateLimiter, settings: Settings, connection_id: str, user_id: int
    ) -> None:
        self._limiter = limiter
        self._conn_key = ("gw-conn", connection_id)
        self._conn_rule = Rule(settings.gateway_frames_per_second, settings.gateway_frames_burst)
        self._user_key = ("gw-user", user_id) if user_id > 0 else None  # anonymous: conn only
        self._user_rule = Rule(
            settings.gateway_user_frames_per_second, settings.gateway_user_frames_burst
        )
        self._max_refusals = settings.gateway_max_refusals
        self._window_s = settings.gateway_refusal_window_s
        self._refusals: deque[float] = deque()
        self._clock = limiter.clock

    async def admit(self) -> None:
        """Take this frame's tokens or raise RateLimited (counted as a refusal)."""
        try:
            wait = self._limiter.local_wait(self._conn_key, self._conn_rule)
            if wait > 0:
                raise _refused("frames", wait, None)
            if self._user_key is not None:
                await self._limiter.take(self._user_key, "frames", self._user_rule)
            self._limiter.local_take(self._conn_key, self._conn_rule)
        except RateLimited:
            self._refusals.append(self._clock.monotonic())
            raise

    def exhausted(self) -> bool:
        """Whether the client kept sending after refusals: time to close with 4008."""
        now = self._clock.monotonic()
        while self._refusals and now - self._refusals[0] > self._window_s:
            self._refusals.popleft()
        return len(self._refusals) >= self._max_refusals


def rate_limited_frame(err: RateLimited) -> str:
    """The gateway's error frame for a refusal: code, message and `retry_after` (also
    in `details`, as REST has it)."""
    return orjson.dumps(
        {
            "op": "error",
            "code": err.code,
            "message": err.message,
            "retry_after": err.retry_after,
            "details": err.details,
        }
    ).decode()
