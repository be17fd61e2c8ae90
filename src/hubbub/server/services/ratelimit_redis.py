"""Rate-limit buckets and strike counters shared by every node through Redis.

    {prefix}rl:{key}    hash  t (tokens), ts (seconds of the last update)   a bucket
    {prefix}rl:{key}    hash  n (failures), start (window), until (lock)    a counter

Each update is one Lua script, so nodes racing for one bucket never both spend its last
token. Time is the caller's clock reading (epoch seconds) passed in, not Redis' TIME: the
injected clock drives tests, and a node whose clock lags never refills a bucket backwards
(`ts` only moves forward). Keys expire once a bucket would be full again anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis

from hubbub.server.services.presence_redis import split_url

if TYPE_CHECKING:
    from hubbub.server.services.ratelimit import Rule

# KEYS: buckets; ARGV: now, cost, then rate and burst per key. Takes `cost` from every
# bucket and returns "0", or takes nothing and returns the longest wait (as text: Lua
# numbers come back from Redis truncated to integers).
_TAKE = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local wait = 0
local levels = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  local v = redis.call('HMGET', key, 't', 'ts')
  local tokens = tonumber(v[1]) or burst
  local last = tonumber(v[2]) or now
  if now > last then
    tokens = math.min(burst, tokens + (now - last) * rate)
    last = now
  end
  if tokens < cost then
    wait = math.max(wait, (cost - tokens) / rate)
  end
  levels[i] = {tokens, last, rate, burst}
end
if wait > 0 then
  return tostring(wait)
end
for i, key in ipairs(KEYS) do
  local l = levels[i]
  redis.call('HSET', key, 't', tostring(l[1] - cost), 'ts', tostring(l[2]))
  redis.call('PEXPIRE', key, math.max(60000, math.ceil(l[4] / l[3] * 1000) + 1000))
end
return '0'
"""

# KEYS: counters; ARGV: now. The longest remaining lock, as text.
_LOCKED = """
local now = tonumber(ARGV[1])
local wait = 0
for _, key in ipairs(KEYS) do
  local u = tonumber(redis.call('HGET', key, 'until')) or 0
  wait = math.max(wait, u - now)
end
return tostring(wait)
"""

# KEYS[1]: a counter; ARGV: now, limit, window. Counts one failure; the limit-th within
# the window locks the key for a window.
_STRIKE = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'n', 'start', 'until')
local n = tonumber(v[1]) or 0
local start = tonumber(v[2]) or now
local lock = tonumber(v[3]) or 0
if now - start >= window then
  n = 0
  start = now
end
n = n + 1
if n >= limit then
  lock = now + window
end
redis.call('HSET', KEYS[1], 'n', n, 'start', tostring(start), 'until', tostring(lock))
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 2000) + 60000)
return n
"""


class RedisBuckets:
    """The shared backend of services.ratelimit.RateLimiter (one per node)."""

    def __init__(self, url: str, *, timeout_s: float = 0.5) -> None:
        plain, prefix = split_url(url)
        # Short timeouts: a stalled Redis must fail open quickly, not hold requests.
        self._redis: Any = aioredis.from_url(
            plain, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        self._p = prefix + "rl:"
        self._take = self._redis.register_script(_TAKE)
        self._locked = self._redis.register_script(_LOCKED)
        self._strike = self._redis.register_script(_STRIKE)

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def take(self, items: Sequence[tuple[str, Rule]], now: float, cost: float = 1.0) -> float:
        keys = [self._p + key for key, _ in items]
        args: list[Any] = [repr(now), repr(cost)]
        for _, rule in items:
            args += [repr(float(rule.rate)), str(rule.burst)]
        return _seconds(await self._take(keys=keys, args=args))

    async def locked_for(self, keys: Sequence[str], now: float) -> float:
        if not keys:
            return 0.0
        return _seconds(await self._locked(keys=[self._p + k for k in keys], args=[repr(now)]))

    async def strike(self, key: str, limit: int, window_s: float, now: float) -> None:
        await self._strike(keys=[self._p + key], args=[repr(now), str(limit), repr(window_s)])

    async def clear(self, key: str) -> None:
        await self._redis.delete(self._p + key)


def _seconds(raw: Any) -> float:
    value = float(raw.decode() if isinstance(raw, bytes) else raw)
    if math.isnan(value) or value <= 0:
        return 0.0
    return min(value, 365 * 86400.0)  # "inf" (a zero rate) as a long but finite wait
