"""The per-user settings document (ST-01): one row per key, its JSON text and when it was
last written."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, func, insert, select, update

from hubbub.server.store.schema_people import user_settings

# key → (JSON text, updated_at ms)
Rows = dict[str, tuple[str, int]]


def read(conn: Connection, user_id: int, keys: Iterable[str] | None = None) -> Rows:
    q = select(user_settings.c.key, user_settings.c.value, user_settings.c.updated_at).where(
        user_settings.c.user_id == user_id
    )
    if keys is not None:
        q = q.where(user_settings.c.key.in_(sorted(set(keys))))
    return {str(k): (str(v), int(t)) for k, v, t in conn.execute(q.order_by(user_settings.c.key))}


def count(conn: Connection, user_id: int) -> int:
    q = select(func.count()).select_from(user_settings).where(user_settings.c.user_id == user_id)
    return int(conn.execute(q).scalar() or 0)


def existing_keys(conn: Connection, user_id: int, keys: Iterable[str]) -> set[str]:
    q = select(user_settings.c.key).where(
        user_settings.c.user_id == user_id, user_settings.c.key.in_(sorted(set(keys)))
    )
    return {str(k) for k in conn.execute(q).scalars()}


def write_txn(conn: Connection, user_id: int, key: str, value: str, now_ms: int) -> None:
    done = conn.execute(
        update(user_settings)
        .where(user_settings.c.user_id == user_id, user_settings.c.key == key)
        .values(value=value, updated_at=now_ms)
    )
    if done.rowcount == 0:
        conn.execute(
            insert(user_settings).values(user_id=user_id, key=key, value=value, updated_at=now_ms)
        )


def clear_txn(conn: Connection, user_id: int, keys: Iterable[str]) -> None:
    conn.execute(
        delete(user_settings).where(
            user_settings.c.user_id == user_id, user_settings.c.key.in_(sorted(set(keys)))
        )
    )


def values_of(conn: Connection, key: str, user_ids: Iterable[int]) -> dict[int, str]:
    """One key's JSON text for each of `user_ids` who set it."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    q = select(user_settings.c.user_id, user_settings.c.value).where(
        user_settings.c.key == key, user_settings.c.user_id.in_(ids)
    )
    return {int(u): str(v) for u, v in conn.execute(q)}
