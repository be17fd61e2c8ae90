"""Messages: send (idempotent by nonce), read, page, edit, delete as a tombstone.

Only members post; only the author or the room owner edits or deletes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.render import render
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import is_moderator, room_role, visible_room
from hubbub.server.store import messages as store
from hubbub.server.store.log import Tx

MAX_NONCE = 64
MAX_PAGE = 100


def _check_content(core: Core, content: str) -> str:
    if not content.strip():
        raise ValidationError("content must not be empty", code="content_empty")
    limit = core.settings.max_message_chars
    if len(content) > limit:
        raise ValidationError(
            f"content is {len(content)} characters; the limit is {limit}",
            code="content_too_long",
            details={"limit": limit, "length": len(content)},
        )
    return content


def _message_for(conn: Connection, ctx: Ctx, message_id: int) -> tuple[Any, str | None]:
    """The message row and the caller's role in its room; NotFound if they cannot see it."""
    row = store.get_message_row(conn, message_id)
    if row is None:
        raise NotFound(f"message {message_id} not found", code="message_not_found")
    try:
        _room, role = visible_room(conn, ctx, row["room_id"])
    except NotFound:
        raise NotFound(f"message {message_id} not found", code="message_not_found") from None
    return row, role


def _may_change(ctx: Ctx, row: Any, role: str | None) -> None:
    if row["author_id"] != ctx.user_id and not is_moderator(role):
        raise Forbidden(
            "only the author or the room's moderators can do this", code="not_message_author"
        )


async def send(
    core: Core,
    ctx: Ctx,
    room_id: int,
    content: str,
    *,
    nonce: str | None = None,
    reply_to: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """(message, created). A nonce already used by this user returns the original message."""
    _check_content(core, content)
    if nonce is not None and not 1 <= len(nonce) <= MAX_NONCE:
        raise ValidationError(f"nonce must be 1–{MAX_NONCE} characters", code="invalid_nonce")
    if nonce is not None:
        existing = await core.db.read(lambda c: store.find_by_nonce(c, ctx.user_id, nonce))
        if existing is not None:
            return existing, False
    core.rate_limiter.hit(("send", ctx.user_id, room_id))
    html, text = render(content)

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        if room_role(tx.conn, ctx, room_id) is None:
            raise Forbidden("join the room before posting in it", code="not_a_member")
        if nonce is not None:  # a concurrent retry may have committed since the check above
            existing = store.find_by_nonce(tx.conn, ctx.user_id, nonce)
            if existing is not None:
                return existing, False
        parent = None
        if reply_to is not None:
            parent = store.get_message_row(tx.conn, reply_to)
            if parent is None or parent["room_id"] != room_id:
                raise ValidationError(
                    f"reply_to {reply_to} is not a message in this room", code="invalid_reply_to"
                )
        message = store.insert_message_txn(
            tx.conn,
            ctx.user.snapshot(),
            parent,
            room_id=room_id,
            author_id=ctx.user_id,
            type="reply" if reply_to is not None else "speech",
            content=content,
            content_html=html,
            content_text=text,
            reply_to_id=reply_to,
            nonce=nonce,
            edit_count=0,
            deleted=False,
            created_at=tx.now_ms,
        )
        tx.emit(
            LogEvent(
                type="message.created",
                audience=Audience.ROOM,
                room_id=room_id,
                actor=ctx.user.snapshot(),
                data={"message": message},
            )
        )
        return message, True

    result = await core.log.run(job)
    typing = core.extras.get("typing")
    if typing is not None:
        typing.stop(ctx, room_id)
    return result


async def get(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        _message_for(conn, ctx, message_id)
        message = store.get_message(conn, message_id, ctx.user_id)
        assert message is not None
        return message

    return await core.db.read(read)


async def history(
    core: Core,
    ctx: Ctx,
    room_id: int,
    *,
    before: int | None,
    after: int | None,
    limit: int,
    around: int | None = None,
) -> dict[str, Any]:
    """`{messages, has_more, has_more_before, has_more_after}`. `has_more` is the side the
    page walks to (older for `before` and the newest page, newer for `after`; either for
    `around`). Tombstones keep their place: a deleted message is in history as `deleted`."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")
    if sum(x is not None for x in (before, after, around)) > 1:
        raise ValidationError("give one of before, after or around", code="invalid_page")

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool, bool]:
        room_role(conn, ctx, room_id)
        return store.page(
            conn,
            room_id,
            before=before,
            after=after,
            around=around,
            limit=limit,
            viewer_id=ctx.user_id,
        )

    page, more_before, more_after = await core.db.read(read)
    if around is not None:
        more = more_before or more_after
    else:
        more = more_after if after is not None else more_before
    return {
        "messages": page,
        "has_more": more,
        "has_more_before": more_before,
        "has_more_after": more_after,
    }


async def edit(core: Core, ctx: Ctx, message_id: int, content: str) -> dict[str, Any]:
    _check_content(core, content)
    html, text = render(content)

    def job(tx: Tx) -> dict[str, Any]:
        row, role = _message_for(tx.conn, ctx, message_id)
        _may_change(ctx, row, role)
        if row["deleted"]:
            raise Conflict("a deleted message cannot be edited", code="message_deleted")
        store.update_message_txn(
            tx.conn,
            message_id,
            content=content,
            content_html=html,
            content_text=text,
            edit_count=row["edit_count"] + 1,
            edited_at=tx.now_ms,
        )
        message = store.get_message(tx.conn, message_id)
        assert message is not None
        tx.emit(
            room_event(
                "message.updated",
                row["room_id"],
                ctx.user.snapshot(),
                {
                    "message_id": message_id,
                    "changes": {"content": content, "content_html": html, "content_text": text},
                    "cleared": [],
                    "edit_count": message["edit_count"],
                    "edited_by": ctx.user_id,
                    "edited_by_moderator": row["author_id"] != ctx.user_id,
                    "modified_at": message["modified_at"],
                },
            )
        )
        return message

    result = await core.log.run(job)
    typing = core.extras.get("typing")
    if typing is not None:  # saving the edit ends the editing indicator (D.52)
        typing.stop_editing(ctx.user_id, message_id)
    return result


async def delete(core: Core, ctx: Ctx, message_id: int) -> None:
    def job(tx: Tx) -> None:
        row, role = _message_for(tx.conn, ctx, message_id)
        _may_change(ctx, row, role)
        if row["deleted"]:  # deleting twice is still deleted; no second event
            return
        store.update_message_txn(tx.conn, message_id, deleted=True, deleted_at=tx.now_ms)
        tx.emit(
            room_event(
                "message.deleted",
                row["room_id"],
                ctx.user.snapshot(),
                {
                    "message_id": message_id,
                    "actor_id": ctx.user_id,
                    "by_moderator": row["author_id"] != ctx.user_id,
                },
            )
        )

    await core.log.run(job)
