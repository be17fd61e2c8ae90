"""Typed SDK events of issue 6: the moderation pipeline: profanity filter, shadowbans, room freeze
and slow mode, pre-moderation queue, broadcast delay; registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
