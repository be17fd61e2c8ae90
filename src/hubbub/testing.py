"""An in-process hubbub server for tests: a real server on a free loopback port with a
temporary database, so a bot's tests need no outside service.

Helpers create what a test needs in one line each: `server.user()`, `server.bot()`,
`server.staff()` return a `TestUser` (id, handle, token; `.client()` for a
`hubbub.Client`, `.send()`/`.join()`/`.request()` for plain REST), `server.room(owner)`
a room. A bot's whole test, with `pytest_plugins = ["hubbub.testing"]` in conftest.py:

    async def test_echo(hubbub_server: TestServer) -> None:
        alice = await hubbub_server.user()
        bot = await hubbub_server.bot(owner=alice)
        room = await hubbub_server.room(alice, members=[bot])
        async with bot.client() as client, alice.client() as chat:
            build(client)  # the bot registers its handlers
            reply = chat.wait_for(hubbub.MessageCreated, check=bot.wrote, timeout=5)
            await alice.send(room, "!echo hi")
            assert (await reply).message.content == "hi"

Fixtures (pytest-asyncio): `hubbub_server`, a fresh server per test; `hubbub_client`, a
started `hubbub.Client` of a fresh user on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from hubbub.client.http import HTTPClient, default_tls
from hubbub.protocol.events import Event, MessageCreated
from hubbub.server.clock import Clock
from hubbub.server.gateway.transport import PROTOCOL_PATH
from hubbub.server.services.core import Core
from hubbub.server.settings import Settings

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["GENEROUS_LIMITS", "TestServer", "TestUser", "free_port"]

PASSWORD = "correct horse battery"
_names = itertools.count(1)


def _name(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


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


@dataclass
class TestUser:
    """Credentials of a user (or bot) made by a `TestServer` helper.

    `client()` gives a `hubbub.Client` for it (`async with user.client() as c:` connects
    and waits for Ready); `send`, `join` and `request` act over plain REST, raising the
    SDK's typed errors (`Forbidden`, `NotFound`, …) as a `hubbub.Client` would.
    """

    __test__ = False  # not a pytest test class

    url: str
    id: int
    handle: str
    token: str
    user: dict[str, Any] = field(repr=False)

    def wrote(self, event: Event) -> bool:
        """True for a `MessageCreated` whose author is this user: a `wait_for` check."""
        return (
            isinstance(event, MessageCreated)
            and event.message.author is not None
            and event.message.author.id == self.id
        )

    def client(self, **options: Any) -> Client:
        """A `hubbub.Client` with this user's token, not yet started."""
        from hubbub.client.client import Client

        return Client(self.url, token=self.token, **options)

    async def request(self, method: str, path: str, *, json: Any = None) -> Any:
        """One REST call under /api/v1 as this user: the decoded body, or a typed error."""
        http = HTTPClient(self.url, token=self.token)
        try:
            return await http.request(method, path, json=json)
        finally:
            await http.aclose()

    async def send(self, room: int | dict[str, Any], content: str, **fields: Any) -> dict[str, Any]:
        """Post a message; the message as the server returned it."""
        body = {"content": content, **fields}
        sent: dict[str, Any] = await self.request(
            "POST", f"/rooms/{_room_id(room)}/messages", json=body
        )
        return sent

    async def join(self, room: int | dict[str, Any]) -> None:
        """Join a room (public rooms; others need access granted first)."""
        await self.request("POST", f"/rooms/{_room_id(room)}/join")


def _room_id(room: int | dict[str, Any]) -> int:
    return room if isinstance(room, int) else int(room["id"])


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
        # The SDK's own timeout (30 s), not httpx's 5 s: a test making many users at once
        # on a loaded machine must not fail on a slow answer.
        async with httpx.AsyncClient(verify=default_tls(), base_url=self.url, timeout=30.0) as http:
            resp = await http.post(
                "/api/v1/auth/register", json={"username": username, "password": password}
            )
            resp.raise_for_status()
            result: dict[str, Any] = resp.json()
            return result

    # -- helpers for tests: users, bots, staff, rooms ----------------------------------

    async def user(self, name: str | None = None) -> TestUser:
        """Register a new user (a generated handle unless `name`)."""
        body = await self.register(name or _name("testuser"), PASSWORD)
        return self._test_user(body)

    async def bot(self, name: str | None = None, owner: TestUser | None = None) -> TestUser:
        """Create a bot account owned by `owner` (a new user unless given)."""
        owner = owner or await self.user()
        body = await owner.request("POST", "/bots", json={"username": name or _name("testbot")})
        return self._test_user(body)

    async def staff(self, name: str | None = None) -> TestUser:
        """A new global moderator (staff), made so before its token is first used."""
        from hubbub.server.store.users import set_moderator_txn

        user = await self.user(name)
        await self.core.db.write(lambda c: set_moderator_txn(c, user.id, True))
        return user

    async def room(
        self,
        owner: TestUser,
        name: str | None = None,
        *,
        members: Iterable[TestUser] = (),
        moderators: Iterable[TestUser] = (),
        **settings: Any,
    ) -> dict[str, Any]:
        """A room created by `owner` with `settings` (any POST /rooms field), joined by
        `members` and `moderators`, the latter made room moderators; the room's JSON."""
        body = {"name": name or _name("testroom"), **settings}
        room: dict[str, Any] = await owner.request("POST", "/rooms", json=body)
        rid = room["id"]
        for member in members:
            await member.join(rid)
        for mod in moderators:
            await mod.join(rid)
            await owner.request(
                "PATCH", f"/rooms/{rid}/members/{mod.id}", json={"role": "moderator"}
            )
        return room

    def _test_user(self, body: dict[str, Any]) -> TestUser:
        user: dict[str, Any] = body["user"]
        return TestUser(self.url, int(user["id"]), str(user["handle"]), body["token"], user)

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
        """A fresh in-process server with an empty temporary SQLite database, stopped
        after the test. Enable with `pytest_plugins = ["hubbub.testing"]` in conftest.py."""
        async with TestServer() as server:
            yield server

    @pytest_asyncio.fixture
    async def hubbub_client(hubbub_server: TestServer) -> AsyncIterator[Client]:
        """A started (Ready) `hubbub.Client` of a fresh user on `hubbub_server`."""
        user = await hubbub_server.user()
        async with user.client() as client:
            yield client

except ImportError:  # pytest-asyncio is a test-time dependency only
    pass
