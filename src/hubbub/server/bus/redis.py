"""The scale-out bus: Redis pub/sub between nodes sharing one PostgreSQL database.

Each commit's events travel as one message on `hubbub:events` (rows in the log's own
shape, `data` kept as the JSON text it is stored as). Losing a message is survivable by
design: the Sequencer refills any gap from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
import redis.asyncio as aioredis

from hubbub.server.bus.base import Deliver, DeliverOne
from hubbub.server.events import Audience, Fanout, LogEvent

log = logging.getLogger("hubbub.bus.redis")
EVENTS = "hubbub:events"
EPHEMERAL = "hubbub:ephemeral"


def encode(events: list[LogEvent]) -> bytes:
    return orjson.dumps(
        [
            {
                "seq": ev.seq,
                "type": ev.type,
                "audience": ev.audience.value,
                "room_id": ev.room_id,
                "space_id": ev.space_id,
                "target_user_id": ev.target_user_id,
                "created_at": ev.ts,
                "actor": ev.actor,
                "data": orjson.Fragment(ev.data_json),
                "fanout": None if ev.fanout is None else orjson.Fragment(ev.fanout.to_json()),
            }
            for ev in events
        ]
    )


def _fanout(raw: dict[str, list[int]] | None) -> Fanout | None:
    if raw is None:
        return None
    return Fanout(frozenset(raw["rooms"]), frozenset(raw["spaces"]), frozenset(raw["users"]))


def decode(payload: bytes) -> list[LogEvent]:
    out = []
    for row in orjson.loads(payload):
        ev = LogEvent(
            type=row["type"],
            audience=Audience(row["audience"]),
            data=row["data"],
            room_id=row["room_id"],
            space_id=row["space_id"],
            actor=row["actor"],
            target_user_id=row["target_user_id"],
            seq=row["seq"],
            ts=row["created_at"],
            fanout=_fanout(row.get("fanout")),
        )
        out.append(ev)
    return out


class RedisBus:
    def __init__(self, url: str, prefix: str = "") -> None:
        self._url = url
        self._events_channel = prefix + EVENTS
        self._ephemeral_channel = prefix + EPHEMERAL
        self._redis: aioredis.Redis | None = None
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._on_events: Deliver | None = None
        self._on_ephemeral: DeliverOne | None = None
        # Tests set this to lose the next N event messages on purpose.
        self.drop_next = 0
        self.subscribed = asyncio.Event()

    async def start(self, on_events: Deliver, on_ephemeral: DeliverOne) -> None:
        self._on_events = on_events
        self._on_ephemeral = on_ephemeral
        self._redis = aioredis.from_url(self._url)
        await self._redis.ping()
        self._tasks = [
            asyncio.create_task(self._send_loop(), name="hubbub-redis-send"),
            asyncio.create_task(self._receive_loop(), name="hubbub-redis-receive"),
        ]
        await asyncio.wait_for(self.subscribed.wait(), timeout=10)

    def publish(self, events: list[LogEvent]) -> None:
        if self.drop_next > 0:
            self.drop_next -= 1
            return
        self._outbox.put_nowait((self._events_channel, encode(events)))

    def publish_ephemeral(self, event: LogEvent) -> None:
        self._outbox.put_nowait((self._ephemeral_channel, encode([event])))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._redis is not None:
            await self._redis.aclose()

    async def _send_loop(self) -> None:
        assert self._redis is not None
        while True:
            channel, payload = await self._outbox.get()
            try:
                await self._redis.publish(channel, payload)
            except Exception:
                # Lost: peers catch up from the database (sequencer head poll).
                log.warning("redis publish failed", exc_info=True)

    async def _receive_loop(self) -> None:
        assert self._redis is not None
        delay = 0.1
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self._events_channel, self._ephemeral_channel)
                self.subscribed.set()
                delay = 0.1
                async for message in pubsub.listen():
                    self._handle(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("redis subscription lost; resubscribing", exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _handle(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        channel = message["channel"]
        channel = channel.decode() if isinstance(channel, bytes) else channel
        try:
            events = decode(message["data"])
        except Exception:
            log.warning("undecodable bus message dropped", exc_info=True)
            return
        if channel == self._events_channel and self._on_events is not None:
            self._on_events(events)
        elif channel == self._ephemeral_channel and self._on_ephemeral is not None:
            for ev in events:
                self._on_ephemeral(ev)
