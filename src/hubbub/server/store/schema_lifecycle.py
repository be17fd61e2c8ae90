"""Tables of issue 3's lifecycle area (see migrations/versions/*_lifecycle.py)."""

from __future__ import annotations

from hubbub.server.store.schema import metadata

__all__ = ["metadata"]
