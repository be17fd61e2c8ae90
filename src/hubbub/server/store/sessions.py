"""Sessions: a user's bearer tokens of kind `session` (password logins) and `bot` (a bot's
token), seen as objects (D.41). The session id is the token row's id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import tokens

# Token kinds that are sessions of their user (listed, renamed, revoked).
SESSION_KINDS = ("session", "bot")


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    user_id: int
    token_hash: str
    kind: str
    name: str
    client: str
    ip: str | None
    created_at: int
    last_used_at: int | None

    @classmethod
    def of(cls, row: RowMapping) -> SessionRow:
        return cls(
            id=int(row["id"]),
            user_id=int(row["user_id"]),
            token_hash=str(row["token_hash"]),
            kind=str(row["kind"]),
            name=str(row["name"] or ""),
            client=str(row["client"] or ""),
            ip=row["ip"],
            created_at=int(row["created_at"]),
            last_used_at=None if row["last_used_at"] is None else int(row["last_used_at"]),
        )

    @property
    def last_seen_ms(self) -> int:
        return self.last_used_at if self.last_used_at is not None else self.created_at

    def event_wire(self) -> dict[str, Any]:
        """The session as `session.created` carries it (no ip: events are not the owner's
        REST answer, and may be read back by any of the user's sessions)."""
        return {
            "id": self.id,
            "name": self.name,
            "client": self.client,
            "created_at": iso_ms(self.created_at),
            "last_seen_at": iso_ms(self.last_seen_ms),
        }

    def wire(self, current_session_id: int) -> dict[str, Any]:
        """The owner's view (`GET /sessions`): the event fields plus ip and `current`."""
        return {
            **self.event_wire(),
            "kind": self.kind,
            "ip": self.ip,
            "current": self.id == current_session_id,
        }


_COLS = [
    tokens.c.id,
    tokens.c.user_id,
    tokens.c.token_hash,
    tokens.c.kind,
    tokens.c.name,
    tokens.c.client,
    tokens.c.ip,
    tokens.c.created_at,
    tokens.c.last_used_at,
]


def insert_session_txn(
    conn: Connection,
    *,
    user_id: int,
    token_hash: str,
    kind: str,
    name: str,
    client: str,
    ip: str | None,
    now_ms: int,
) -> SessionRow:
    q = (
        insert(tokens)
        .values(
            user_id=user_id,
            token_hash=token_hash,
            kind=kind,
            name=name,
            client=client,
            ip=ip,
            created_at=now_ms,
        )
        .returning(*_COLS)
    )
    return SessionRow.of(conn.execute(q).mappings().one())


def list_sessions(conn: Connection, user_id: int) -> list[SessionRow]:
    q = (
        select(*_COLS)
        .where(tokens.c.user_id == user_id, tokens.c.kind.in_(SESSION_KINDS))
        .order_by(tokens.c.id)
    )
    return [SessionRow.of(r) for r in conn.execute(q).mappings()]


def get_session(conn: Connection, session_id: int) -> SessionRow | None:
    q = select(*_COLS).where(tokens.c.id == session_id, tokens.c.kind.in_(SESSION_KINDS))
    row = conn.execute(q).mappings().first()
    return None if row is None else SessionRow.of(row)


def session_by_hash(conn: Connection, token_hash: str) -> SessionRow | None:
    q = select(*_COLS).where(tokens.c.token_hash == token_hash)
    row = conn.execute(q).mappings().first()
    return None if row is None else SessionRow.of(row)


def rename_session_txn(conn: Connection, session_id: int, name: str) -> None:
    conn.execute(update(tokens).where(tokens.c.id == session_id).values(name=name))


def delete_sessions_txn(conn: Connection, sessions: Iterable[SessionRow]) -> None:
    ids = [s.id for s in sessions]
    if ids:
        conn.execute(delete(tokens).where(tokens.c.id.in_(ids)))


def touch_session_txn(conn: Connection, session_id: int, now_ms: int) -> None:
    conn.execute(update(tokens).where(tokens.c.id == session_id).values(last_used_at=now_ms))
