"""Prometheus `/metrics`: read live from the node's components at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from hubbub.server.bus.sequencer import Sequencer
from hubbub.server.gateway.hub import Hub
from hubbub.server.store.log import LogWriter


class _Collector:
    def __init__(self, hub: Hub, writer: LogWriter, sequencer: Sequencer) -> None:
        self._hub, self._writer, self._seq = hub, writer, sequencer

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "hubbub_gateway_connections",
            "Open gateway connections",
            value=len(self._hub.connections),
        )
        yield CounterMetricFamily(
            "hubbub_gateway_deliveries",
            "Event frames queued to connections",
            value=self._hub.delivered,
        )
        yield GaugeMetricFamily("hubbub_log_head_seq", "Last seq fanned out", value=self._seq.last)
        yield CounterMetricFamily(
            "hubbub_log_commits", "Group commits of the log writer", value=self._writer.batches
        )
        yield CounterMetricFamily(
            "hubbub_bus_gaps_filled", "Gaps refilled from the database", value=self._seq.gaps_filled
        )


def registry(hub: Hub, writer: LogWriter, sequencer: Sequencer) -> CollectorRegistry:
    reg = CollectorRegistry(auto_describe=False)
    reg.register(_Collector(hub, writer, sequencer))
    return reg


def render(reg: CollectorRegistry) -> bytes:
    return generate_latest(reg)
