"""Typed SDK events of issue 3's content area, registered in protocol.events' registry."""

from __future__ import annotations
