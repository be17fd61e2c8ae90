"""Tables of issue 3's search area (see migrations/versions/*_search.py)."""

from __future__ import annotations

from hubbub.server.store.schema import metadata

__all__ = ["metadata"]
