"""Full-text search objects (see migrations/versions/0005_search.py).

They are deliberately *not* on the shared `metadata`: each backend has its own kind of
index and neither is a plain table or index Alembic could compare.

- SQLite (embedded): `messages_fts`, an external-content FTS5 table over
  `messages.content_text` (rowid = message id), kept in step by triggers on `messages`.
  Only live messages are indexed; the triggers add, replace and remove rows on insert,
  edit and delete. FTS5 creates shadow tables `messages_fts_*` next to it.
- PostgreSQL (scale-out): `ix_messages_search`, a partial GIN expression index on
  `to_tsvector('english', content_text)` for live messages; PostgreSQL keeps it current
  itself, so nothing else has to.

`include_name` hides all of these from Alembic's autogenerate comparison (migrations/env.py
and the schema parity test), so the tables and indexes it compares are exactly `metadata`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Integer, Text, column, table

if TYPE_CHECKING:
    from alembic.runtime.environment import NameFilterParentNames, NameFilterType

FTS_TABLE = "messages_fts"
PG_INDEX = "ix_messages_search"
# The text search configuration on PostgreSQL; the FTS5 tokenizer matches it in spirit
# (Porter stemming: "running" finds "run"), so both backends answer alike.
PG_CONFIG = "english"
FTS5_TOKENIZE = "porter unicode61"

# A lightweight table clause (no MetaData): queries name it without Alembic seeing it.
messages_fts = table(FTS_TABLE, column("rowid", Integer), column("content_text", Text))


def is_search_object(name: str | None) -> bool:
    return name is not None and (name in (FTS_TABLE, PG_INDEX) or name.startswith(FTS_TABLE + "_"))


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Alembic's `include_name` hook: skip the search objects when comparing schemas."""
    return not (type_ in ("table", "index") and is_search_object(name))
