"""Typed SDK events of issue 5's sessions (EVENTS.md C.2 #8–#11, D.41), registered in
protocol.events' registry. All go to the user's own sessions (audience USER).

    ServerEvent
    └── SessionEvent              session_id
        ├── SessionCreated        session (a login, a registration or a bot token)
        ├── SessionUpdated        session (renamed; ext: not in the catalogue)
        ├── SessionDeleted        one session was revoked or logged out
        ├── SessionDeletedAll     every session but `exclude_session_id` (None: all)
        └── SessionLoggedOut      ephemeral, to the connections of the revoked session
                                  itself, right before the server closes them (4001);
                                  the client then stops reconnecting
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import ServerEvent, register
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_people import Session

__all__ = [
    "SessionCreated",
    "SessionDeleted",
    "SessionDeletedAll",
    "SessionEvent",
    "SessionLoggedOut",
    "SessionUpdated",
]


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(kw_only=True, eq=False)
class SessionEvent(ServerEvent):
    """Root of the session events; `session_id` is None only for `SessionDeletedAll`."""

    session_id: int | None


@dataclass(kw_only=True, eq=False)
class _WithSession(SessionEvent):
    """A session event that carries the session object itself."""

    session: Session

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        session = Session.model_validate(envelope.data["session"])
        return {"session": session, "session_id": session.id}


@register
@dataclass(kw_only=True, eq=False)
class SessionCreated(_WithSession):
    """A new session of this user: a login or registration elsewhere, or a bot's token."""

    type_name = "session.created"


@register
@dataclass(kw_only=True, eq=False)
class SessionUpdated(_WithSession):
    """One of this user's sessions was renamed."""

    type_name = "session.updated"


@register
@dataclass(kw_only=True, eq=False)
class SessionDeleted(SessionEvent):
    """One of this user's sessions was revoked or logged out."""

    type_name = "session.deleted"
    session_id: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {"session_id": int(envelope.data["session_id"])}


@register
@dataclass(kw_only=True, eq=False)
class SessionDeletedAll(SessionEvent):
    """Every session of this user was revoked but `exclude_session_id` (None: all of
    them, so this one is next to be logged out)."""

    type_name = "session.deleted_all"
    exclude_session_id: int | None = None

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        exclude = _opt_int(envelope.data.get("exclude_session_id"))
        return {"session_id": None, "exclude_session_id": exclude}


@register
@dataclass(kw_only=True, eq=False)
class SessionLoggedOut(SessionEvent):
    """This connection's own session ended (`reason`: logout | revoked | wiped). The
    server closes the connection (4001) next; the client does not reconnect."""

    type_name = "session.logged_out"
    session_id: int
    reason: str = "logout"

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {"session_id": int(d["session_id"]), "reason": str(d.get("reason") or "logout")}
