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
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, func, insert, select

from hubbub.errors import HubbubError, ServiceUnavailable
from hubbub.server.clock import Clock
from hubbub.server.events import LogEvent
from hubbub.server.store.engine import Database
from hubbub.server.store.schema import event_fanout, events, rooms

log = logging.getLogger("hubbub.log")

T = TypeVar("T")
MAX_BATCH = 512


class Tx:
    """What a job sees: the open connection, the batch's clock reading, and `emit`."""

    __slots__ = ("_events", "conn", "now_ms")

    def __init__(self, conn: Connection, now_ms: int) -> None:
        self.conn = conn
        self.now_ms = now_ms
        self._events: list[LogEvent] = []

    def emit(self, event: LogEvent) -> None:
        event.ts = self.now_ms
        self._events.append(event)


Job = Callable[[Tx], Any]
OnCommit = Callable[[list[LogEvent]], None]
# (future, succeeded, result or exception) per job of a batch
Outcome = tuple["asyncio.Future[Any]", bool, Any]


class LogWriter:
    def __init__(self, db: Database, clock: Clock, on_commit: OnCommit) -> None:
        self._db = db
        self._clock = clock
        self._on_commit = on_commit
        self._queue: asyncio.Queue[tuple[Job, asyncio.Future[Any]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._spaces = RoomSpaces()
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

    async def run(self, job: Callable[[Tx], T]) -> T:
        """Run `job` (a plain function: it must not await) in the next group commit and
        return its result once it is durable. HubbubErrors it raises reach the caller."""
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
        now = self._clock.now_ms()
        try:
            outcomes, committed = await self._db.write(
                lambda conn: _batch_txn(conn, batch, now, self._spaces)
            )
        except _JobFailed as failed:  # a lone job raised: its transaction is rolled back
            outcomes, committed = [(batch[0][1], False, failed.error)], []
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
            self._spaces.remember(committed)
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


class _JobFailed(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(repr(error))
        self.error = error


def _batch_txn(
    conn: Connection,
    batch: list[tuple[Job, asyncio.Future[Any]]],
    now: int,
    spaces: RoomSpaces,
) -> tuple[list[Outcome], list[LogEvent]]:
    """Every job of the batch, each in its own savepoint, then the batch's events with
    consecutive seqs after the current head (read under the write lock)."""
    seq = int(conn.execute(select(func.max(events.c.seq))).scalar() or 0)
    outcomes: list[Outcome] = []
    committed: list[LogEvent] = []
    single = len(batch) == 1
    for job, fut in batch:
        tx = Tx(conn, now)
        try:
            if single:  # the whole transaction rolls back on failure: no savepoint needed
                result = job(tx)
            else:
                with conn.begin_nested():
                    result = job(tx)
        except Exception as exc:
            if single:
                raise _JobFailed(exc) from None
            outcomes.append((fut, False, exc))
            continue
        for ev in tx._events:
            seq += 1
            ev.seq = seq
            if ev.space_id is None and ev.room_id is not None:
                ev.space_id = spaces.lookup(conn, ev.room_id)
        committed.extend(tx._events)
        outcomes.append((fut, True, result))
    if committed:
        conn.execute(insert(events), [_row(ev) for ev in committed])
        fanned = [row for ev in committed for row in _fanout_rows(ev)]
        if fanned:
            conn.execute(insert(event_fanout), fanned)
    return outcomes, committed


class RoomSpaces:
    """room → its space, for the envelope's `space_id`, so that services emitting room
    events need not look it up. A room never moves between spaces, so an answer never
    goes stale; the bound only keeps memory flat on a long-lived node. One per database."""

    MAX = 200_000

    def __init__(self) -> None:
        self._known: dict[int, int | None] = {}

    def lookup(self, conn: Connection, room_id: int) -> int | None:
        if room_id in self._known:
            return self._known[room_id]
        found = conn.execute(select(rooms.c.space_id).where(rooms.c.id == room_id)).first()
        return None if found is None else found[0]

    def remember(self, committed: list[LogEvent]) -> None:
        """Learn only from what committed: a rolled-back room's id may be reused (SQLite)."""
        if len(self._known) >= self.MAX:
            self._known.clear()
        for ev in committed:
            if ev.room_id is not None:
                self._known[ev.room_id] = ev.space_id


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
        "fanout": None if ev.fanout is None else ev.fanout.to_json(),
    }


def _fanout_rows(ev: LogEvent) -> list[dict[str, Any]]:
    fan = ev.fanout
    if fan is None:
        return []
    keyed = (("r", fan.rooms), ("s", fan.spaces), ("u", fan.users))
    return [{"kind": kind, "key": key, "seq": ev.seq} for kind, keys in keyed for key in keys]
