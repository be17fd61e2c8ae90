"""Full-text search over messages: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Input here is already clean: `groups` are lists of word tokens (a single word or a quoted
phrase) made by the service, so no user text ever reaches the FTS5 query language or
`to_tsquery` syntax. Both backends answer the same question: messages that contain every
group (words stemmed, phrases in order), live (not deleted), in the rooms of the scope,
ranked by relevance (FTS5 bm25, PostgreSQL ts_rank), each with a highlighted fragment whose
hits are wrapped in MARK_START/MARK_END (private-use characters: the service escapes the
text and turns them into <mark> tags).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, literal_column, not_, select
from sqlalchemy.engine import RowMapping

from hubbub.server.store.messages import _wire_rows, shown_to
from hubbub.server.store.schema import messages, room_members, rooms, users
from hubbub.server.store.schema_search import FTS_TABLE, PG_CONFIG, messages_fts

MARK_START = "\ue000"
MARK_END = "\ue001"
# A message up to this many characters is shown whole (most chat messages); a longer one
# as a fragment around the hits of about SNIPPET_TOKENS words.
WHOLE_CHARS = 400
SNIPPET_TOKENS = 32
_MARKS = f"StartSel={MARK_START}, StopSel={MARK_END}"
_HEADLINE_WHOLE = f"{_MARKS}, HighlightAll=true"
_HEADLINE_FRAGMENT = f"{_MARKS}, MaxWords={SNIPPET_TOKENS + 3}, MinWords=15, ShortWord=2"
_AUTHOR = [
    users.c.handle.label("author_handle"),
    users.c.display_name.label("author_display_name"),
    users.c.avatar_url.label("author_avatar_url"),
]


@dataclass(frozen=True, slots=True)
class Scope:
    """Where and what to search. `room_id` alone (its visibility is the service's check),
    or every live room `member_id` belongs to."""

    member_id: int
    room_id: int | None = None
    author_id: int | None = None
    before_id: int | None = None
    after_id: int | None = None
    before_ms: int | None = None
    after_ms: int | None = None


def fts5_query(groups: Sequence[Sequence[str]]) -> str:
    """An FTS5 MATCH string: each group a double-quoted string (FTS5 reads a quoted string
    as a phrase of its tokens), groups ANDed by juxtaposition. Tokens are \\w+ runs, so
    they hold no quote and no operator can appear outside the quotes."""
    return " ".join('"' + " ".join(g) + '"' for g in groups)


def _where_scope(q: Select[Any], scope: Scope) -> Select[Any]:
    q = q.where(not_(messages.c.deleted))
    if scope.room_id is not None:
        q = q.where(messages.c.room_id == scope.room_id)
    else:
        mine = (
            select(room_members.c.room_id)
            .join(rooms, rooms.c.id == room_members.c.room_id)
            .where(room_members.c.user_id == scope.member_id, rooms.c.deleted_at.is_(None))
        )
        q = q.where(messages.c.room_id.in_(mine))
    if scope.author_id is not None:
        q = q.where(messages.c.author_id == scope.author_id)
    if scope.before_id is not None:
        q = q.where(messages.c.id < scope.before_id)
    if scope.after_id is not None:
        q = q.where(messages.c.id > scope.after_id)
    if scope.before_ms is not None:
        q = q.where(messages.c.created_at < scope.before_ms)
    if scope.after_ms is not None:
        q = q.where(messages.c.created_at > scope.after_ms)
    return q


def _short_or_long(whole: ColumnElement[Any], fragment: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((func.length(messages.c.content_text) <= WHOLE_CHARS, whole), else_=fragment)


def _sqlite(groups: Sequence[Sequence[str]]) -> tuple[Select[Any], ColumnElement[Any]]:
    fts: ColumnElement[Any] = literal_column(
        FTS_TABLE
    )  # the FTS5 table's hidden column of the same name
    whole = func.highlight(fts, 0, MARK_START, MARK_END)
    snippet = func.snippet(fts, 0, MARK_START, MARK_END, "…", SNIPPET_TOKENS)
    q = (
        select(messages, *_AUTHOR, _short_or_long(whole, snippet).label("highlight"))
        .select_from(messages_fts)
        .join(messages, messages.c.id == messages_fts.c.rowid)
        .join(users, users.c.id == messages.c.author_id)
        .where(fts.op("MATCH")(fts5_query(groups)))
    )
    # bm25() is lower for better matches.
    return q, func.bm25(fts).asc()


def _escaped(text: ColumnElement[Any]) -> ColumnElement[Any]:
    # ts_headline drops what its parser reads as tags; fed escaped text it keeps them all.
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = func.replace(text, char, entity)
    return text


def _postgres(groups: Sequence[Sequence[str]]) -> tuple[Select[Any], ColumnElement[Any]]:
    # Inlined, not bound: the planner matches the index expression (migration 0005) only
    # when it is spelled with the same constants.
    cfg: ColumnElement[Any] = literal_column(f"'{PG_CONFIG}'::regconfig")
    plain = func.translate(
        messages.c.content_text, literal_column("'<>&'"), literal_column("'   '")
    )
    vector = func.to_tsvector(cfg, plain)
    parts: list[ColumnElement[Any]] = [func.phraseto_tsquery(cfg, " ".join(g)) for g in groups]
    query = functools.reduce(lambda a, b: a.op("&&")(b), parts)
    escaped = _escaped(messages.c.content_text)
    headline = _short_or_long(
        func.ts_headline(cfg, escaped, query, _HEADLINE_WHOLE),
        func.ts_headline(cfg, escaped, query, _HEADLINE_FRAGMENT),
    )
    q = (
        select(messages, *_AUTHOR, headline.label("highlight"))
        .join(users, users.c.id == messages.c.author_id)
        .where(vector.op("@@")(query))
    )
    return q, func.ts_rank(vector, query).desc()


def search(
    conn: Connection,
    groups: Sequence[Sequence[str]],
    scope: Scope,
    *,
    newest_first: bool,
    offset: int,
    limit: int,
    viewer_id: int,
) -> tuple[list[tuple[dict[str, Any], str]], bool]:
    """([(wire message, raw highlight)], has_more) for one page of results."""
    if not groups:
        return [], False
    build = _postgres if conn.dialect.name == "postgresql" else _sqlite
    q, by_rank = build(groups)
    q = _where_scope(q, scope)
    # What the pipeline keeps from others (shadowbanned, pending, held): only its author.
    q = q.where(shown_to(viewer_id))
    # Ties (and the "newest" order) fall back to the id: the order is total, so offsets
    # page without repeats while the index is unchanged.
    order = [messages.c.id.desc()] if newest_first else [by_rank, messages.c.id.desc()]
    rows: list[RowMapping] = list(
        conn.execute(q.order_by(*order).offset(offset).limit(limit + 1)).mappings()
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    wired = _wire_rows(conn, rows, viewer_id)
    # PostgreSQL's headline came from escaped text (see _escaped): back to plain text, so
    # both backends hand the service the same thing.
    plain = html.unescape if conn.dialect.name == "postgresql" else str
    return [(m, plain(r["highlight"] or "")) for m, r in zip(wired, rows, strict=True)], has_more
