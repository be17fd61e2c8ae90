"""Reconnect, resume and dedupe against a protocol fake of the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fake_gateway import FakeGateway, eventually, message_frame
from websockets.asyncio.server import ServerConnection

import hubbub
from hubbub.protocol.frames import CloseCode

FAST = hubbub.Backoff(base=0.01, cap=0.05, healthy_after=60.0)


@pytest.fixture
async def gateway() -> AsyncIterator[FakeGateway]:
    async with FakeGateway() as fake:
        yield fake


def make_client(gateway: FakeGateway, token: str = "good", **options: Any) -> hubbub.Client:
    options.setdefault("backoff", FAST)
    return hubbub.Client("http://127.0.0.1:9", token=token, gateway=gateway.url, **options)


class Recorder:
    """Collects what handlers saw, in order."""

    def __init__(self, client: hubbub.Client) -> None:
        self.seqs: list[int | None] = []
        self.lifecycle: list[hubbub.LifecycleEvent] = []
        client.add_handler(hubbub.MessageCreated, self._on_message)
        client.add_handler(hubbub.LifecycleEvent, self._on_lifecycle)

    async def _on_message(self, event: hubbub.MessageCreated) -> None:
        self.seqs.append(event.seq)

    async def _on_lifecycle(self, event: hubbub.LifecycleEvent) -> None:
        self.lifecycle.append(event)

    def names(self) -> list[str]:
        return [type(e).__name__ for e in self.lifecycle]

    async def until(self, predicate: Callable[[], bool], timeout: float = 3.0) -> None:
        await eventually(predicate, timeout)


async def test_connects_and_dispatches_live_events(gateway: FakeGateway) -> None:
    client = make_client(gateway, sequential_handlers=True)
    seen = Recorder(client)
    async with client:
        assert client.is_ready
        assert client.user is not None
        assert client.user.handle == "bot"
        assert [r.name for r in client.rooms] == ["general"]
        assert client.cursor == "0"
        assert gateway.hellos == [{"op": "hello", "token": "good"}]
        await gateway.publish(message_frame(1))
        await gateway.publish(message_frame(None))  # ephemeral: dispatched, no cursor move
        await gateway.publish(message_frame(2))
        await seen.until(lambda: len(seen.seqs) == 3)
        assert seen.seqs == [1, None, 2]
        assert client.cursor == "2"
    assert seen.names() == ["Connecting", "Connected", "Authenticated", "Ready"]


async def test_reconnect_resumes_from_last_seq_and_drops_duplicates(
    gateway: FakeGateway,
) -> None:
    async def at_least_once(fake: FakeGateway, ws: ServerConnection, hello: dict[str, Any]) -> None:
        # A sloppy server that replays from the start: the client must dedupe by seq.
        await fake.send_ready(ws)
        await fake.replay(ws, after=0)
        await fake.pump(ws)

    client = make_client(gateway, sequential_handlers=True)
    seen = Recorder(client)
    async with client:
        await gateway.publish(message_frame(1))
        await gateway.publish(message_frame(2))
        await seen.until(lambda: seen.seqs == [1, 2])
        gateway.plans.append(at_least_once)
        await gateway.drop_all(1011)
        gateway.log.append(message_frame(3))  # committed while the client was away
        await gateway.wait_for_hellos(2)
        await seen.until(lambda: 3 in seen.seqs)
        await gateway.publish(message_frame(4))
        await seen.until(lambda: 4 in seen.seqs)

    assert gateway.hellos[1] == {"op": "hello", "token": "good", "cursor": "2"}
    assert seen.seqs == [1, 2, 3, 4]
    names = seen.names()
    assert names[:4] == ["Connecting", "Connected", "Authenticated", "Ready"]
    assert names[4:10] == [
        "Disconnected",
        "Connecting",
        "Connected",
        "Authenticated",
        "Ready",
        "Resumed",
    ]
    disconnected = seen.lifecycle[4]
    assert isinstance(disconnected, hubbub.Disconnected)
    assert disconnected.code == 1011
    assert disconnected.will_reconnect
    ready = seen.lifecycle[8]
    assert isinstance(ready, hubbub.Ready)
    assert ready.resumed
    assert ready.user is client.user  # the same object across sessions


async def test_cursor_expired_resyncs_without_cursor(gateway: FakeGateway) -> None:
    async def expired(fake: FakeGateway, ws: ServerConnection, hello: dict[str, Any]) -> None:
        await ws.send('{"op":"error","code":"cursor_expired","message":"too old"}')
        await ws.close(CloseCode.CURSOR_EXPIRED, "cursor expired")

    client = make_client(gateway, sequential_handlers=True)
    seen = Recorder(client)
    async with client:
        await gateway.publish(message_frame(1))
        await seen.until(lambda: seen.seqs == [1])
        gateway.plans.append(expired)
        await gateway.drop_all(1012)
        await gateway.wait_for_hellos(3)
        await seen.until(lambda: seen.names().count("Ready") == 2)

    assert gateway.hellos[1].get("cursor") == "1"
    assert "cursor" not in gateway.hellos[2]
    missed = [e for e in seen.lifecycle if isinstance(e, hubbub.EventsMissed)]
    assert len(missed) == 1
    assert missed[0].cursor == "1"
    assert "Resumed" not in seen.names()


async def test_bad_token_raises_unauthorized_and_does_not_retry(gateway: FakeGateway) -> None:
    client = make_client(gateway, token="bad")
    seen = Recorder(client)
    with pytest.raises(hubbub.Unauthorized, match="nope") as info:
        await client.start()
    await client.close()
    assert info.value.code == "bad_token"
    assert len(gateway.hellos) == 1
    last = seen.lifecycle[-1]
    assert isinstance(last, hubbub.Disconnected)
    assert last.code == 4001
    assert not last.will_reconnect


async def test_revoked_token_mid_session_surfaces_from_wait_closed(
    gateway: FakeGateway,
) -> None:
    client = make_client(gateway)
    async with client:
        await gateway.drop_all(CloseCode.AUTH_FAILED, "token revoked")
        with pytest.raises(hubbub.Unauthorized):
            await asyncio.wait_for(client.wait_closed(), 3)


async def test_heartbeat_pings_and_zombie_detection(gateway: FakeGateway) -> None:
    gateway.answer_pings = False  # a half-dead link: our pings go out, nothing comes back
    client = make_client(gateway, heartbeat_interval=0.05)
    seen = Recorder(client)
    async with client:
        await gateway.wait_for_hellos(2)
    assert gateway.pings >= 1
    disconnected = next(e for e in seen.lifecycle if isinstance(e, hubbub.Disconnected))
    assert disconnected.will_reconnect


async def test_backoff_grows_while_flapping_and_resets_after_health(
    gateway: FakeGateway,
) -> None:
    async def flap(fake: FakeGateway, ws: ServerConnection, hello: dict[str, Any]) -> None:
        await fake.send_ready(ws)
        await ws.close(1011, "flap")

    async def connect_attempts(healthy_after: float) -> list[int]:
        gateway.plans[:] = [flap, flap, flap]
        gateway.hellos.clear()
        backoff = hubbub.Backoff(base=0.001, cap=0.01, healthy_after=healthy_after)
        client = make_client(gateway, backoff=backoff)
        seen = Recorder(client)
        async with client:
            await gateway.wait_for_hellos(4)
            await seen.until(lambda: seen.names().count("Ready") == 4)
        return [e.attempt for e in seen.lifecycle if isinstance(e, hubbub.Connecting)]

    assert await connect_attempts(60.0) == [0, 1, 2, 3]
    # healthy_after=0: every session counts as healthy, so each retry is the first again
    assert await connect_attempts(0.0) == [0, 1, 1, 1]


async def test_unreachable_server_without_reconnect_raises() -> None:
    client = hubbub.Client(
        "http://127.0.0.1:9", token="good", gateway="ws://127.0.0.1:9/gateway", reconnect=False
    )
    with pytest.raises(hubbub.ServiceUnavailable) as info:
        await client.start()
    await client.close()
    assert info.value.code == "gateway_closed"


async def test_typing_and_close(gateway: FakeGateway) -> None:
    client = make_client(gateway)
    async with client:
        room = client.get_room(7)
        assert room is not None
        await room.typing()
    with pytest.raises(RuntimeError, match="closed"):
        await client.start()


async def test_a_handler_may_close_the_client(gateway: FakeGateway) -> None:
    for sequential in (False, True):
        client = make_client(gateway, sequential_handlers=sequential)

        @client.on(hubbub.MessageCreated)
        async def shutdown(event: hubbub.MessageCreated, client: hubbub.Client = client) -> None:
            await client.close()

        await client.start()
        await gateway.publish(message_frame(gateway.head + 1))
        await asyncio.wait_for(client.wait_closed(), 3)
