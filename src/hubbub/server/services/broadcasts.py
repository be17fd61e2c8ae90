"""Global notifications (NT-03, D.7): global staff broadcast a Markdown notice to everyone.

One broadcast is a `broadcasts` row, ONE canonical notification row (kept in the inbox of
the reserved user Feeds, -2, who is also its actor, D.16), and a copy of it in every
user's inbox made by one INSERT … SELECT. The broadcast row keeps who sent it (the
audit log is per room or space; a broadcast has neither).

Each copy shows the canonical row's id (see store.notifications), so the notification
object is the same for everyone: the single `notification.created` logged with audience
GLOBAL carries it, and every user marks it read (`POST /notifications/{id}/read`), pages
past it and finds it by that one id.
"""

from __future__ import annotations

from typing import Any

from hubbub.errors import Forbidden, ValidationError, reject_nul
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.render import render
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import broadcasts as store
from hubbub.server.store import notifications as notifications_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx

FEEDS_ID = -2
MAX_CONTENT = 4000


def _content(content: str) -> str:
    reject_nul(content, "content")
    content = content.strip()
    if not content:
        raise ValidationError("content must not be empty", code="content_empty")
    if len(content) > MAX_CONTENT:
        raise ValidationError(
            f"content must be at most {MAX_CONTENT} characters",
            code="content_too_long",
            details={"limit": MAX_CONTENT},
        )
    return content


def _feeds(tx: Tx) -> dict[str, Any]:
    feeds = users_store.get_user(tx.conn, FEEDS_ID)
    if feeds is None:  # the migration seeds it; a hand-edited database may lack it
        return {"id": FEEDS_ID, "handle": "feeds", "display_name": "Feeds", "avatar_url": None}
    return feeds.snapshot()


async def broadcast(core: Core, ctx: Ctx, content: str) -> dict[str, Any]:
    """Send a global notification; global staff only. `{broadcast_id, notification,
    recipients}` (how many inboxes got it)."""
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators can broadcast notifications", code="not_staff")
    text = _content(content)
    content_html, content_text = render(text)

    def job(tx: Tx) -> dict[str, Any]:
        broadcast_id = store.insert_txn(
            tx.conn,
            actor_id=ctx.user_id,
            content=text,
            content_html=content_html,
            content_text=content_text,
            now_ms=tx.now_ms,
        )
        feeds = _feeds(tx)
        wire = {
            "kind": "global",
            "room_id": None,
            "room_name": None,
            "message_id": None,
            "actor": feeds,
            "content_html": content_html,
            "content_text": content_text,
            "data": {"broadcast_id": broadcast_id},
            "created_at": iso_ms(tx.now_ms),
        }
        notification = notifications_store.insert_txn(
            tx.conn,
            user_id=FEEDS_ID,
            kind="global",
            room_id=None,
            message_id=None,
            actor_id=FEEDS_ID,
            wire=wire,
            now_ms=tx.now_ms,
        )
        recipients = store.copy_to_everyone_txn(
            tx.conn,
            notification_id=notification["id"],
            kind="global",
            actor_id=FEEDS_ID,
            now_ms=tx.now_ms,
        )
        tx.emit(
            LogEvent(
                type="notification.created",
                audience=Audience.GLOBAL,
                actor=feeds,
                data={"notification": notification},
            )
        )
        return {
            "broadcast_id": broadcast_id,
            "notification": notification,
            "recipients": recipients,
        }

    return await core.log.run(job)
