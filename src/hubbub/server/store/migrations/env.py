"""Alembic environment. The server runs migrations itself at start-up (store.engine.migrate),
handing Alembic an open connection in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context

from hubbub.server.store.schema import metadata
from hubbub.server.store.schema_search import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    include_name=include_name,  # full-text search objects are not on `metadata`
)
with context.begin_transaction():
    context.run_migrations()
