"""The bus interface. The log writer publishes committed events (in seq order) after each
commit; every node's Sequencer receives them, in whatever order the engine delivers, and
hands them to the local gateway hub strictly in order and without gaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hubbub.server.events import LogEvent

Deliver = Callable[[list[LogEvent]], None]
DeliverOne = Callable[[LogEvent], None]


class Bus(Protocol):
    async def start(self, on_events: Deliver, on_ephemeral: DeliverOne) -> None:
        """Begin receiving: committed events go to `on_events`, ephemeral to `on_ephemeral`."""

    def publish(self, events: list[LogEvent]) -> None:
        """Committed events of one commit, in seq order. Never blocks the writer."""

    def publish_ephemeral(self, event: LogEvent) -> None:
        """An event that is never stored (typing); delivered live, best effort."""

    async def stop(self) -> None: ...
