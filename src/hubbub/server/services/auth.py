"""Accounts and tokens: register, log in and out, bots, and resolving a bearer token."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from hubbub.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationError,
    reject_nul,
)
from hubbub.server.services import sessions
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.sessions import Device
from hubbub.server.services.system_users import SYSTEM_HANDLES
from hubbub.server.store import users as store
from hubbub.server.store.log import Tx
from hubbub.server.store.profiles import resolve
from hubbub.server.store.users import UserRow

HANDLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,31}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
TOKEN_PREFIX = "hbb_"

_HASHERS = {
    "standard": PasswordHasher(),  # argon2id with the library's recommended parameters
    # Test servers register thousands of throwaway accounts; the hash stays argon2id.
    "fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}
_hasher = _HASHERS["standard"]


def hasher(core: Core) -> PasswordHasher:
    found = _HASHERS.get(core.settings.password_hashing)
    if found is None:
        raise ValidationError(
            f"password_hashing must be one of {', '.join(_HASHERS)}", code="invalid_setting"
        )
    return found


# Verified against when the user does not exist, so timing does not reveal valid handles.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def new_token() -> tuple[str, str]:
    """A fresh bearer token (256 random bits) and the hash that is stored for it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(row: Mapping[Any, Any] | None, token: str) -> bool:
    """Whether `token` hashes to the row's `token_hash` (webhook and feed secrets).
    Compared in constant time, and a missing row still pays for the hash, so a caller
    cannot tell "no such id" from "wrong token" by timing."""
    given = hash_token(token)
    expected = "" if row is None else str(row["token_hash"])
    return hmac.compare_digest(given, expected) and row is not None


# `@everyone` and `@here` address a whole room; no account may answer to them, nor to the
# system users' handles (services.system_users).
RESERVED_HANDLES = frozenset({"everyone", "here"}) | SYSTEM_HANDLES


def check_handle(handle: str) -> None:
    """A handle as registration and renames accept it (ValidationError otherwise)."""
    if not HANDLE.match(handle):
        raise ValidationError(
            "username must be 2–32 characters: letters, digits, '_', '.', '-' "
            "(not starting with '.' or '-')",
            code="invalid_username",
        )
    if handle.lower() in RESERVED_HANDLES:
        raise ValidationError(f"the username {handle!r} is reserved", code="username_reserved")


def _check_display_name(name: str) -> str:
    name = reject_nul(name, "display_name").strip()
    if not 1 <= len(name) <= 64:
        raise ValidationError("display_name must be 1–64 characters", code="invalid_display_name")
    return name


async def _create_user(
    core: Core,
    *,
    handle: str,
    display_name: str | None,
    password_hash: str | None,
    bot: bool,
    owner_id: int | None,
    token_kind: str,
    device: Device | None = None,
) -> tuple[UserRow, str]:
    check_handle(handle)
    name = _check_display_name(display_name if display_name is not None else handle)
    token, token_hash = new_token()

    def job(tx: Tx) -> tuple[UserRow, int]:
        if store.handle_taken(tx.conn, handle):
            raise Conflict(f"username {handle!r} is taken", code="username_taken")
        user = store.insert_user_txn(
            tx.conn,
            handle=handle,
            display_name=name,
            password_hash=password_hash,
            bot=bot,
            owner_id=owner_id,
            now_ms=tx.now_ms,
        )
        session = sessions.open_session_txn(
            tx, user_id=user.id, token_hash=token_hash, kind=token_kind, device=device
        )
        return user, session.id

    try:
        user, session_id = await core.log.run(job)
    except IntegrityError as exc:  # two nodes racing for one handle
        raise Conflict(f"username {handle!r} is taken", code="username_taken") from exc
    sessions.mark_seen(core, session_id)
    return user, token


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationError(
            f"password must be {MIN_PASSWORD}–{MAX_PASSWORD} characters", code="invalid_password"
        )


async def register(
    core: Core,
    username: str,
    password: str,
    display_name: str | None = None,
    device: Device | None = None,
) -> tuple[UserRow, str]:
    check_handle(username)
    _check_password(password)
    await _count_registration(core, device.ip if device is not None else None)
    # argon2 is deliberately slow: keep it off the event loop.
    pw_hash = await asyncio.to_thread(hasher(core).hash, password)
    return await _create_user(
        core,
        handle=username,
        display_name=display_name,
        password_hash=pw_hash,
        bot=False,
        owner_id=None,
        token_kind="session",
        device=device,
    )


