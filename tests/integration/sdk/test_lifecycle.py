"""Lifecycle events against a real server: their order across a forced reconnect,
Authenticated right before each Ready, Ready with the cache reconciled, LoggedOut once,
setup_hook exactly once (across reconnects, and when start() is retried)."""

from __future__ import annotations

from typing import Any

import pytest

import hubbub
from hubbub.testing import PASSWORD, TestServer

FAST = hubbub.Backoff(base=0.05, cap=0.2)


async def test_order_across_a_forced_reconnect(hubbub_server: TestServer) -> None:
    alice, bob = await hubbub_server.user(), await hubbub_server.user()
    room = await hubbub_server.room(alice, members=[bob])
    client = bob.client(backoff=FAST)
    seen: list[hubbub.LifecycleEvent] = []
    setups: list[int] = []
    reconciled: list[bool] = []

    @client.on(hubbub.LifecycleEvent)
    def record(event: hubbub.LifecycleEvent) -> None:
        seen.append(event)

    @client.on(hubbub.Ready)
    def check_cache(event: hubbub.Ready) -> None:
        # Handlers of Ready see the cache already holding what the ready frame said.
        reconciled.append([r.id for r in client.rooms] == [r.id for r in event.rooms])

    @client.setup_hook
    async def prepare() -> None:
        setups.append(len(seen))

    async with client:
        resumed = client.wait_for(hubbub.Resumed, timeout=10)
        assert hubbub_server.drop_connections() >= 1
        # A message committed while the client is away comes through the replay.
        missed = client.wait_for(hubbub.MessageCreated, timeout=10)
        await alice.send(room, "while away")
        await resumed
        assert (await missed).message.content == "while away"

    names = [type(e).__name__ for e in seen]
    assert names[:10] == [
        "Connecting",
        "Connected",
        "Authenticated",
        "Ready",
        "Disconnected",
        "Connecting",
        "Connected",
        "Authenticated",
        "Ready",
        "Resumed",
    ]
    assert setups == [0]  # once, before anything was dispatched, not again on reconnect
    assert reconciled == [True, True]
    first, second = seen[2], seen[7]
    assert isinstance(first, hubbub.Authenticated) and isinstance(second, hubbub.Authenticated)
    assert first.user_id == second.user_id == bob.id
    assert first.session_id and first.session_id == second.session_id
    assert first.connection_id and first.connection_id != second.connection_id
    ready = seen[8]
    assert isinstance(ready, hubbub.Ready) and ready.resumed
    assert isinstance(seen[4], hubbub.Disconnected) and seen[4].will_reconnect


class Bot(hubbub.Client):
    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, **options)
        self.calls: list[str] = []

    async def setup_hook(self) -> None:  # type: ignore[override]
        self.calls.append("override")


async def test_setup_hook_runs_once_when_start_is_retried() -> None:
    async with TestServer() as server:
        bob = await server.user()
        bot = Bot(server.url, token=bob.token, reconnect=False)
        await server.stop()
        with pytest.raises(hubbub.ServiceUnavailable):
            await bot.start()  # nothing listens: the first attempt fails
        assert bot.calls == ["override"]
        await server.start()
        await bot.start()  # retried: connects, does not set up again
        assert bot.is_ready
        assert bot.calls == ["override"]
        await bot.close()


async def test_logged_out_once_by_logout_and_by_the_server(hubbub_server: TestServer) -> None:
    bob = await hubbub_server.user()
    client = bob.client()
    outs: list[hubbub.LoggedOut] = []
    client.on(hubbub.LoggedOut)(outs.append)
    await client.start()
    # The server also tells this very connection (session.logged_out): still one event.
    await client.logout()
    assert [(o.reason, bool(o.session_id)) for o in outs] == [("logout", True)]
    await client.wait_closed()

    # Revoked from another session: the server's notice, then no reconnect.
    login = await hubbub.Client.login(hubbub_server.url, bob.handle, PASSWORD)
    phone = await hubbub.Client.login(hubbub_server.url, bob.handle, PASSWORD)
    phone_outs: list[str] = []
    after: list[str] = []

    @phone.on(hubbub.LifecycleEvent)
    def lifecycle(event: hubbub.LifecycleEvent) -> None:
        if isinstance(event, hubbub.LoggedOut):
            phone_outs.append(event.reason)
        elif phone_outs:
            after.append(type(event).__name__)

    async with login, phone:
        gone = phone.wait_for(hubbub.Disconnected, check=lambda e: not e.will_reconnect, timeout=10)
        await login.http.revoke_other_sessions()
        assert (await gone).code == 4001
        with pytest.raises(hubbub.Unauthorized):
            await phone.wait_closed()
    assert phone_outs == ["revoked"]
    assert after == ["Disconnected"]  # no Connecting: it does not come back
