"""Typed SDK events of issue 3's search area, registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []

# Search and history are reads: they emit no events, so this module defines none. An
# edit, delete or move re-indexes through the message's own events (message.updated, …).
