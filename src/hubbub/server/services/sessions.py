"""Sessions as objects (ID-04, ID-05, D.41): list, rename, revoke one, revoke all (but the
current); `session.*` events to the user; revocation closes the session's connections on
every node.

A session is a bearer token of kind `session` (a login) or `bot` (a bot's token); its id is
the token row's id, the `session_id` of `ready` and of `Ctx`.

Revoking is two steps so that any use case can do it inside its own job:
`revoke_sessions_txn` (inside `core.log.run`: deletes the tokens, emits `session.deleted` or
`session.deleted_all`) returns a `Revocation`, and `publish_revocation` (after the commit)
makes every node forget the tokens and close their gateway connections with
`session.logged_out` + close 4001. Logout, revoke, revoke-all and account wipes all use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.tokencache import TOKEN_REVOKED
from hubbub.server.store import sessions as store
from hubbub.server.store.log import Tx
from hubbub.server.store.sessions import SessionRow

log = logging.getLogger("hubbub.sessions")

MAX_NAME = 64
MAX_CLIENT = 64
# last_seen_at is written at most this often per session (per node).
TOUCH_EVERY_S = 60.0
_SEEN_KEY = "sessions.last_touch"
_MAX_SEEN = 100_000

# session.logged_out reasons (EVENTS.md C.2 #11).
LOGOUT, REVOKED, WIPED = "logout", "revoked", "wiped"


@dataclass(frozen=True, slots=True)
class Device:
    """What a login records about the session: the user's label for it, the client
    software, and the address it logged in from."""

    name: str = ""
    client: str = ""
    ip: str | None = None


def device(name: str | None, client: str | None, user_agent: str | None, ip: str | None) -> Device:
    """A checked Device: `name` and `client` at most 64 characters (refused beyond);
    without `client`, the User-Agent truncated to 64."""
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise ValidationError(
            f"session_name must be at most {MAX_NAME} characters", code="invalid_session_name"
        )
    if client is not None:
        client = client.strip()
        if len(client) > MAX_CLIENT:
            raise ValidationError(
                f"client must be at most {MAX_CLIENT} characters", code="invalid_client"
            )
    else:
        client = (user_agent or "").replace("\x00", "").strip()[:MAX_CLIENT]
    return Device(name=name, client=client, ip=None if ip is None else ip[:64])


# -- events ------------------------------------------------------------------------------


def _user_event(type_: str, user_id: int, data: dict[str, Any], actor: Any = None) -> LogEvent:
    return LogEvent(
        type=type_, audience=Audience.USER, data=data, target_user_id=user_id, actor=actor
    )


def open_session_txn(
    tx: Tx, *, user_id: int, token_hash: str, kind: str, device: Device | None = None
) -> SessionRow:
    """Store a new session (token) and emit `session.created` to its user."""
    dev = device or Device()
    row = store.insert_session_txn(
        tx.conn,
        user_id=user_id,
        token_hash=token_hash,
        kind=kind,
        name=dev.name,
        client=dev.client,
        ip=dev.ip,
        now_ms=tx.now_ms,
    )
    tx.emit(_user_event("session.created", user_id, {"session": row.event_wire()}))
    return row


# -- revocation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Revocation:
    """Sessions deleted by a committed job, for `publish_revocation`."""

    sessions: tuple[tuple[int, str], ...]  # (session id, token hash)
    reason: str

    def __len__(self) -> int:
        return len(self.sessions)


def session_not_found(session_id: int) -> NotFound:
    return NotFound(f"session {session_id} not found", code="session_not_found")


def revoke_sessions_txn(
    tx: Tx,
    user_id: int,
    *,
    session_id: int | None = None,
    keep_session_id: int | None = None,
    reason: str = REVOKED,
) -> Revocation:
    """Delete one session of `user_id` (`session_id`; NotFound `session_not_found` when it is
    not theirs) and emit `session.deleted`; or, without `session_id`, every session of the
    user except `keep_session_id` and emit `session.deleted_all` (nothing when there was
    none). Call `publish_revocation` with the result once the job has committed."""
    if session_id is not None:
        row = store.get_session(tx.conn, session_id)
        if row is None or row.user_id != user_id:
            raise session_not_found(session_id)
        rows = [row]
        event = _user_event("session.deleted", user_id, {"session_id": row.id})
    else:
        rows = [s for s in store.list_sessions(tx.conn, user_id) if s.id != keep_session_id]
        data = {"exclude_session_id": keep_session_id}
        event = _user_event("session.deleted_all", user_id, data)
    if not rows:
        return Revocation((), reason)
    store.delete_sessions_txn(tx.conn, rows)
    tx.emit(event)
    return Revocation(tuple((s.id, s.token_hash) for s in rows), reason)


def revoke_token_txn(tx: Tx, token_hash: str, reason: str = LOGOUT) -> Revocation:
    """Delete the session a token belongs to (logout); empty if there is none."""
    row = store.session_by_hash(tx.conn, token_hash)
    if row is None:
        return Revocation((), reason)
    return revoke_sessions_txn(tx, row.user_id, session_id=row.id, reason=reason)


def publish_revocation(core: Core, revocation: Revocation) -> None:
    """After the commit: forget the tokens here and tell every node (this one included) to
    forget them and close their connections (`session.logged_out`, close 4001)."""
    for session_id, token_hash in revocation.sessions:
        core.tokens.forget(token_hash)
        _seen(core).pop(session_id, None)
        core.publish_ephemeral(
            LogEvent(
                type=TOKEN_REVOKED,
                audience=Audience.USER,
                data={
                    "token_hash": token_hash,
                    "session_id": session_id,
                    "reason": revocation.reason,
                },
            )
        )


# -- use cases ---------------------------------------------------------------------------


async def list_sessions(core: Core, ctx: Ctx) -> list[dict[str, Any]]:
    rows = await core.db.read(lambda c: store.list_sessions(c, ctx.user_id))
    return [r.wire(ctx.session_id) for r in rows]


async def rename(core: Core, ctx: Ctx, session_id: int, name: str) -> dict[str, Any]:
    """Relabel one of the caller's sessions; `session.updated` to the user (ext: the
    catalogue has no rename event, and the other sessions' lists must follow)."""
    clean = device(name, "", None, None).name

    def job(tx: Tx) -> SessionRow:
        row = store.get_session(tx.conn, session_id)
        if row is None or row.user_id != ctx.user_id:
            raise session_not_found(session_id)
        if row.name == clean:
            return row
        store.rename_session_txn(tx.conn, session_id, clean)
        renamed = store.get_session(tx.conn, session_id)
        assert renamed is not None
        tx.emit(
            _user_event(
                "session.updated",
                ctx.user_id,
                {"session_id": session_id, "session": renamed.event_wire()},
            )
        )
        return renamed

    return (await core.log.run(job)).wire(ctx.session_id)


