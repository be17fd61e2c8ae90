"""Wire models of issue 5's sessions (D.41)."""

from __future__ import annotations

from hubbub.protocol.models import Timestamp, WireModel

__all__ = ["Session"]


class Session(WireModel):
    """One login (or a bot's token) of a user. `ip`, `kind` and `current` come with
    `GET /sessions` (the owner's view); `session.created` carries the other fields."""

    id: int
    name: str = ""
    client: str = ""
    created_at: Timestamp
    last_seen_at: Timestamp
    ip: str | None = None
    kind: str = "session"  # session (a login) | bot (a bot's token)
    current: bool = False
