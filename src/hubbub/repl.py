"""`python -m hubbub.repl`: an interactive console with a connected `hubbub.Client` (SDK-25).

    $ HUBBUB_URL=http://localhost:8000 HUBBUB_TOKEN=… python -m hubbub.repl
    hubbub 0.1.0 at http://localhost:8000 as alice (user 1)
    >>> room = await client.fetch_room(1)
    >>> await room.send("hello from the REPL")
    >>> events[-1]

Credentials come from the environment: `HUBBUB_URL` and either `HUBBUB_TOKEN` or
`HUBBUB_USERNAME` and `HUBBUB_PASSWORD`. Missing variables or a refused login print why
and exit with status 2.

Like `python -m asyncio`, top-level `await` works: the client lives on an event loop in
a background thread, and each statement that awaits runs there while the console waits
for it (Ctrl-C cancels it). In scope: `client` (started: the gateway is connected and
the cache ready), `me`, `hubbub`, `asyncio`, `events` (the most recent events
dispatched to the client, newest last), and two helpers: `await send(room, text)` (a
room id or a Room) and `show(n=10)`, which prints the last events one line each.
"""

from __future__ import annotations

import ast
import asyncio
import code
import collections
import concurrent.futures
import inspect
import os
import sys
import threading
import types
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import hubbub
from hubbub.client.client import Client
from hubbub.client.network import NetworkEvent
from hubbub.client.objects import Message, Room
from hubbub.errors import HubbubError
from hubbub.protocol.events import Event, MessageCreated, ServerEvent

__all__ = ["ENV_PASSWORD", "ENV_TOKEN", "ENV_URL", "ENV_USERNAME", "AsyncConsole", "main"]

ENV_URL = "HUBBUB_URL"
ENV_TOKEN = "HUBBUB_TOKEN"
ENV_USERNAME = "HUBBUB_USERNAME"
ENV_PASSWORD = "HUBBUB_PASSWORD"
RECENT_EVENTS = 100
START_TIMEOUT_S = 30.0
USAGE = (
    f"set {ENV_URL} and either {ENV_TOKEN} or {ENV_USERNAME} and {ENV_PASSWORD}, e.g.\n"
    f"  {ENV_URL}=http://localhost:8000 {ENV_TOKEN}=… python -m hubbub.repl"
)

T = TypeVar("T")


class ConfigError(Exception):
    """The environment does not say where or who to connect as."""


class _LoopThread:
    """An event loop running in a daemon thread; `run` waits for a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="hubbub-repl-loop")
        self._thread.daemon = True
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()  # Ctrl-C stops the awaited statement, not the console
            raise

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)


class AsyncConsole(code.InteractiveConsole):
    """An InteractiveConsole whose statements may `await` (asyncio.__main__'s approach):
    compiled with top-level await allowed, and every statement runs on the client's
    loop (awaited there when it turns out to be a coroutine), so that plain calls such
    as `client.wait_for(...)` touch the client from its own thread too. A statement that
    blocks (time.sleep) therefore holds the client up while it runs."""

    def __init__(self, runner: _LoopThread, namespace: dict[str, Any]) -> None:
        super().__init__(namespace, filename="<hubbub>")
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self._runner = runner

    def runcode(self, code: types.CodeType) -> None:
        async def execute() -> None:
            result = types.FunctionType(code, self.locals)()
            if inspect.iscoroutine(result):
                await result

        try:
            self._runner.run(execute())
        except SystemExit:
            raise
        except (KeyboardInterrupt, concurrent.futures.CancelledError):
            self.write("\nKeyboardInterrupt\n")
        except BaseException:
            self.showtraceback()


def credentials(env: Mapping[str, str]) -> tuple[str, str | None, tuple[str, str] | None]:
    """(url, token, (username, password)) from the environment; ConfigError if unusable."""
    url = env.get(ENV_URL, "").strip()
    token = env.get(ENV_TOKEN, "").strip() or None
    username, password = env.get(ENV_USERNAME, ""), env.get(ENV_PASSWORD, "")
    if not url:
        raise ConfigError(f"{ENV_URL} is not set")
    if token is not None:
        return url, token, None
    if not username or not password:
        raise ConfigError(f"neither {ENV_TOKEN} nor both {ENV_USERNAME} and {ENV_PASSWORD} set")
    return url, None, (username, password)


async def connect(url: str, token: str | None, login: tuple[str, str] | None) -> Client:
    """A started client: logged in with the password if no token was given."""
    if login is not None:
        client = await Client.login(url, *login)
    else:
        client = Client(url, token=token)
    try:
        if login is None:
            await client.fetch_me()  # a bad token or URL fails here, not in a retry loop
        async with asyncio.timeout(START_TIMEOUT_S):
            await client.start()
    except BaseException:
        await client.close()
        raise
    return client


def namespace(client: Client, recent: collections.deque[Event]) -> dict[str, Any]:
    async def send(room: int | Room, content: str) -> Message:
        """Post `content` to a room (an id or a Room); the message."""
        target = await client.fetch_room(room) if isinstance(room, int) else room
        return await target.send(content)

    def show(n: int = 10) -> None:
        """Print the last `n` events dispatched, one line each."""
        for event in list(recent)[-n:]:
            name = event.type_name or type(event).__name__
            print(f"{name:<28} {type(event).__name__:<22} {_summary(event)}")

    return {
        "__name__": "__console__",
        "__doc__": None,
        "asyncio": asyncio,
        "hubbub": hubbub,
        "client": client,
        "me": client.user,
        "events": recent,
        "send": send,
        "show": show,
    }


def _summary(event: Event) -> str:
    if isinstance(event, MessageCreated):
        author = event.message.author.handle if event.message.author else "?"
        return f"room {event.room_id} {author}: {event.message.content[:60]!r}"
    if isinstance(event, ServerEvent):
        return f"room {event.room_id} seq {event.seq}"
    return ""


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    try:
        url, token, login = credentials(env)
    except ConfigError as exc:
        print(f"hubbub.repl: {exc}\n{USAGE}", file=sys.stderr)
        return 2
    runner = _LoopThread()
    try:
        try:
            client = runner.run(connect(url, token, login))
        except (HubbubError, OSError, TimeoutError) as exc:
            print(f"hubbub.repl: could not log in to {url}: {exc}", file=sys.stderr)
            return 2
        recent: collections.deque[Event] = collections.deque(maxlen=RECENT_EVENTS)

        @client.on(Event)
        async def remember(event: Event) -> None:
            if not isinstance(event, NetworkEvent):  # one per REST call: noise here
                recent.append(event)

        me = client.user
        who = "anonymously" if me is None else f"as {me.handle} (user {me.id})"
        banner = (
            f"hubbub {hubbub.__version__} at {url} {who}\n"
            "In scope: client, me, hubbub, asyncio, events (recent, newest last), "
            "await send(room, text), show(n). Top-level await works; Ctrl-D quits."
        )
        try:
            AsyncConsole(runner, namespace(client, recent)).interact(banner=banner, exitmsg="")
        finally:
            runner.run(client.close())
        return 0
    finally:
        runner.stop()


if __name__ == "__main__":
    sys.exit(main())
