"""Typed SDK events of issue 5: relationships (friends, blocks), dms and groups; registered in
protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
