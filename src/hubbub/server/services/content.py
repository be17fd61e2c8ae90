"""Message content rules: types, custom fields, quotes, ads, `/me`, mentions, D.11, D.71.

`prepare` checks everything that needs no database (before the writer's queue); the
`*_txn` helpers run inside the send or edit transaction.

Types (EVENTS.md summary 5, D.65): speech | reply | quote | action | announcement | ad |
custom | system. `type` may be given; otherwise it follows from the other fields:
`quote_of` → quote, `ad` → ad, `/me <text>` → action, `reply_to` → reply, else speech.
- system: never accepted from clients (Forbidden `system_type_reserved`).
- action: needs the room's `allow_actions` (D.77; Forbidden `actions_disabled`).
- `/<command> …` for the other chat commands (services.commands) is refused (422
  `use_command`); `//text` posts the literal `/text`.
- announcement, ad: the room's owner or moderators (Forbidden `not_moderator`).
- custom: needs `custom_type`. Ad, custom and quote messages may have empty content.
- custom_payload: any JSON value, ≤ 16 KiB serialised (413 `custom_payload_too_large`);
  a string holding JSON is stored as the value it holds (D.73).
- created_at (backdating, D.71): only through a token with the `import` permission
  (Forbidden `import_permission_required`; `hubbub admin create-bot NAME --can-import`);
  `ts` stays the receive time, and such sends are not rate limited. Ids still follow
  insertion, and history pages, `before`/`after` and event cursors all go by id, never
  by created_at: an import lands after what is already in the room, in the order sent,
  so an importer sends oldest first (into a fresh room to keep created_at monotonic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Connection

from hubbub.errors import Forbidden, NotFound, PayloadTooLarge, ValidationError, reject_nul
from hubbub.server.render import Rendered, render_full
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.notifications import Recipient
from hubbub.server.services.rooms import is_moderator, visible_room
from hubbub.server.store import content as store
from hubbub.server.store import messages as messages_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.content import IMPORT
from hubbub.server.store.rooms import RoomRow

TYPES = ("speech", "reply", "quote", "action", "announcement", "ad", "custom", "system")
PRIVILEGED = frozenset({"announcement", "ad"})
MAY_BE_EMPTY = frozenset({"ad", "custom", "quote"})  # the rest need some content
MAX_CUSTOM_PAYLOAD = 16 * 1024
_CUSTOM_TYPE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}")
_ME = re.compile(r"/me(?:\s+|$)", re.IGNORECASE)
MAX_TAGS, MAX_TAG, MAX_FIELD, MAX_URL = 20, 64, 1000, 2048
# How far in the future an imported created_at may be (clock skew), in ms.
FUTURE_SLACK_MS = 60_000


@dataclass(frozen=True, slots=True)
class Extras:
    """What a send may carry besides content, reply_to and nonce (the API body's fields)."""

    type: str | None = None
    custom_type: str | None = None
    custom_id: str | None = None
    custom_payload: Any = None
    quote_of: dict[str, Any] | None = None
    ad: dict[str, Any] | None = None
    created_at: str | None = None
    # Ids of the sender's own uploads (POST /rooms/{id}/attachments) to attach.
    attachments: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    type: str
    content: str
    rendered: Rendered
    custom_type: str | None
    custom_id: str | None
    custom_payload: str | None  # JSON text
    quote: dict[str, Any] | None  # {id, custom_field1?, custom_field2?, custom_tags}
    ad: str | None  # JSON text
    created_at_ms: int | None
    attachments: tuple[int, ...] = ()


def check_content(core: Core, content: str, *, may_be_empty: bool = False) -> str:
    reject_nul(content, "content")
    if not content.strip() and not may_be_empty:
        raise ValidationError("content must not be empty", code="content_empty")
    limit = core.settings.max_message_chars
    if len(content) > limit:
        raise ValidationError(
            f"content is {len(content)} characters; the limit is {limit}",
            code="content_too_long",
            details={"limit": limit, "length": len(content)},
        )
    return content


def payload_json(value: Any) -> str | None:
    """custom_payload as stored JSON text (D.73), or None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            pass  # a plain string is a JSON value too
    try:
        text = orjson.dumps(value)
    except TypeError as exc:
        raise ValidationError(
            f"custom_payload is not JSON: {exc}", code="invalid_custom_payload"
        ) from exc
    if len(text) > MAX_CUSTOM_PAYLOAD:
        raise PayloadTooLarge(
            f"custom_payload is {len(text)} bytes as JSON; the limit is {MAX_CUSTOM_PAYLOAD}",
            code="custom_payload_too_large",
            details={"limit": MAX_CUSTOM_PAYLOAD, "size": len(text)},
        )
    return text.decode()


def _short(value: str | None, field: str, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise ValidationError(
            f"{field} must be at most {limit} characters", code=f"invalid_{field}"
        )
    return value


def _url(value: Any, field: str) -> str:
    ok = isinstance(value, str) and len(value) <= MAX_URL
    if ok:
        parts = urlsplit(value)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
        ok = ok and not any(c.isspace() or ord(c) < 32 for c in value)
    if not ok:
        raise ValidationError(f"ad.{field} must be an http(s) URL", code="invalid_ad_url")
    return str(value)


def _ad(ad: dict[str, Any]) -> str:
    clean = {
        "message": _short(ad.get("message"), "ad_message", MAX_FIELD),
        "img": _url(ad.get("img"), "img"),
        "link": _url(ad.get("link"), "link"),
        "id": _short(ad.get("id"), "ad_id", 128),
    }
    return orjson.dumps(clean).decode()


def _quote(q: dict[str, Any]) -> dict[str, Any]:
    tags = q.get("custom_tags") or []
    if len(tags) > MAX_TAGS or any(not 1 <= len(t) <= MAX_TAG for t in tags):
        raise ValidationError(
            f"custom_tags: at most {MAX_TAGS} tags of 1–{MAX_TAG} characters",
            code="invalid_custom_tags",
        )
    return {
        "id": int(q["id"]),
        "custom_field1": _short(q.get("custom_field1"), "custom_field1", MAX_FIELD),
        "custom_field2": _short(q.get("custom_field2"), "custom_field2", MAX_FIELD),
        "custom_tags": list(tags),
    }


def _created_at(value: str | None, now_ms: int) -> int | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "created_at must be an ISO 8601 time", code="invalid_created_at"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ms = int(when.timestamp() * 1000)
    if ms > now_ms + FUTURE_SLACK_MS or ms < 0:
        raise ValidationError("created_at must not be in the future", code="invalid_created_at")
    return ms


def _resolve_type(content: str, reply_to: int | None, x: Extras) -> tuple[str, str]:
    """(type, content) from the explicit type and the other fields."""
    kind = x.type
    if kind is not None and kind not in TYPES:
        raise ValidationError(f"type must be one of {', '.join(TYPES)}", code="invalid_type")
    if kind == "system":
        raise Forbidden(
            "system messages are posted by the server only", code="system_type_reserved"
        )
    if x.quote_of is not None:
        if kind not in (None, "quote"):
            raise ValidationError("quote_of makes a message of type quote", code="invalid_type")
        kind = "quote"
    if x.ad is not None:
        if kind not in (None, "ad"):
            raise ValidationError("ad makes a message of type ad", code="invalid_type")
        kind = "ad"
    if kind == "quote" and x.quote_of is None:
        raise ValidationError("a quote needs quote_of", code="quote_of_required")
    if kind == "ad" and x.ad is None:
        raise ValidationError("an ad needs ad {img, link}", code="ad_required")
    if kind == "custom" and not x.custom_type:
        raise ValidationError("a custom message needs custom_type", code="custom_type_required")
    me = _ME.match(content)
    if me is not None and kind in (None, "speech", "reply", "action"):
        kind, content = "action", content[me.end() :]
    if kind == "reply" and reply_to is None:
        raise ValidationError("a reply needs reply_to", code="reply_to_required")
    if kind is None:
        kind = "reply" if reply_to is not None else "speech"
    return kind, content


def _refuse_command(content: str) -> None:
    """Content starting with a chat command other than `/me` is refused (422
    `use_command`) so that `/purge @bob` is never posted as text by mistake (D.78:
    commands never appear as chat messages; services.commands). `//text` escapes it."""
    if not content.startswith("/") or content.startswith("//"):
        return
    # At call time: services.commands posts through messages.send, which builds on this.
    from hubbub.server.services.commands import reserved_name

    name = reserved_name(content)
    if name is not None:
        raise ValidationError(
            f"/{name} is a command: run it with POST /rooms/{{id}}/commands (or the "
            f"gateway's command op), or start with // to post the text",
            code="use_command",
            details={"command": name},
        )


def prepare(core: Core, content: str, reply_to: int | None, x: Extras) -> Draft:
    _refuse_command(content)
    literal = content.startswith("//")  # `//text` posts the literal `/text`, even `//me`
    kind, content = _resolve_type(content, reply_to, x)
    if literal:
        content = content[1:]
    # A file needs no caption.
    check_content(core, content, may_be_empty=kind in MAY_BE_EMPTY or bool(x.attachments))
    if x.custom_type is not None and not _CUSTOM_TYPE.fullmatch(x.custom_type):
        raise ValidationError(
            "custom_type: 1–64 letters, digits, '_', '.', ':' or '-'", code="invalid_custom_type"
        )
    return Draft(
        type=kind,
        content=content,
        rendered=render_full(content),
        custom_type=x.custom_type,
        custom_id=_short(x.custom_id, "custom_id", 128),
        custom_payload=payload_json(x.custom_payload),
        quote=None if x.quote_of is None else _quote(x.quote_of),
        ad=None if x.ad is None else _ad(x.ad),
        created_at_ms=_created_at(x.created_at, core.clock.now_ms()),
        attachments=x.attachments,
    )


async def check_import(core: Core, ctx: Ctx, draft: Draft) -> None:
    """Backdating needs the `import` permission on the token in use (D.71)."""
    if draft.created_at_ms is None:
        return
    granted = await core.db.read(lambda c: store.token_permissions(c, ctx.session_id))
    if IMPORT not in granted:
        raise Forbidden(
            "only tokens with the import permission may set created_at",
            code="import_permission_required",
        )


# -- inside the transaction ----------------------------------------------------------


def check_rights_txn(draft: Draft, role: RoomAccess, room: RoomRow | None) -> None:
    if draft.type in PRIVILEGED and not is_moderator(role):
        raise Forbidden(
            f"only the room's owners and moderators can post {draft.type}s", code="not_moderator"
        )
    if draft.type == "action" and room is not None and not room.allow_actions:
        raise Forbidden("this room does not allow /me actions", code="actions_disabled")


def quote_snapshot_txn(conn: Connection, ctx: Ctx, quote: dict[str, Any]) -> str:
    """The quoted message as embedded (JSON text); it must be one the author can read."""
    row = messages_store.get_message_row(conn, quote["id"])
    readable = row is not None and not row["deleted"]
    if readable:
        assert row is not None
        try:
            visible_room(conn, ctx, row["room_id"])
        except NotFound:
            readable = False
    if not readable or row is None:
        raise ValidationError(
            f"quote_of {quote['id']} is not a message you can read", code="invalid_quote_of"
        )
    snapshot = {
        "id": row["id"],
        "room_id": row["room_id"],
        "author": messages_store.author_of(row),
        "content_text": row["content_text"],
        "custom_field1": quote["custom_field1"],
        "custom_field2": quote["custom_field2"],
        "custom_tags": quote["custom_tags"],
    }
    return orjson.dumps(snapshot).decode()


def mention_ids_txn(conn: Connection, rendered: Rendered) -> list[int]:
    """Ids of the existing users the content mentions, ascending (as reads list them)."""
    options = [h for group in rendered.handles for h in group]
    known = store.users_by_handles(conn, options)
    out: list[int] = []
    for group in rendered.handles:
        found = next((known[h] for h in group if h in known), None)  # longest first
        if found is not None and found not in out:
            out.append(found)
    return sorted(out)


def parent_id_txn(
    conn: Connection,
    *,
    room_id: int,
    author_id: int,
    reply_to: int | None,
    mentioned: list[int],
    before_id: int | None = None,
) -> int | None:
    """D.11: the reply target; else, when exactly one other user is mentioned, that
    user's latest message in the room; else None."""
    if reply_to is not None:
        return reply_to
    others = [u for u in mentioned if u != author_id]
    if len(others) != 1:
        return None
    return store.latest_by_author(conn, room_id, others[0], before_id)


EVERYONE = "everyone"
# One `@everyone` notifies at most this many members: past it a room is an audience, not a
# conversation, and a ping would be a flood (the message itself still reaches everyone).
MAX_EVERYONE = 1000


def mentions_everyone(rendered: Rendered) -> bool:
    """`@everyone` (a reserved handle, services.auth) appears in the content."""
    return any(EVERYONE in group for group in rendered.handles)


def everyone_txn(
    conn: Connection, room_id: int, author_id: int, already: list[Recipient]
) -> list[Recipient]:
    """A `mention` notification for each room member not otherwise notified (the caller
    checked `mention_everyone`)."""
    skip = {r.user_id for r in already} | {author_id}
    members = sorted(rooms_store.member_ids(conn, room_id) - skip)[:MAX_EVERYONE]
    return [Recipient(uid, "mention", {"everyone": True}) for uid in members]


def recipients(
    *,
    author_id: int,
    mentioned: list[int],
    replied_author: int | None,
    quoted_author: int | None,
) -> list[Recipient]:
    """One notification per user: `reply` for the author of the message replied to (or
    quoted, D.94), `mention` for the others mentioned; never the author themself."""
    out: dict[int, Recipient] = {}
    if replied_author is not None and replied_author != author_id:
        out[replied_author] = Recipient(replied_author, "reply", {})
    if quoted_author is not None and quoted_author != author_id:
        out.setdefault(quoted_author, Recipient(quoted_author, "reply", {"quote": True}))
    for uid in mentioned:
        if uid != author_id:
            out.setdefault(uid, Recipient(uid, "mention", {}))
    return list(out.values())
