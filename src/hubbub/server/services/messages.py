"""Messages: send (idempotent by nonce), read, page, edit (with revisions), delete as a
tombstone.

Only members post; only the author or the room's owners and moderators edit or delete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection

from hubbub.errors import Conflict, Forbidden, HubbubError, NotFound, ValidationError
from hubbub.server.clock import iso_ms
from hubbub.server.permissions import Perm
from hubbub.server.render import Rendered, render_full
from hubbub.server.services import (
    attachments,
    audit,
    dms,
    emojis,
    notifications,
    pipeline,
    presence_rooms,
)
from hubbub.server.services import content as content_rules
from hubbub.server.services.access import RoomAccess, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.message_audience import is_restricted, mod_fields, split_events
from hubbub.server.services.rooms import is_moderator, may_post, room_role, visible_room
from hubbub.server.store import content as content_store
from hubbub.server.store import messages as store
from hubbub.server.store import presence as presence_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

MAX_NONCE = 64
MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class WebhookPost:
    """A send through a webhook (services.webhooks). Its bot user authors the message but
    is no member of the room: `access` re-checks the webhook inside the transaction and
    stands in for the membership check."""

    webhook_id: int
    author_override: str  # JSON {name, avatar_url}: the identity shown on the message
    access: Callable[[Connection], RoomAccess]


def _message_for(conn: Connection, ctx: Ctx, message_id: int) -> tuple[Any, RoomAccess]:
    """The message row and the caller's role in its room; NotFound if they cannot see it."""
    row = store.get_message_row(conn, message_id)
    if row is None:
        raise NotFound(f"message {message_id} not found", code="message_not_found")
    try:
        _room, role = visible_room(conn, ctx, row["room_id"])
    except NotFound:
        raise NotFound(f"message {message_id} not found", code="message_not_found") from None
    if row["author_id"] != ctx.user_id and not role.moderator and is_restricted(row):
        # shadowbanned, pending, rejected or held: only its author and the moderators
        raise NotFound(f"message {message_id} not found", code="message_not_found")
    return row, role


