"""Connection counts shared by every node through Redis (scale-out presence).

    {prefix}presence:conn:{user}     hash  node → live connections of the user there
    {prefix}presence:node:{node}     set   users the node holds connections of
    {prefix}presence:nodes           hash  node → its last beat (ms, the node's clock)

A user's total is the sum of their hash. Each node beats on every tick; a node whose beat
is older than `presence_node_ttl_s` is presumed dead, and whichever survivor notices first
removes its fields (removal is idempotent, so several survivors may). A node stopping
cleanly sets its beat to 0: the survivors then drop its connections at their next tick,
exactly as for a crash. Updates of one user's hash are atomic Lua scripts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis

# KEYS: user hash, node set; ARGV: node, delta, user. Returns the user's new total.
_ADD = """
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SADD', KEYS[2], ARGV[3])
end
local t = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do t = t + tonumber(v) end
return t
"""

# KEYS: user hash; ARGV: node. Drops the node's field; returns the user's new total.
_DROP = """
redis.call('HDEL', KEYS[1], ARGV[1])
local t = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do t = t + tonumber(v) end
return t
"""


def split_url(url: str) -> tuple[str, str]:
    """(plain Redis URL, key prefix) from a bus URL with an optional `channel_prefix`."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    prefix = query.pop("channel_prefix", [""])[0]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True))), prefix


class RedisCounts:
    shared = True

    def __init__(self, url: str, node_ttl_s: float) -> None:
        plain, prefix = split_url(url)
        self._redis: Any = aioredis.from_url(plain)
        self._p = prefix + "presence:"
        self.node = uuid.uuid4().hex[:16]
        self._ttl_ms = int(node_ttl_s * 1000)
        self._local: dict[int, int] = {}  # this node's own counts, to re-publish if swept
        self._add = self._redis.register_script(_ADD)
        self._drop = self._redis.register_script(_DROP)

    def _user(self, user_id: int) -> str:
        return f"{self._p}conn:{user_id}"

    def _held(self, node: str) -> str:
        return f"{self._p}node:{node}"

    @property
    def _nodes(self) -> str:
        return f"{self._p}nodes"

    async def _change(self, user_id: int, delta: int) -> int:
        keys = [self._user(user_id), self._held(self.node)]
        return int(await self._add(keys=keys, args=[self.node, delta, user_id]))

    async def add(self, user_id: int) -> int:
        self._local[user_id] = self._local.get(user_id, 0) + 1
        return await self._change(user_id, 1)

    async def remove(self, user_id: int) -> int:
        left = self._local.get(user_id, 0) - 1
        if left > 0:
            self._local[user_id] = left
        else:
            self._local.pop(user_id, None)
        return await self._change(user_id, -1)

    async def totals(self, user_ids: Iterable[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.hvals(self._user(user_id))
            rows = await pipe.execute()
        return {u: sum(int(v) for v in vals) for u, vals in zip(ids, rows, strict=True)}

    async def beat(self, now_ms: int) -> list[tuple[int, int]]:
        beats = {
            (k.decode() if isinstance(k, bytes) else str(k)): int(v)
            for k, v in (await self._redis.hgetall(self._nodes)).items()
        }
        if self.node not in beats and self._local:
            await self._republish()  # presumed dead while it was only slow: count again
        await self._redis.hset(self._nodes, self.node, now_ms)
        lost: list[tuple[int, int]] = []
        for node, last in beats.items():
            if node != self.node and last < now_ms - self._ttl_ms:
                lost += [(u, last) for u in await self._sweep(node)]
        return lost

    async def _sweep(self, node: str) -> list[int]:
        """Drop a dead node's connections; the users left without any."""
        held = [int(u) for u in await self._redis.smembers(self._held(node))]
        gone = []
        for user_id in held:
            if int(await self._drop(keys=[self._user(user_id)], args=[node])) <= 0:
                gone.append(user_id)
        await self._redis.delete(self._held(node))
        await self._redis.hdel(self._nodes, node)
        return gone

    async def _republish(self) -> None:
        for user_id, count in self._local.items():
            await self._redis.hset(self._user(user_id), self.node, count)
            await self._redis.sadd(self._held(self.node), user_id)

    async def close(self, *, dead: bool) -> None:
        try:
            if dead:
                await self._redis.hset(self._nodes, self.node, 0)
        finally:
            await self._redis.aclose()
