"""The event log writer: the only place that appends to `events`.

Every state change runs as a *job* `async def job(tx) -> T` inside the writer's current
transaction. The writer is a single task per process that takes every job queued while
the previous commit was running and commits them together (group commit): one fsync,
one lock acquisition, many writes. Each job runs inside a SAVEPOINT, so a job that raises
rolls back only its own writes and events; the others in the batch still commit.

Commit order equals seq order:
- SQLite: one writer task per process, `BEGIN IMMEDIATE` takes the database write lock
  before `max(seq)` is read, so even another process (the CLI) cannot interleave.
- PostgreSQL: every node's writer takes a transaction-scoped advisory lock before reading
  `max(seq)`; the lock is released by the commit itself, so the next node's batch can
  only read `max(seq)` after this batch is visible.
A reader that has seen seq n can therefore never later find a committed event below n.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hubbub.errors import HubbubError, ServiceUnavailable
from hubbub.server.clock import Clock
from hubbub.server.events import LogEvent
from hubbub.server.store.engine import IMMEDIATE, is_postgres
from hubbub.server.store.schema import events

log = logging.getLogger("hubbub.log")

T = TypeVar("T")
LOG_LOCK_KEY = 0x6875626275620002
MAX_BATCH = 512


class Tx:
    """What a job sees: the open connection, the batch's clock reading, and `emit`."""

    __slots__ = ("_events", "conn", "now_ms")

    def __init__(self, conn: AsyncConnection, now_ms: int) -> None:
        self.conn = conn
        self.now_ms = now_ms
        self._events: list[LogEvent] = []

    def emit(self, event: LogEvent) -> None:
        event.ts = self.now_ms
        self._events.append(event)


Job = Callable[[Tx], Awaitable[Any]]
OnCommit = Callable[[list[LogEvent]], None]


class LogWriter:
    def __init__(self, engine: AsyncEngine, clock: Clock, on_commit: OnCommit) -> None:
        self._engine = engine
        self._clock = clock
        self._on_commit = on_commit
        self._queue: asyncio.Queue[tuple[Job, asyncio.Future[Any]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._pg = is_postgres(engine)
        self.batches = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="hubbub-log-writer")

    async def stop(self) -> None:
        if self._task is None:
            return
        # Let queued jobs finish: their callers are waiting on them.
        await self._queue.join()
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def run(self, job: Callable[[Tx], Awaitable[T]]) -> T:
        """Run `job` in the next group commit; return its result once it is durable."""
        if self._task is None:
            raise ServiceUnavailable("the server is shutting down")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, fut))
        return await fut

    async def _loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit(self, batch: list[tuple[Job, asyncio.Future[Any]]]) -> None:
        outcomes: list[tuple[asyncio.Future[Any], bool, Any]] = []
        committed: list[LogEvent] = []
        try:
            async with self._engine.connect() as conn:
                conn = await conn.execution_options(**{IMMEDIATE: True})
                async with conn.begin():
                    if self._pg:
                        await conn.execute(
                            text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK_KEY}
                        )
                    head = (await conn.execute(select(func.max(events.c.seq)))).scalar()
                    seq = int(head or 0)
                    now = self._clock.now_ms()
                    for job, fut in batch:
                        tx = Tx(conn, now)
                        try:
                            async with conn.begin_nested():
                                result = await job(tx)
                        except Exception as exc:  # the job's savepoint is rolled back
                            outcomes.append((fut, False, exc))
                            continue
                        for ev in tx._events:
                            seq += 1
                            ev.seq = seq
                        committed.extend(tx._events)
                        outcomes.append((fut, True, result))
                    if committed:
                        await conn.execute(insert(events), [_row(ev) for ev in committed])
        except Exception as exc:
            log.exception("log commit failed; %d jobs rejected", len(batch))
            err = ServiceUnavailable("the event log is unavailable; retry shortly")
            err.__cause__ = exc
            for _job, fut in batch:
                if not fut.done():
                    fut.set_exception(err)
            return
        self.batches += 1
        if committed:
            try:
                self._on_commit(committed)
            except Exception:
                log.exception("publishing committed events failed")
        for fut, ok, value in outcomes:
            if fut.done():  # the caller went away (e.g. client disconnected)
                continue
            if ok:
                fut.set_result(value)
            else:
                if not isinstance(value, HubbubError):
                    log.error("job failed", exc_info=value)
                fut.set_exception(value)


def _row(ev: LogEvent) -> dict[str, Any]:
    actor = ev.actor_json
    return {
        "seq": ev.seq,
        "type": ev.type,
        "audience": ev.audience.value,
        "room_id": ev.room_id,
        "space_id": ev.space_id,
        "actor_id": ev.actor_id,
        "target_user_id": ev.target_user_id,
        "created_at": ev.ts,
        "actor": None if actor is None else actor.decode(),
        "data": ev.data_json.decode(),
    }
