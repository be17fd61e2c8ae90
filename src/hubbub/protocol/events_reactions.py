"""Typed SDK events of issue 3's reactions area, registered in protocol.events' registry."""

from __future__ import annotations
