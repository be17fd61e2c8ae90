"""The embedded bus: one process, so publishing is delivering."""

from __future__ import annotations

from hubbub.server.bus.base import Deliver, DeliverOne
from hubbub.server.events import LogEvent


class MemoryBus:
    def __init__(self) -> None:
        self._on_events: Deliver | None = None
        self._on_ephemeral: DeliverOne | None = None

    async def start(self, on_events: Deliver, on_ephemeral: DeliverOne) -> None:
        self._on_events = on_events
        self._on_ephemeral = on_ephemeral

    def publish(self, events: list[LogEvent]) -> None:
        if self._on_events is not None:
            self._on_events(events)

    def publish_ephemeral(self, event: LogEvent) -> None:
        if self._on_ephemeral is not None:
            self._on_ephemeral(event)

    async def stop(self) -> None:
        self._on_events = self._on_ephemeral = None
