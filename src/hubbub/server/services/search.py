"""Full-text message search: `GET /api/v1/search`.

What a caller searches (like Slack and Zulip): by default every room they are a member of;
with `room_id`, one room they can see, which includes a public room they have not joined
(they could read its history anyway). Private rooms they are not in, rooms they left and
deleted rooms are never searched; deleted messages are never found.

Query syntax is deliberately small and can never fail: words and "quoted phrases", all
required. Anything else (FTS5 or tsquery operators, stray quotes, `*`, `-`, `NEAR(`,
`AND`/`OR`) is read as plain text: the query is cut into word tokens here, so no user
text reaches a search engine's own syntax. Only an empty or over-long `q` is refused.

Pages are offset-based behind an opaque cursor bound to the query: relevance order has no
stable key to continue from (scores move as messages arrive), and search is not a feed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection

from hubbub.errors import InvalidCursor, ValidationError
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import visible_room
from hubbub.server.store import search as store
from hubbub.server.store.search import MARK_END, MARK_START, Scope

MAX_QUERY_CHARS = 200
MAX_GROUPS = 16  # words + phrases; more only slows the query down
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 1000  # deep pages of a ranked search are noise; refine the query instead
Sort = Literal["relevance", "newest"]

_CHUNK = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w+")
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def parse_query(q: str) -> list[tuple[str, ...]]:
    """Cut `q` into groups of word tokens: a quoted phrase is one group, and so is an
    unquoted chunk such as `e-mail` or `v1.2` (its parts must appear together); an unpaired
    quote is ignored. Every token is a \\w+ run: safe in any engine's syntax."""
    groups: list[tuple[str, ...]] = []
    for phrase, word in _CHUNK.findall(q):
        tokens = tuple(t.lower() for t in _WORD.findall(phrase or word))
        if tokens and tokens not in groups:
            groups.append(tokens)
    return groups[:MAX_GROUPS]


def highlight_html(raw: str) -> str:
    """The engine's fragment as safe HTML: text escaped, hits in <mark>…</mark>. Marks are
    kept balanced even if the text itself contained the marker characters."""
    out: list[str] = []
    open_mark = False
    for part in _MARKS.split(raw):
        if part == MARK_START:
            if not open_mark:
                out.append("<mark>")
            open_mark = True
        elif part == MARK_END:
            if open_mark:
                out.append("</mark>")
            open_mark = False
        elif part:
            out.append(html.escape(part, quote=False))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def _bound(name: str, value: str | None) -> tuple[int | None, int | None]:
    """(message id, epoch ms) for a `before`/`after` value: a message id (digits) or an
    ISO 8601 date or date-time (UTC unless it says otherwise)."""
    if value is None or value == "":
        return None, None
    value = value.strip()
    if value.isascii() and value.isdigit():
        if int(value) >= 2**63:
            raise ValidationError(f"{name} is out of range", code="invalid_bound")
        return int(value), None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"{name} must be a message id or an ISO 8601 date/time",
            code="invalid_bound",
            details={"field": name},
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return None, int(when.timestamp() * 1000)


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()[:16]


def _encode_cursor(offset: int, key: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"o": offset, "k": key})).decode().rstrip("=")


def _decode_cursor(cursor: str, key: str) -> int:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = data["o"]
        ok = isinstance(offset, int) and 0 < offset <= MAX_OFFSET and data["k"] == key
    except (ValueError, TypeError, KeyError):
        ok = False
    if not ok:
        raise InvalidCursor(
            "cursor is not one this search returned; start again without it",
            code="invalid_cursor",
        )
    return int(offset)


def _check_query(q: str) -> list[tuple[str, ...]]:
    if not q.strip():
        raise ValidationError("q must not be empty", code="invalid_query")
    if len(q) > MAX_QUERY_CHARS:
        raise ValidationError(
            f"q is {len(q)} characters; the limit is {MAX_QUERY_CHARS}",
            code="invalid_query",
            details={"limit": MAX_QUERY_CHARS, "length": len(q)},
        )
    return parse_query(q)


async def search(
    core: Core,
    ctx: Ctx,
    q: str,
    *,
    room_id: int | None = None,
    author_id: int | None = None,
    before: str | None = None,
    after: str | None = None,
    sort: Sort = "relevance",
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, Any]:
    """`{"results": [{"message", "highlight"}], "has_more", "cursor"}`; follow `cursor`
    (with the same parameters) for the next page."""
    groups = _check_query(q)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be 1–{MAX_LIMIT}", code="invalid_limit")
    before_id, before_ms = _bound("before", before)
    after_id, after_ms = _bound("after", after)
    scope = Scope(
        member_id=ctx.user_id,
        room_id=room_id,
        author_id=author_id,
        before_id=before_id,
        after_id=after_id,
        before_ms=before_ms,
        after_ms=after_ms,
    )
    key = _fingerprint(ctx.user_id, groups, room_id, author_id, before, after, sort, limit)
    offset = 0 if cursor is None else _decode_cursor(cursor, key)

    def read(conn: Connection) -> tuple[list[tuple[dict[str, Any], str]], bool]:
        if room_id is not None:
            visible_room(conn, ctx, room_id)  # NotFound for a room the caller cannot see
        return store.search(
            conn,
            groups,
            scope,
            newest_first=sort == "newest",
            offset=offset,
            limit=limit,
            viewer_id=ctx.user_id,
        )

    hits, has_more = await core.db.read(read)
    next_offset = offset + len(hits)
    has_more = has_more and next_offset < MAX_OFFSET
    return {
        "results": [{"message": m, "highlight": highlight_html(raw)} for m, raw in hits],
        "has_more": has_more,
        "cursor": _encode_cursor(next_offset, key) if has_more else None,
    }
