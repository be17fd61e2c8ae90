"""Typed SDK events of issue 5: sessions as objects and anonymous read-only access; registered in
protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
