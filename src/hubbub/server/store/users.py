"""Users and their bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import tokens, users

# users.flags bits (D.32), sent both raw and as a decoded list.
USER_FLAGS: dict[str, int] = {"suspended": 1, "deleted": 2, "banned": 4, "spam": 8}


def flag_names(raw: int) -> list[str]:
    return [name for name, bit in USER_FLAGS.items() if raw & bit]


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    handle: str
    display_name: str
    avatar_url: str | None
    bot: bool
    owner_id: int | None
    created_at: int
    password_hash: str | None
    is_moderator: bool = False  # global staff (D.105)
    # People (issue 5): profile, chosen presence, flags (D.32), merges, deletion.
    about: str = ""
    status_text: str | None = None
    presence: str = "online"
    last_seen_at: int | None = None
    flags: int = 0
    reputation: int = 1
    merged_into: int | None = None
    deleted_at: int | None = None

    @classmethod
    def of(cls, row: RowMapping) -> UserRow:
        return cls(
            id=row["id"],
            handle=row["handle"],
            display_name=row["display_name"],
            avatar_url=row["avatar_url"],
            bot=bool(row["bot"]),
            owner_id=row["owner_id"],
            created_at=row["created_at"],
            password_hash=row["password_hash"],
            is_moderator=bool(row["is_moderator"]),
            about=row["about"] or "",
            status_text=row["status_text"],
            presence=row["presence"] or "online",
            last_seen_at=row["last_seen_at"],
            flags=int(row["flags"] or 0),
            reputation=int(row["reputation"] if row["reputation"] is not None else 1),
            merged_into=row["merged_into"],
            deleted_at=row["deleted_at"],
        )

    def wire(self) -> dict[str, Any]:
        """The full user object of the REST API and `ready`."""
        return {
            **self.snapshot(),
            "bot": self.bot,
            "is_moderator": self.is_moderator,
            "created_at": iso_ms(self.created_at),
            "about": self.about,
            "status_text": self.status_text,
            "flags": flag_names(self.flags),
            "raw_flags": self.flags,
            "reputation": self.reputation,
        }

    def snapshot(self) -> dict[str, Any]:
        """The actor/author snapshot of EVENTS.md C.1."""
        return {
            "id": self.id,
            "handle": self.handle,
            "display_name": self.display_name,
            "avatar_url": self.avatar_url,
        }


def insert_user_txn(
    conn: Connection,
    *,
    handle: str,
    display_name: str,
    password_hash: str | None,
    bot: bool,
    owner_id: int | None,
    now_ms: int,
) -> UserRow:
    values = {
        "handle": handle,
        "handle_key": handle.lower(),
        "display_name": display_name,
        "password_hash": password_hash,
        "bot": bot,
        "owner_id": owner_id,
        "created_at": now_ms,
    }
    if conn.dialect.name == "sqlite":
        # SQLite numbers a row max(rowid) + 1, which is 0 while only the reserved system
        # users (negative ids) exist; real accounts start at 1 as on PostgreSQL.
        top = conn.execute(select(func.max(users.c.id))).scalar()
        values["id"] = max(int(top or 0), 0) + 1
    result = conn.execute(insert(users).values(**values).returning(*users.c))
    return UserRow.of(result.mappings().one())


def handle_taken(conn: Connection, handle: str) -> bool:
    q = select(users.c.id).where(users.c.handle_key == handle.lower())
    return (conn.execute(q)).first() is not None


def get_user(conn: Connection, user_id: int) -> UserRow | None:
    row = (conn.execute(select(users).where(users.c.id == user_id))).mappings().first()
    return None if row is None else UserRow.of(row)


def get_user_by_handle(conn: Connection, handle: str) -> UserRow | None:
    q = select(users).where(users.c.handle_key == handle.lower())
    row = (conn.execute(q)).mappings().first()
    return None if row is None else UserRow.of(row)


def insert_token_txn(
    conn: Connection, *, user_id: int, token_hash: str, kind: str, name: str, now_ms: int
) -> None:
    conn.execute(
        insert(tokens).values(
            user_id=user_id, token_hash=token_hash, kind=kind, name=name, created_at=now_ms
        )
    )


def user_for_token(conn: Connection, token_hash: str) -> tuple[UserRow, int] | None:
    """The user a token belongs to, and the token's id (the session id)."""
    q = (
        select(users, tokens.c.id.label("token_id"))
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.token_hash == token_hash)
    )
    row = (conn.execute(q)).mappings().first()
    return None if row is None else (UserRow.of(row), int(row["token_id"]))


def touch_token_txn(conn: Connection, token_id: int, now_ms: int) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(last_used_at=now_ms))


def delete_token_txn(conn: Connection, token_hash: str) -> int | None:
    """Delete a token; its id (the session id), or None if there was no such token."""
    q = delete(tokens).where(tokens.c.token_hash == token_hash).returning(tokens.c.id)
    found = conn.execute(q).scalar()
    return None if found is None else int(found)


def set_moderator_txn(conn: Connection, user_id: int, value: bool) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(is_moderator=value))


def existing_ids(conn: Connection, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` that are accounts."""
    if not user_ids:
        return set()
    return {
        int(u) for u in conn.execute(select(users.c.id).where(users.c.id.in_(user_ids))).scalars()
    }
