"""Issue 3, full-text search: FTS5 on SQLite, a GIN index on PostgreSQL.

Nothing here is on the shared `metadata` (see store/schema_search.py for why).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Literal copies of store/schema_search.py's names: a migration must keep meaning what it
# meant when written, even if the module changes later.
FTS = "messages_fts"
PG_INDEX = "ix_messages_search"

# External content: FTS5 stores only the index and reads the text from `messages`, so a
# message's text is stored once. Deleted messages are not indexed, which is why every
# trigger looks at `deleted`. An external-content FTS5 row is removed by replaying its old
# values through the special 'delete' command.
_SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        content_text, content='messages', content_rowid='id', tokenize='porter unicode61')""",
    f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
        INSERT INTO {FTS}(rowid, content_text) VALUES (new.id, new.content_text);
    END""",
    f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON messages WHEN old.deleted = 0 BEGIN
        INSERT INTO {FTS}({FTS}, rowid, content_text)
            VALUES ('delete', old.id, old.content_text);
    END""",
    f"""CREATE TRIGGER {FTS}_au AFTER UPDATE OF content_text, deleted ON messages BEGIN
        INSERT INTO {FTS}({FTS}, rowid, content_text)
            SELECT 'delete', old.id, old.content_text WHERE old.deleted = 0;
        INSERT INTO {FTS}(rowid, content_text)
            SELECT new.id, new.content_text WHERE new.deleted = 0;
    END""",
    # Messages written before this migration.
    f"""INSERT INTO {FTS}(rowid, content_text)
        SELECT id, content_text FROM messages WHERE deleted = 0""",
]
_SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]

# An expression index rather than a stored tsvector column: nothing to keep in step, and
# no column for the schema comparison to trip on. Queries must repeat the expression and
# the `NOT deleted` predicate exactly for the planner to use it. `translate` turns < > &
# into spaces first: PostgreSQL's parser reads `<b>` or `&lt;` as markup and would drop
# the words around it (a message about `<div>` code must still be found by "div").
_PG_UP = [
    f"""CREATE INDEX {PG_INDEX} ON messages USING gin (
        to_tsvector('english'::regconfig, translate(content_text, '<>&', '   ')))
        WHERE NOT deleted""",
]
_PG_DOWN = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def _run(sqlite: list[str], postgresql: list[str]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": sqlite, "postgresql": postgresql}.get(dialect, []):
        op.execute(statement)


def upgrade() -> None:
    _run(_SQLITE_UP, _PG_UP)


def downgrade() -> None:
    _run(_SQLITE_DOWN, _PG_DOWN)
