"""The async SDK: `Client` (facade) over http, gateway, cache, dispatch and objects."""

from __future__ import annotations

from hubbub.client.client import Client

__all__ = ["Client"]
