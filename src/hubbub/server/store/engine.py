"""The database handle: engines, SQLite pragmas, migrations, and where SQL runs.

Store functions are plain synchronous functions over a SQLAlchemy `Connection`, run as
one unit by `Database.read` or by the log writer (`Database.write`): on SQLite each unit
is one hop to a database thread, however many statements it runs (aiosqlite would hop
per statement); on PostgreSQL it runs through asyncpg via `run_sync`. Functions that run
inside a write transaction end in `_txn` and never await.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hubbub.errors import BadRequest
from hubbub.server.store import textfold

T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"
# Fixed 64-bit keys: every node serialises migrations, and log appends, on these.
MIGRATION_LOCK_KEY = 0x6875626275620001
LOG_LOCK_KEY = 0x6875626275620002
READ_THREADS = 4


def normalise_url(url: str) -> tuple[str, str]:
    """(backend, URL) for the URLs people write: a path, sqlite:///x.db, postgresql://…"""
    if "://" not in url:
        url = f"sqlite:///{url}"
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return "sqlite", str(parsed.set(drivername="sqlite+pysqlite"))
    if backend in ("postgresql", "postgres"):
        pg = parsed.set(drivername="postgresql+asyncpg")
        return "postgresql", pg.render_as_string(hide_password=False)
    raise BadRequest(f"unsupported database URL scheme {parsed.drivername!r}")


class Database:
    def __init__(self, url: str, *, sqlite_synchronous: str = "NORMAL") -> None:
        self.backend, self.url = normalise_url(url)
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        if self.backend == "sqlite":
            # check_same_thread off: pooled connections move between the read threads.
            self._sync = create_sync_engine(
                self.url,
                pool_size=READ_THREADS + 2,
                max_overflow=0,
                connect_args={"check_same_thread": False, "timeout": 10},
            )
            _configure_sqlite(self._sync, sqlite_synchronous)
            self._readers = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="hubbub-db-read")
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="hubbub-db-write")
        else:
            self._async = create_async_engine(self.url, pool_size=10, max_overflow=10)

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` on a connection inside one read transaction (a consistent snapshot)."""
        if self._sync is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._readers, _run_read, self._sync, fn)
        assert self._async is not None
        async with self._async.connect() as conn:
            return await conn.run_sync(_in_transaction, fn)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` inside one write transaction, holding the database's log lock, and
        commit. Only the log writer calls this: it is the single writer per process."""
        if self._sync is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._writer, _run_write_sqlite, self._sync, fn)
        assert self._async is not None
        async with self._async.connect() as conn:
            return await conn.run_sync(_run_write_pg, fn)

    async def migrate(self) -> None:
        """Bring the schema to the newest revision; safe when several nodes start at once."""
        await self.write(_upgrade)

    async def dispose(self) -> None:
        if self._sync is not None:
            self._readers.shutdown(wait=True)
            self._writer.shutdown(wait=True)
            self._sync.dispose()
        if self._async is not None:
            await self._async.dispose()


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    # WAL: readers never block the writer, and a committed transaction survives kill -9.
    # pysqlite's own transaction handling is off so that SAVEPOINT works and so that the
    # writer can BEGIN IMMEDIATE (take the write lock before reading max(seq)).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        textfold.register(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("hubbub_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _in_transaction(conn: Connection, fn: Callable[[Connection], T]) -> T:
    with conn.begin():
        return fn(conn)


def _run_read(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.connect() as conn:
        return _in_transaction(conn, fn)


def _run_write_sqlite(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.connect() as conn:
        conn = conn.execution_options(hubbub_immediate=True)
        return _in_transaction(conn, fn)


def _run_write_pg(conn: Connection, fn: Callable[[Connection], T]) -> T:
    with conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK_KEY})
        return fn(conn)


def _upgrade(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
