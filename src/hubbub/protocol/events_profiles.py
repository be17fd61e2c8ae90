"""Typed SDK events of issue 5: profiles, statistics, account deletion/wipe and merge; registered
in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
