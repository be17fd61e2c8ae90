"""REST methods: sessions as objects (issue 5; D.41). Each returns wire models or raises the
typed error the server named. Anonymous read-only access needs no method of its own: a
client built without a token reads public rooms through the ordinary read methods."""

from __future__ import annotations

from hubbub.client.http_base import Requester
from hubbub.protocol.models_people import Session

__all__ = ["SessionsAPI"]


class SessionsAPI(Requester):
    async def sessions(self) -> list[Session]:
        """This user's sessions (logins, or a bot's token), oldest first; `current` marks
        the one this client uses. Each has `name`, `client`, `ip`, `created_at` and
        `last_seen_at` (updated at most once a minute)."""
        body = await self.request("GET", "/sessions")
        return [Session.model_validate(s) for s in body["sessions"]]

    async def rename_session(self, session_id: int, name: str) -> Session:
        """Relabel one of this user's sessions (≤ 64 characters; "" clears the label).
        Raises NotFound (`session_not_found`) for a session that is not this user's."""
        body = await self.request("PATCH", f"/sessions/{session_id}", json={"name": name})
        return Session.model_validate(body)

    async def revoke_session(self, session_id: int) -> None:
        """Revoke one of this user's sessions: its token stops working at once and its
        gateway connections get `SessionLoggedOut` and are closed. Revoking the current
        session is a logout. NotFound (`session_not_found`) for someone else's."""
        await self.request("DELETE", f"/sessions/{session_id}")

    async def revoke_other_sessions(self) -> int:
        """Revoke every session of this user except the current one; how many."""
        body = await self.request("DELETE", "/sessions", params={"keep_current": "true"})
        return int(body["revoked"])

    async def revoke_all_sessions(self) -> int:
        """Revoke every session of this user, the current one included (this client's
        token stops working too); how many."""
        body = await self.request("DELETE", "/sessions")
        return int(body["revoked"])