def _may_change(ctx: Ctx, row: Any, role: RoomAccess) -> None:
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
    extras: content_rules.Extras | None = None,
    webhook: WebhookPost | None = None,
) -> tuple[dict[str, Any], bool]:
    """(message, created). A nonce already used by this user returns the original message.

    Message types, quotes, ads, custom fields and backdating: services.content. The
    mentioned users and the author replied to (or quoted) are notified in the same
    transaction (services.notifications)."""
    draft = content_rules.prepare(core, content, reply_to, extras or content_rules.Extras())
    if nonce is not None and (not 1 <= len(nonce) <= MAX_NONCE or "\x00" in nonce):
        raise ValidationError(
            f"nonce must be 1–{MAX_NONCE} characters, without NUL", code="invalid_nonce"
        )
    if nonce is not None:
        existing = await core.db.read(lambda c: store.find_by_nonce(c, ctx.user_id, nonce))
        if existing is not None:
            return existing, False
    await content_rules.check_import(core, ctx, draft)
    if draft.created_at_ms is None:  # an import (with the permission) is not rate limited
        await core.rate_limiter.take(("send", ctx.user_id, room_id))
    rendered = draft.rendered

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        if webhook is None:
            role = room_role(tx.conn, ctx, room_id)
            may_post(role)
            dms.check_post_txn(tx.conn, ctx.user_id, role.room)  # 403 blocked in a DM
        else:
            role = webhook.access(tx.conn)
        if nonce is not None:  # a concurrent retry may have committed since the check above
            existing = store.find_by_nonce(tx.conn, ctx.user_id, nonce)
            if existing is not None:
                return existing, False
        room = rooms_store.get_room(tx.conn, room_id) if draft.type == "action" else None
        content_rules.check_rights_txn(draft, role, room)
        parent = None
        if reply_to is not None:
            parent = store.get_message_row(tx.conn, reply_to)
            if parent is None or parent["room_id"] != room_id:
                raise ValidationError(
                    f"reply_to {reply_to} is not a message in this room", code="invalid_reply_to"
                )
        quote = None
        if draft.quote is not None:
            quote = content_rules.quote_snapshot_txn(tx.conn, ctx, draft.quote)
        mentioned = content_rules.mention_ids_txn(tx.conn, rendered)
        parent_id = content_rules.parent_id_txn(
            tx.conn,
            room_id=room_id,
            author_id=ctx.user_id,
            reply_to=reply_to,
            mentioned=mentioned,
        )
        # The moderation pipeline: refusals, masking, shadowban, queue, hold (issue 6).
        decision = pipeline.decide_txn(
            tx,
            ctx,
            role,
            draft.content,
            emojis.render_txn(tx.conn, rendered.html),
            rendered.text,
            imported=draft.created_at_ms is not None,
        )
        message = store.insert_message_txn(
            tx.conn,
            ctx.user.snapshot(),
            parent,
            room_id=room_id,
            author_id=ctx.user_id,
            type=draft.type,
            reply_to_id=reply_to,
            nonce=nonce,
            edit_count=0,
            deleted=False,
            created_at=draft.created_at_ms if draft.created_at_ms is not None else tx.now_ms,
            received_at=None if draft.created_at_ms is None else tx.now_ms,
            custom_type=draft.custom_type,
            custom_id=draft.custom_id,
            custom_payload=draft.custom_payload,
            quote_of=quote,
            ad=draft.ad,
            parent_id=parent_id,
            edited_by_moderator=False,
            **decision.columns,
            **(
                {}
                if webhook is None
                else {"webhook_id": webhook.webhook_id, "author_override": webhook.author_override}
            ),
        )
        if mentioned:
            content_store.set_mentions_txn(tx.conn, message["id"], room_id, mentioned, new=True)
        message["mentions"] = mentioned
        message["attachments"] = attachments.attach_txn(
            tx.conn, message["id"], draft.attachments, ctx.user_id
        )
        answer = pipeline.created_txn(tx, role.room, decision, message, ctx.user.snapshot())
        if decision.restricted:  # nobody else sees it (yet): nobody else is notified
            presence_store.touch_active_txn(tx.conn, room_id, ctx.user_id, tx.now_ms)
            return answer, True
        _notify_txn(
            tx,
            role.room,
            message,
            rendered=rendered,
            access=role,
            replied_author=None if parent is None else parent["author_id"],
            actor=ctx.user.snapshot(),
        )
        presence_store.touch_active_txn(tx.conn, room_id, ctx.user_id, tx.now_ms)  # D.100
        return answer, True

    result = await core.log.run(job)
    typing = core.extras.get("typing")
    if typing is not None:
        typing.stop(ctx, room_id)
    return result


def _notify_txn(
    tx: Tx,
    room: RoomRow,
    message: dict[str, Any],
    *,
    rendered: Rendered,
    access: RoomAccess,
    replied_author: int | None,
    actor: dict[str, Any],
) -> None:
    """The notifications a message sends when the room sees it: its mentions, the author
    replied to or quoted, and `@everyone` / `@here` when the author may use them."""
    author_id = int(message["author"]["id"])
    quoted = message["quote_of"]
    rcpts = content_rules.recipients(
        author_id=author_id,
        mentioned=list(message["mentions"]),
        replied_author=replied_author,
        quoted_author=None if quoted is None else quoted["author"]["id"],
    )
    if access.can(Perm.MENTION_EVERYONE):
        if content_rules.mentions_everyone(rendered):
            rcpts += content_rules.everyone_txn(tx.conn, room.id, author_id, rcpts)
        if presence_rooms.mentions_here(rendered.handles):
            rcpts += presence_rooms.here_txn(tx.conn, room.id, author_id, rcpts)
    if rcpts:
        notifications.notify_message_txn(
            tx, room=room, message=message, actor=actor, recipients=rcpts
        )


def notify_published_txn(tx: Tx, room: RoomRow, message: dict[str, Any]) -> None:
    """A held or pre-moderated message the room now sees notifies those it mentions or
    replies to, as it would have when posted (nobody was told while it was hidden), with
    the author's rights of now; an author who can no longer see the room notifies no one."""
    author = users_store.get_user(tx.conn, int(message["author"]["id"]))
    if author is None:
        return
    try:
        access = room_access(tx.conn, author, room.id)
    except HubbubError:
        return
    parent = message.get("reply_to") or {}
    _notify_txn(
        tx,
        room,
        message,
        rendered=render_full(message["content"]),
        access=access,
        replied_author=(parent.get("author") or {}).get("id"),
        actor=message["author"],
    )


