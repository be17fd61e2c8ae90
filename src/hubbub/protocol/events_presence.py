"""Typed SDK events of issue 5: presence (global and per room) and the user settings document;
registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
