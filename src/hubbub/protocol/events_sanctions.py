"""Typed SDK events of issue 6: sanctions: room bans (kick-mute, bounce, ban) and platform
suspensions; registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