def _room(tx: Tx, room_id: int) -> RoomRow:
    room = rooms_store.get_room(tx.conn, room_id)
    if room is None:
        raise NotFound(f"room {room_id} not found", code="room_not_found")
    return room


async def get(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        row, role = _message_for(conn, ctx, message_id)
        message = store.get_message(conn, message_id, ctx.user_id)
        assert message is not None
        return {**message, **mod_fields(row)} if role.moderator else message

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
        role = room_role(conn, ctx, room_id)
        return store.page(
            conn,
            room_id,
            before=before,
            after=after,
            around=around,
            limit=limit,
            viewer_id=ctx.user_id,
            moderator=role.moderator,  # others see only what the pipeline let through
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


async def edit(
    core: Core,
    ctx: Ctx,
    message_id: int,
    content: str | None,
    *,
    custom_payload: Any = None,
) -> dict[str, Any]:
    """Change the content (and/or custom_payload) of a message. The version it replaces is
    kept as a revision; mentions are parsed again and only newly mentioned users are
    notified. Authors edit within the room's `edit_window_s` (0 = any time); the room's
    owners and moderators edit any message at any time (`edited_by_moderator`)."""
    if content is None and custom_payload is None:
        raise ValidationError("give content or custom_payload", code="nothing_to_edit")
    payload = content_rules.payload_json(custom_payload)
    rendered = None if content is None else render_full(content)

    def job(tx: Tx) -> dict[str, Any]:
        row, role = _message_for(tx.conn, ctx, message_id)
        _may_change(ctx, row, role)
        if row["deleted"]:
            raise Conflict("a deleted message cannot be edited", code="message_deleted")
        room = _room(tx, row["room_id"])
        by_mod = row["author_id"] != ctx.user_id
        sent_at = row["received_at"] if row["received_at"] is not None else row["created_at"]
        window = room.edit_window_s
        if window and not is_moderator(role) and tx.now_ms - sent_at > window * 1000:
            raise Forbidden(
                f"messages in this room can be edited for {window} s after posting",
                code="edit_window_closed",
                details={"edit_window_s": window},
            )
        new_content = row["content"] if content is None else content
        content_rules.check_content(
            core, new_content, may_be_empty=row["type"] in content_rules.MAY_BE_EMPTY
        )
        content_store.insert_revision_txn(
            tx.conn,
            message_id=message_id,
            revision=row["edit_count"],
            content=row["content"],
            content_html=row["content_html"],
            content_text=row["content_text"],
            custom_payload=row["custom_payload"],
            created_at=row["edited_at"] if row["edited_at"] is not None else row["created_at"],
            replaced_at=tx.now_ms,
            replaced_by=ctx.user_id,
        )
        changes: dict[str, Any] = {}
        values: dict[str, Any] = {
            "edit_count": row["edit_count"] + 1,
            "edited_at": tx.now_ms,
            "edited_by_moderator": by_mod,
        }
        new_mentions: list[int] = []
        if rendered is not None:
            html, text = emojis.render_txn(tx.conn, rendered.html), rendered.text
            masked = pipeline.filtered(tx.conn, room, new_content, html, text)  # edits too
            html, text = masked.content_html, masked.content_text
            values.update(content=masked.content, content_html=html, content_text=text)
            values.update(censored=masked.censored)
            values.update(original_content=new_content if masked.censored else None)
            changes.update(content=masked.content, content_html=html, content_text=text)
            changes.update(censored=masked.censored)
            before = content_store.mentioned_ids(tx.conn, message_id)
            mentioned = content_rules.mention_ids_txn(tx.conn, rendered)
            if mentioned != before:
                content_store.set_mentions_txn(tx.conn, message_id, row["room_id"], mentioned)
                changes["mentions"] = mentioned
                new_mentions = [u for u in mentioned if u not in before]
            parent_id = content_rules.parent_id_txn(
                tx.conn,
                room_id=row["room_id"],
                author_id=row["author_id"],
                reply_to=row["reply_to_id"],
                mentioned=mentioned,
                before_id=message_id,
            )
            if parent_id != row["parent_id"]:
                values["parent_id"] = changes["parent_id"] = parent_id
        if payload is not None:
            values["custom_payload"] = payload
            changes["custom_payload"] = orjson.loads(payload)
        store.update_message_txn(tx.conn, message_id, **values)
        message = store.get_message(tx.conn, message_id)
        assert message is not None
        data = {
            "message_id": message_id,
            "changes": changes,
            "cleared": [],
            "edit_count": message["edit_count"],
            "edited_by": ctx.user_id,
            "edited_by_moderator": by_mod,
            "modified_at": message["modified_at"],
        }
        secret = values.get("original_content") if values.get("censored") else None
        mod_data = (
            None if secret is None else {**data, "changes": {**changes, "original_content": secret}}
        )
        for ev in split_events(  # a restricted message's edits stay with its audience
            "message.updated",
            room,
            ctx.user.snapshot(),
            data,
            mod_data,
            restricted=is_restricted(row),
            author_id=row["author_id"],
            author_is_mod=not by_mod and role.moderator,
        ):
            tx.emit(ev)
        if role.moderator:
            message = {**message, **mod_fields(store.get_message_row(tx.conn, message_id))}
        if by_mod:  # a moderator's edit is audited (MD-14, MD-17)
            audit.record_txn(
                tx,
                action="message.updated",
                actor=ctx.user.snapshot(),
                room_id=row["room_id"],
                space_id=room.space_id,
                target_type="message",
                target_id=message_id,
                before={"content": row["content"]},
                after={"content": message["content"]},
            )
        rcpts = content_rules.recipients(
            author_id=row["author_id"],
            mentioned=[u for u in new_mentions if u != ctx.user_id],
            replied_author=None,
            quoted_author=None,
        )
        if rcpts:
            notifications.notify_message_txn(
                tx, room=room, message=message, actor=ctx.user.snapshot(), recipients=rcpts
            )
        return message

    result = await core.log.run(job)
    typing = core.extras.get("typing")
    if typing is not None:  # saving the edit ends the editing indicator (D.52)
        typing.stop_editing(ctx.user_id, message_id)
    return result


async def revisions(core: Core, ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Every version of a message, oldest first, the current one last (`current: true`).
    Only the author and the room's owners and moderators may read them; of a deleted
    message, only the moderators."""

    def read(conn: Connection) -> dict[str, Any]:
        row, role = _message_for(conn, ctx, message_id)
        if row["author_id"] != ctx.user_id and not is_moderator(role):
            raise Forbidden(
                "only the author or the room's moderators can read revisions",
                code="not_message_author",
            )
        if row["deleted"] and not is_moderator(role):
            raise Conflict("the message was deleted", code="message_deleted")
        versions = [
            {**r, "custom_payload": _loads(r["custom_payload"]), "current": False}
            for r in content_store.revisions(conn, message_id)
        ]
        versions.append(
            {
                "revision": row["edit_count"],
                "content": row["content"],
                "content_html": row["content_html"],
                "content_text": row["content_text"],
                "custom_payload": _loads(row["custom_payload"]),
                "created_at": iso_ms(row["edited_at"] or row["created_at"]),
                "replaced_at": None,
                "replaced_by": None,
                "current": True,
            }
        )
        return {"message_id": message_id, "revisions": versions}

    return await core.db.read(read)


def _loads(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


async def delete(core: Core, ctx: Ctx, message_id: int) -> None:
    def job(tx: Tx) -> None:
        row, role = _message_for(tx.conn, ctx, message_id)
        _may_change(ctx, row, role)
        if row["deleted"]:  # deleting twice is still deleted; no second event
            return
        store.update_message_txn(tx.conn, message_id, deleted=True, deleted_at=tx.now_ms)
        data = {
            "message_id": message_id,
            "actor_id": ctx.user_id,
            "by_moderator": row["author_id"] != ctx.user_id,
        }
        # A restricted message (e.g. held, D.75) is deleted for those who had it only.
        for ev in split_events(
            "message.deleted",
            role.room,
            ctx.user.snapshot(),
            data,
            None,
            restricted=is_restricted(row),
            author_id=row["author_id"],
        ):
            tx.emit(ev)
        if row["author_id"] != ctx.user_id:  # a moderator's delete is audited (MD-14, MD-17)
            audit.record_txn(
                tx,
                action="message.deleted",
                actor=ctx.user.snapshot(),
                room_id=row["room_id"],
                space_id=role.room.space_id,
                target_type="message",
                target_id=message_id,
                before={"author_id": row["author_id"], "content": row["content"]},
            )

    await core.log.run(job)
