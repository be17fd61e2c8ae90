"""An in-process hubbub server for tests: a real server on a free loopback port with a
temporary database, so a bot's tests need no outside service.

    async with TestServer() as server:
        user = await server.register("alice")      # {"user": ..., "token": ...}
        ... hubbub.Client(server.url, token=user["token"]) ...

pytest users get the `hubbub_server` fixture via `pytest_plugins = ["hubbub.testing"]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.server.clock import Clock
from hubbub.server.gateway.transport import PROTOCOL_PATH
from hubbub.server.services.core import Core
from hubbub.server.settings import Settings

# Limits stay on in tests, but every test client shares 127.0.0.1 and registers many
# users: the per-IP and per-user budgets are raised far above what any test sends.
# A test of the limits themselves passes its own values.
GENEROUS_LIMITS: dict[str, Any] = {
    "rest_user_read_burst": 100_000,
    "rest_user_write_burst": 100_000,
    "rest_ip_read_burst": 1_000_000,
    "rest_ip_write_burst": 1_000_000,
    "gateway_frames_burst": 100_000,
    "gateway_user_frames_burst": 100_000,
    "gateway_connects_burst": 1_000_000,
    "login_max_failures_per_ip": 100_000,
    "registrations_per_ip": 1_000_000,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# One migrated SQLite database per process, copied for each TestServer: a copy is a
# millisecond, running every migration is a fifth of a second per test.
_template: list[Path] = []


async def _sqlite_template() -> Path:
    if not _template:
        from hubbub.server.store.engine import Database

        folder = Path(tempfile.mkdtemp(prefix="hubbub-template-"))
        db = Database(f"sqlite:///{folder / 'hubbub.db'}")
        try:
            await db.migrate()
        finally:
            await db.dispose()  # the last connection closing folds the WAL into the file
        _template.append(folder / "hubbub.db")
    return _template[0]


class TestServer:
    """Start with `async with` (or `await start()`); `restart()` keeps the database."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        database: str | None = None,
        bus: str = "memory://",
        port: int | None = None,
        clock: Clock | None = None,
        **settings: Any,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._fresh_sqlite: Path | None = None
        if database is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="hubbub-test-")
            self._fresh_sqlite = Path(self._tmp.name) / "hubbub.db"
            database = f"sqlite:///{self._fresh_sqlite}"
        self.port = port or free_port()
        self.clock = clock
        self.settings = Settings.load(
            {
                "database": database,
                "bus": bus,
                "port": self.port,
                "log_level": "warning",
                "password_hashing": "fast",
                **GENEROUS_LIMITS,
                **settings,
            },
            toml_path="/nonexistent",
        )
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None
        self.app: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def core(self) -> Core:
        core: Core = self.app.state.core
        return core

    async def start(self) -> None:
        import uvicorn

        from hubbub.server.app import create_app

        if self._fresh_sqlite is not None and not self._fresh_sqlite.exists():
            shutil.copyfile(await _sqlite_template(), self._fresh_sqlite)
        self.app = create_app(self.settings, clock=self.clock)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws_max_size=self.settings.max_frame_bytes * 4,
            ws=PROTOCOL_PATH,  # the gateway transport `hubbub serve` runs
            ws_ping_interval=None,
            # X-Forwarded-For is the app's to judge (settings.trusted_proxies).
            proxy_headers=False,
            # Past uvicorn's 5 s, a keep-alive connection closed while a busy machine has
            # the next request already in flight reads as "server disconnected".
            timeout_keep_alive=60,
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("test server stopped during start-up")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 15)
        self._server = self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def drop_connections(self) -> int:
        """Close every gateway connection as a network drop would, from the server side."""
        n: int = self.core.extras["hub"].drop_all(1012, "dropped by the test server")
        return n

    async def register(
        self, username: str, password: str = "correct horse battery"
    ) -> dict[str, Any]:
        async with httpx.AsyncClient(verify=default_tls(), base_url=self.url) as http:
            resp = await http.post(
                "/api/v1/auth/register", json={"username": username, "password": password}
            )
            resp.raise_for_status()
            result: dict[str, Any] = resp.json()
            return result

    async def __aenter__(self) -> TestServer:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


try:
    import pytest_asyncio

    @pytest_asyncio.fixture
    async def hubbub_server() -> AsyncIterator[TestServer]:
        """A fresh in-process server with an empty temporary SQLite database."""
        async with TestServer() as server:
            yield server

except ImportError:  # pytest-asyncio is a test-time dependency only
    pass
