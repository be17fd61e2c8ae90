"""Typed SDK events of issue 6: reports and flags; registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
