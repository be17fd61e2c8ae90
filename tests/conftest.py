"""Shared fixtures: real services, real servers on loopback.

PostgreSQL and Redis come from HUBBUB_TEST_POSTGRES / HUBBUB_TEST_REDIS (defaults: the
local services). Each PostgreSQL test gets its own database, created from this run's
prefix and dropped at the end. Under CI=true an unreachable service fails the run; it is
never silently skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from hubbub.testing import TestServer

POSTGRES = os.environ.get("HUBBUB_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
REDIS = os.environ.get("HUBBUB_TEST_REDIS", "redis://127.0.0.1:6379/0")
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
RUN_ID = uuid.uuid4().hex[:8]
_created: list[str] = []


def _unavailable(what: str, exc: BaseException) -> None:
    message = f"{what} unreachable: {exc!r}"
    if CI:
        pytest.fail(message + " (CI=true: services are required)", pytrace=False)
    pytest.skip(message)


async def _pg_admin() -> Any:
    import asyncpg

    return await asyncpg.connect(
        POSTGRES.replace("postgresql+asyncpg://", "postgresql://"), timeout=5
    )


_template: list[str] = []


async def _migrated_template(conn: Any) -> str:
    """This run's template database, migrated once: copying it is much faster than
    migrating a fresh database for every test (the schema test still migrates itself)."""
    if not _template:
        from hubbub.server.store.engine import Database

        name = f"hubbub_{RUN_ID}_template"
        await conn.execute(f'CREATE DATABASE "{name}"')
        _created.append(name)
        db = Database(f"{POSTGRES.rsplit('/', 1)[0]}/{name}")
        try:
            await db.migrate()
        finally:
            await db.dispose()
        _template.append(name)
    return _template[0]


async def new_postgres_database() -> str:
    """A fresh PostgreSQL database (at the current schema, no rows) for one test; its URL."""
    try:
        conn = await _pg_admin()
    except Exception as exc:
        _unavailable("PostgreSQL", exc)
        raise
    name = f"hubbub_{RUN_ID}_{len(_created)}"
    try:
        template = await _migrated_template(conn)
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    _created.append(name)
    base = POSTGRES.rsplit("/", 1)[0]
    return f"{base}/{name}"


async def redis_url() -> str:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS)
    try:
        await client.ping()
    except Exception as exc:
        _unavailable("Redis", exc)
    finally:
        await client.aclose()
    return REDIS


def unique_prefix() -> str:
    """Channel prefix so that concurrent runs sharing one Redis never hear each other."""
    return f"t{RUN_ID}{uuid.uuid4().hex[:6]}:"


_DROPPER = """
import asyncio, os, sys
import asyncpg

async def drop(url, names):
    conn = await asyncpg.connect(url, timeout=5)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()

async def main():
    url, listing = sys.argv[1], sys.argv[2]
    with open(listing) as f:
        names = f.read().split()
    lanes = 4  # a drop mostly waits on the server's disk: a few at once take a fraction
    await asyncio.gather(*(drop(url, names[i::lanes]) for i in range(lanes)))
    os.remove(listing)

asyncio.run(main())
"""


@pytest.fixture(scope="session", autouse=True)
def _drop_databases() -> Any:
    """This run's PostgreSQL databases are dropped by a detached process once the tests
    are over: the run's result does not wait on hundreds of drops."""
    yield
    if not _created:
        return
    url = POSTGRES.replace("postgresql+asyncpg://", "postgresql://")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(_created))
    # A launcher that starts the dropper in its own session and exits at once: the
    # dropper outlives this run without being its child.
    dropper = [sys.executable, "-c", _DROPPER, url, listing.name]
    launch = (
        "import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True,"
        " stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    )
    subprocess.run([sys.executable, "-c", launch, *dropper], check=False)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    marker = pytest.mark.postgres if request.param == "postgres" else None
    if marker is not None:
        request.applymarker(marker)
    return str(request.param)


async def database_for(backend: str) -> str | None:
    """None → the TestServer's temporary SQLite file."""
    return await new_postgres_database() if backend == "postgres" else None


@pytest_asyncio.fixture
async def server(backend: str) -> AsyncIterator[TestServer]:
    """A real server on a loopback port, on SQLite or PostgreSQL, rate limits on."""
    async with TestServer(database=await database_for(backend)) as srv:
        yield srv


@pytest_asyncio.fixture
async def lite() -> AsyncIterator[TestServer]:
    """A real server on SQLite only: for flows whose SQL the two-backend tests cover."""
    async with TestServer() as srv:
        yield srv
