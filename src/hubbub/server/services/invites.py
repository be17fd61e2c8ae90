"""Invite codes (SV-02): members with `invite` create them, with an optional expiry and
use limit; anyone signed in may look one up and accept it, which joins the space.

A code that stopped working says why (`invite_expired`, `invite_used_up`,
`invite_revoked`), and accepting it changes nothing: the use count only moves in the
transaction that adds the member, so a limit of N admits exactly N people however many
race for it.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.permissions import Perm
from hubbub.server.services import audit
from hubbub.server.services.access import space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.space_members import join_txn
from hubbub.server.store import invites as store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store.log import Tx

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10
MAX_USES = 10_000
MAX_AGE_S = 30 * 24 * 3600


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _check_code(code: str) -> None:
    if not 1 <= len(code) <= 32 or not all(c in CODE_ALPHABET for c in code):
        raise NotFound("no such invite", code="invite_not_found")


async def create(
    core: Core, ctx: Ctx, space_id: int, *, max_uses: int | None, expires_in_s: int | None
) -> dict[str, Any]:
    if max_uses is not None and not 1 <= max_uses <= MAX_USES:
        raise ValidationError(f"max_uses must be 1–{MAX_USES}", code="invalid_max_uses")
    if expires_in_s is not None and not 60 <= expires_in_s <= MAX_AGE_S:
        raise ValidationError(f"expires_in_s must be 60–{MAX_AGE_S}", code="invalid_expires_in")

    def job(tx: Tx) -> dict[str, Any]:
        access = space_access(tx.conn, ctx.user, space_id)
        access.require_member()
        access.require(Perm.INVITE)
        row = store.insert_txn(
            tx.conn,
            code=_new_code(),
            space_id=space_id,
            creator_id=ctx.user_id,
            created_at=tx.now_ms,
            expires_at=None if expires_in_s is None else tx.now_ms + expires_in_s * 1000,
            max_uses=max_uses,
            uses=0,
        )
        audit.record_txn(
            tx,
            action="invite.created",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="invite",
            after={"code": row["code"], "max_uses": max_uses, "expires_at": row["expires_at"]},
        )
        return store.wire(row)

    return await core.log.run(job)


async def list_invites(core: Core, ctx: Ctx, space_id: int) -> list[dict[str, Any]]:
    """Managers see every live invite; other members their own."""

    def read(conn: Connection) -> list[dict[str, Any]]:
        access = space_access(conn, ctx.user, space_id)
        access.require_member()
        mine = None if access.can(Perm.MANAGE_SPACE) else ctx.user_id
        now = core.clock.now_ms()
        return [store.wire(r) for r in store.live_of_space(conn, space_id, now, mine)]

    return await core.db.read(read)


async def get(core: Core, ctx: Ctx, code: str) -> dict[str, Any]:
    _check_code(code)

    def read(conn: Connection) -> dict[str, Any]:
        row = store.get(conn, code)
        space = None if row is None else spaces_store.get_space(conn, row["space_id"])
        if row is None or space is None:
            raise NotFound("no such invite", code="invite_not_found")
        why = store.usable(row, core.clock.now_ms())
        if why is not None:
            raise _unusable(why)
        return {**store.wire(row), "space": space.wire(spaces_store.member_count(conn, space.id))}

    return await core.db.read(read)


def _unusable(why: str) -> NotFound | Conflict:
    if why == "invite_used_up":
        return Conflict("this invite has reached its use limit", code=why)
    text = "this invite has expired" if why == "invite_expired" else "this invite was revoked"
    return NotFound(text, code=why)


async def accept(core: Core, ctx: Ctx, code: str) -> dict[str, Any]:
    _check_code(code)

    def job(tx: Tx) -> dict[str, Any]:
        row = store.get(tx.conn, code)
        space = None if row is None else spaces_store.get_space(tx.conn, row["space_id"])
        if row is None or space is None:
            raise NotFound("no such invite", code="invite_not_found")
        if spaces_store.is_member(tx.conn, space.id, ctx.user_id):
            return join_txn(tx, ctx, space, "invite")  # already in: the invite is not used
        if spaces_store.is_banned(tx.conn, space.id, ctx.user_id):
            raise Forbidden("you are banned from this space", code="banned_from_space")
        why = store.usable(row, tx.now_ms)
        if why is not None:
            raise _unusable(why)
        store.use_txn(tx.conn, code)
        return join_txn(tx, ctx, space, "invite")

    return await core.log.run(job)


async def revoke(core: Core, ctx: Ctx, code: str) -> None:
    _check_code(code)

    def job(tx: Tx) -> None:
        row = store.get(tx.conn, code)
        if row is None:
            raise NotFound("no such invite", code="invite_not_found")
        try:
            access = space_access(tx.conn, ctx.user, row["space_id"])
        except NotFound:
            raise NotFound("no such invite", code="invite_not_found") from None
        if row["creator_id"] != ctx.user_id and not access.can(Perm.MANAGE_SPACE):
            raise Forbidden(
                "only its creator or a space manager can revoke an invite",
                code="missing_permission",
            )
        if row["revoked_at"] is not None:
            return
        store.revoke_txn(tx.conn, code, tx.now_ms)
        audit.record_txn(
            tx,
            action="invite.revoked",
            actor=ctx.user.snapshot(),
            space_id=row["space_id"],
            target_type="invite",
            before={"code": code},
        )

    await core.log.run(job)
