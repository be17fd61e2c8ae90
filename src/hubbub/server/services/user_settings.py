"""The per-user settings document (ST-01, D.21, D.44): key → any JSON value, each key with
the time it was last written; partial updates, last write wins per key.

    GET   /users/me/settings[?keys=a,b]   {"settings": {key: {"value", "updated_at"}}}
    PATCH /users/me/settings              {key: value | null}  (null clears the key)

A patch is checked whole before anything is written: keys match `[a-z0-9_.:-]{1,64}`, a
document holds at most 200 keys, a value is at most `max_setting_bytes` as encoded JSON
(413 `setting_too_large`). Bots have no settings (403 `bot_no_settings`). A patch that
changes something logs `user.settings.updated {changes, cleared, updated_at}` (USER).

Reserved key: `muted_users`, a list of user ids. Mentions and replies by a muted user
notify nobody who muted them (`muted_by_txn`, used where notifications are built).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from sqlalchemy import Connection

from hubbub.errors import BadRequest, Forbidden, PayloadTooLarge, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import user_settings as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx

KEY = re.compile(r"[a-z0-9_.:-]{1,64}")
MAX_KEYS = 200
MUTED_USERS = "muted_users"
MAX_MUTED = 1000
UPDATED = "user.settings.updated"


def _no_bots(ctx: Ctx) -> None:
    if ctx.user.bot:
        raise Forbidden("bot accounts have no settings", code="bot_no_settings")


def check_key(key: Any) -> str:
    if not isinstance(key, str) or KEY.fullmatch(key) is None:
        raise ValidationError(
            "setting keys are 1–64 characters of a-z 0-9 _ . : -",
            code="invalid_setting_key",
            details={"key": str(key)[:80]},
        )
    return key


def _document(rows: store.Rows) -> dict[str, Any]:
    return {k: {"value": orjson.loads(v), "updated_at": iso_ms(t)} for k, (v, t) in rows.items()}


def settings_for_ready(conn: Connection, user_id: int) -> dict[str, Any]:
    """The whole document, `{key: {value, updated_at}}`, for `ready` (not for bots)."""
    return _document(store.read(conn, user_id))


async def get(core: Core, ctx: Ctx, keys: list[str] | None = None) -> dict[str, Any]:
    _no_bots(ctx)
    wanted = None if keys is None else [check_key(k) for k in keys]
    rows = await core.db.read(lambda c: store.read(c, ctx.user_id, wanted))
    return {"settings": _document(rows)}


def _muted_ids(value: Any) -> list[int]:
    ok = isinstance(value, list) and len(value) <= MAX_MUTED
    ok = ok and all(isinstance(u, int) and not isinstance(u, bool) and u > 0 for u in value)
    if not ok or len(set(value)) != len(value):
        raise ValidationError(
            f"{MUTED_USERS} is a list of distinct user ids (at most {MAX_MUTED})",
            code="invalid_muted_users",
        )
    return list(value)


def _encode(core: Core, patch: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(key → JSON text to write, keys to clear), after checking every key and value."""
    if not isinstance(patch, dict):
        raise BadRequest("send a JSON object of key → value", code="invalid_settings")
    limit = core.settings.max_setting_bytes
    writes: dict[str, str] = {}
    clears: list[str] = []
    for key, value in patch.items():
        check_key(key)
        if value is None:
            clears.append(key)
            continue
        if key == MUTED_USERS:
            _muted_ids(value)
        text = orjson.dumps(value)
        if len(text) > limit:
            raise PayloadTooLarge(
                f"setting {key!r} is {len(text)} bytes encoded; the limit is {limit}",
                code="setting_too_large",
                details={"key": key, "limit": limit},
            )
        writes[key] = text.decode()
    return writes, clears


async def update(core: Core, ctx: Ctx, patch: dict[str, Any]) -> dict[str, Any]:
    """Apply a partial update; returns what changed: `{changes, cleared, updated_at}`."""
    _no_bots(ctx)
    writes, clears = _encode(core, patch)
    user_id = ctx.user_id

    def job(tx: Tx) -> dict[str, Any]:
        conn = tx.conn
        if MUTED_USERS in writes:
            ids = orjson.loads(writes[MUTED_USERS])
            known = users_store.existing_ids(conn, ids)
            if len(known) != len(ids):
                raise ValidationError(
                    f"{MUTED_USERS} names users that do not exist",
                    code="invalid_muted_users",
                    details={"unknown": sorted(set(ids) - known)},
                )
        cleared = sorted(store.existing_keys(conn, user_id, clears)) if clears else []
        new = set(writes) - store.existing_keys(conn, user_id, writes) if writes else set()
        total = store.count(conn, user_id) - len(cleared) + len(new)
        if new and total > MAX_KEYS:
            raise ValidationError(
                f"a settings document holds at most {MAX_KEYS} keys",
                code="too_many_settings",
                details={"limit": MAX_KEYS},
            )
        for key, text in writes.items():
            store.write_txn(conn, user_id, key, text, tx.now_ms)
        if cleared:
            store.clear_txn(conn, user_id, cleared)
        data = {
            "changes": {k: orjson.loads(v) for k, v in writes.items()},
            "cleared": cleared,
            "updated_at": iso_ms(tx.now_ms),
        }
        if writes or cleared:
            tx.emit(
                LogEvent(
                    type=UPDATED,
                    audience=Audience.USER,
                    target_user_id=user_id,
                    actor=ctx.user.snapshot(),
                    data=data,
                )
            )
        return data

    return await core.log.run(job)


def muted_by_txn(conn: Connection, author_id: int, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` whose `muted_users` holds `author_id`: they get no mention or
    reply notification from that author."""
    muted: set[int] = set()
    for user_id, text in store.values_of(conn, MUTED_USERS, user_ids).items():
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, list) and author_id in value:
            muted.add(user_id)
    return muted