async def revoke(core: Core, ctx: Ctx, session_id: int) -> None:
    """Revoke one of the caller's sessions (the current one too: that is a logout)."""
    revocation = await core.log.run(
        lambda tx: revoke_sessions_txn(tx, ctx.user_id, session_id=session_id)
    )
    publish_revocation(core, revocation)


async def revoke_all(core: Core, ctx: Ctx, *, keep_current: bool) -> int:
    """Revoke every session of the caller, or every other one; how many were revoked."""
    keep = ctx.session_id if keep_current else None
    revocation = await core.log.run(
        lambda tx: revoke_sessions_txn(tx, ctx.user_id, keep_session_id=keep)
    )
    publish_revocation(core, revocation)
    return len(revocation)


# -- last seen ---------------------------------------------------------------------------


def _seen(core: Core) -> dict[int, float]:
    seen: dict[int, float] = core.extras.setdefault(_SEEN_KEY, {})
    return seen


def mark_seen(core: Core, session_id: int) -> None:
    """The session was just created or touched: no write needed for a while."""
    seen = _seen(core)
    if len(seen) >= _MAX_SEEN:
        seen.clear()
    seen[session_id] = core.clock.monotonic()


async def touch(core: Core, session_id: int) -> None:
    """Record the session's use as `last_seen_at`: at most once a minute per session on
    this node, so authenticated requests cost no write."""
    if session_id <= 0:
        return
    last = _seen(core).get(session_id)
    if last is not None and core.clock.monotonic() - last < TOUCH_EVERY_S:
        return
    mark_seen(core, session_id)
    try:  # rides the log writer's group commit; emits nothing
        await core.log.run(lambda tx: store.touch_session_txn(tx.conn, session_id, tx.now_ms))
    except Exception:  # a lost touch must never fail the request it rode on
        log.warning("could not record last_seen_at", exc_info=True)


def sessions_of(conn: Connection, user_id: int, current_session_id: int) -> list[dict[str, Any]]:
    """The user's sessions as `GET /sessions` lists them (a pure read, for `ready`)."""
    return [r.wire(current_session_id) for r in store.list_sessions(conn, user_id)]
