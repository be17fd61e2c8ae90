"""Migration 0001 creates exactly the schema the store's table definitions describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from hubbub.server.store.engine import Database
from hubbub.server.store.schema import metadata
from hubbub.server.store.schema_search import include_name
from tests.conftest import database_for


def _diff(conn: Connection) -> list[object]:
    # include_name: the full-text search objects live outside `metadata` (schema_search).
    opts = {"compare_type": True, "include_name": include_name}
    ctx = MigrationContext.configure(conn, opts=opts)
    return list(compare_metadata(ctx, metadata))


async def test_migrations_match_the_table_definitions(backend: str, tmp_path: Path) -> None:
    url = await database_for(backend) or f"sqlite:///{tmp_path / 'schema.db'}"
    db = Database(url)
    try:
        await db.migrate()
        await db.migrate()  # running again is a no-op
        assert await db.read(_diff) == []
    finally:
        await db.dispose()