async def login(
    core: Core, username: str, password: str, device: Device | None = None
) -> tuple[UserRow, str]:
    guards = _login_keys(core, username, device.ip if device is not None else None)
    await _refuse_locked(core, guards)
    user = await core.db.read(lambda c: store.get_user_by_handle(c, username))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        # Any profile verifies any hash: the parameters are inside the hash.
        await asyncio.to_thread(hasher(core).verify, stored, password)
        ok = user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        # Counted alike whether the username exists or not: nothing to learn from it.
        for key, limit in guards:
            await core.rate_limiter.strike(key, limit, core.settings.login_window_s)
        raise Unauthorized("wrong username or password", code="invalid_credentials")
    for key, _ in guards:
        if key[0] == "login-user":  # a success forgives the username, not the IP
            await core.rate_limiter.clear(key)
    if user.deleted_at is not None or user.merged_into is not None:
        # A wiped account, or one merged into another (whose own login is the way in).
        raise Unauthorized("this account is closed", code="account_closed")
    token, token_hash = new_token()

    def job(tx: Tx) -> int:
        row = sessions.open_session_txn(
            tx, user_id=user.id, token_hash=token_hash, kind="session", device=device
        )
        return row.id

    sessions.mark_seen(core, await core.log.run(job))
    return user, token


# -- brute force (issue 6): counters on core.rate_limiter, shared across nodes ----------


def _login_keys(core: Core, username: str, ip: str | None) -> list[tuple[tuple[str, str], int]]:
    """The counters a login attempt answers to, with their limits: the username's (hashed:
    no raw guesses in Redis) and the client IP's. None when limits are off."""
    s = core.settings
    if not core.rate_limiter.enabled:
        return []
    keys: list[tuple[tuple[str, str], int]] = []
    if s.login_max_failures_per_user > 0:
        name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        keys.append((("login-user", name), s.login_max_failures_per_user))
    if s.login_max_failures_per_ip > 0 and ip:
        keys.append((("login-ip", ip), s.login_max_failures_per_ip))
    return keys


async def _refuse_locked(core: Core, guards: list[tuple[tuple[str, str], int]]) -> None:
    """429 `too_many_login_attempts` while a counter is locked, before the password is
    looked at: the right password does not get through a lockout either."""
    wait = await core.rate_limiter.locked_out([key for key, _ in guards]) if guards else 0.0
    if wait > 0:
        raise RateLimited(
            f"too many failed logins; retry in {wait:.0f} s",
            retry_after=round(wait, 3),
            code="too_many_login_attempts",
        )


async def _count_registration(core: Core, ip: str | None) -> None:
    """At most `registrations_per_ip` registrations from one IP per window (429
    `too_many_registrations`); attempts count whether or not the handle was free."""
    limit = core.settings.registrations_per_ip
    if not core.rate_limiter.enabled or limit <= 0 or not ip:
        return
    key = ("register-ip", ip)
    wait = await core.rate_limiter.locked_out([key])
    if wait > 0:
        raise RateLimited(
            f"too many registrations from this address; retry in {wait:.0f} s",
            retry_after=round(wait, 3),
            code="too_many_registrations",
        )
    await core.rate_limiter.strike(key, limit, core.settings.registration_window_s)


async def logout(core: Core, token: str) -> None:
    """Revoke the token's session: `session.deleted` to the user, and every node forgets
    the token and closes the session's connections (`session.logged_out`, reason logout)."""
    token_hash = hash_token(token)
    revocation = await core.log.run(lambda tx: sessions.revoke_token_txn(tx, token_hash))
    core.tokens.forget(token_hash)
    sessions.publish_revocation(core, revocation)


async def create_bot(
    core: Core, ctx: Ctx | None, username: str, display_name: str | None = None
) -> tuple[UserRow, str]:
    """A bot account and its token. `ctx` is the owning user; None for the admin CLI."""
    if ctx is not None and ctx.user.bot:
        raise Forbidden("bots cannot create bots", code="bot_cannot_create_bots")
    return await _create_user(
        core,
        handle=username,
        display_name=display_name,
        password_hash=None,
        bot=True,
        owner_id=None if ctx is None else ctx.user_id,
        token_kind="bot",
    )


async def authenticate(core: Core, token: str | None) -> Ctx:
    if not token:
        raise Unauthorized("missing bearer token", code="token_missing")
    if len(token) > 256:
        raise Unauthorized("invalid token", code="token_invalid")
    token_hash = hash_token(token)
    cached = core.tokens.get(token_hash)
    if cached is not None:
        await sessions.touch(core, cached.session_id)
        return cached
    found = await core.db.read(lambda c: store.user_for_token(c, token_hash))
    if found is None:
        raise Unauthorized("invalid or revoked token", code="token_invalid")
    user, session_id = found
    ctx = Ctx(user=user, session_id=session_id)
    core.tokens.put(token_hash, ctx)
    await sessions.touch(core, session_id)
    return ctx


async def get_user(core: Core, user_id: int) -> UserRow:
    """The user, following merges: a merged-away id resolves to the surviving account."""
    found = await core.db.read(lambda c: resolve(c, user_id))
    if found is None:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    return found[0]
