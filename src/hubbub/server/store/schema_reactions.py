"""Tables of issue 3's reactions area (see migrations/versions/*_reactions.py)."""

from __future__ import annotations

from hubbub.server.store.schema import metadata

__all__ = ["metadata"]
