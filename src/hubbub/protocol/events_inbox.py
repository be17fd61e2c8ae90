"""Typed SDK events of issue 5: invitations addressed to a user and global notifications;
registered in protocol.events' registry."""

from __future__ import annotations

__all__: list[str] = []
