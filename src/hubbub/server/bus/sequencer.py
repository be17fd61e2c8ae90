"""Turns "events as the bus delivered them" into "every event, once, in seq order".

Pub/sub may reorder messages from different nodes, drop one, or deliver one twice. The
log is the truth: commit order equals seq order, so when seq n arrives every seq below n
is already committed and can be read. On a jump the sequencer reads the missing range
from the database; a periodic head check catches a lost message that no later one reveals.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial

from hubbub.server.bus.base import Deliver
from hubbub.server.events import LogEvent
from hubbub.server.store import eventlog
from hubbub.server.store.engine import Database

log = logging.getLogger("hubbub.sequencer")
FILL_PAGE = 5000


class Sequencer:
    def __init__(self, db: Database, deliver: Deliver, *, poll_s: float) -> None:
        self._db = db
        self._deliver = deliver
        self._poll_s = poll_s
        self.last = 0
        self._held: list[LogEvent] = []
        self._filling: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self.gaps_filled = 0
        self.on_gap: Callable[[int, int], None] | None = None  # (after, upto) for metrics/tests

    async def start(self) -> None:
        self.last = await self._db.read(eventlog.head)
        self._poller = asyncio.create_task(self._poll(), name="hubbub-sequencer-poll")

    async def stop(self) -> None:
        for task in (self._poller, self._filling):
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass

    def offer(self, events: list[LogEvent]) -> None:
        if self._filling is not None:
            self._held.extend(events)
            return
        ready: list[LogEvent] = []
        for i, ev in enumerate(events):
            assert ev.seq is not None
            if ev.seq <= self.last:
                continue  # a duplicate, or already read during a fill
            if ev.seq != self.last + 1:
                self._held.extend(events[i:])
                self._start_fill(ev.seq)
                break
            ready.append(ev)
            self.last = ev.seq
        if ready:
            self._deliver(ready)

    def _start_fill(self, upto: int) -> None:
        if self.on_gap is not None:
            self.on_gap(self.last, upto)
        self._filling = asyncio.create_task(self._fill(upto), name="hubbub-sequencer-fill")

    async def _fill(self, upto: int) -> None:
        try:
            while True:
                try:
                    while self.last < upto:
                        rows = await self._db.read(
                            partial(
                                eventlog.fetch_range,
                                after=self.last,
                                upto=min(upto, self.last + FILL_PAGE),
                            )
                        )
                        if not rows:
                            break
                        self.last = rows[-1].seq or self.last
                        self._deliver(rows)
                    break
                except Exception:
                    log.exception("gap fill failed; retrying")
                    await asyncio.sleep(0.5)
            self.gaps_filled += 1
        finally:
            self._filling = None
        held, self._held = self._held, []
        if held:
            self.offer(sorted(held, key=lambda e: e.seq or 0))

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_s)
            if self._filling is not None:
                continue
            try:
                head = await self._db.read(eventlog.head)
            except Exception:
                log.warning("log head check failed", exc_info=True)
                continue
            if head > self.last and self._filling is None:
                self._start_fill(head)
