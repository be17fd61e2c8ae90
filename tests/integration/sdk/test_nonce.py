"""Automatic nonces against a real server: a send whose response is lost (the connection
reset after the server committed it, or a proxy's 503 in its place) is retried with the
same nonce, and the server answers with the message the first attempt created. Exactly one
message is in the room's history."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Literal

import pytest
import pytest_asyncio

import hubbub
from hubbub.client.http import HTTPClient
from hubbub.client.network import NetworkError, NetworkResponse
from hubbub.errors import ServiceUnavailable
from hubbub.testing import TestServer, TestUser

Spoil = Literal["reset", "503"]


class LossyProxy:
    """A loopback TCP proxy in front of a server. Every request reaches the server, but the
    responses to the next `spoil` requests whose request line contains `match` are lost:
    the client's connection is reset ("reset") or sees a 503 instead ("503")."""

    def __init__(self, upstream_port: int, *, match: bytes, mode: Spoil) -> None:
        self.upstream_port = upstream_port
        self.match = match
        self.mode = mode
        self.spoil = 0
        self.spoiled = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        # Cut the links rather than cancel the handlers: asyncio logs a cancelled one.
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers.update((writer, up_writer))
        spoiling = False

        async def to_server() -> None:
            nonlocal spoiling
            while data := await reader.read(65536):
                line = data.split(b"\r\n", 1)[0]
                if self.spoil and line.startswith(b"POST ") and self.match in line:
                    self.spoil -= 1
                    spoiling = True
                up_writer.write(data)
                await up_writer.drain()

        async def to_client() -> None:
            while data := await up_reader.read(65536):
                if spoiling:
                    self.spoiled += 1
                    if self.mode == "503":
                        writer.write(
                            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n"
                            b"connection: close\r\n\r\n"
                        )
                        await writer.drain()
                    writer.transport.abort()
                    return
                writer.write(data)
                await writer.drain()

        try:
            forward = asyncio.ensure_future(to_server())
            await to_client()
            forward.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await forward
        except ConnectionError:
            pass
        finally:
            for w in (writer, up_writer):
                w.transport.abort()
                self._writers.discard(w)
            self._tasks.discard(task)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[TestServer]:
    async with TestServer() as running:
        yield running


async def _proxy(server: TestServer, match: bytes, mode: Spoil) -> LossyProxy:
    proxy = LossyProxy(server.port, match=match, mode=mode)
    await proxy.start()
    return proxy


async def _history(user: TestUser, room_id: int) -> list[int]:
    page = await user.request("GET", f"/rooms/{room_id}/messages")
    return [int(m["id"]) for m in page["messages"]]


@pytest.mark.parametrize("mode", ["reset", "503"])
async def test_a_lost_response_to_room_send_posts_once(server: TestServer, mode: Spoil) -> None:
    alice = await server.user()
    room = await server.room(alice)
    proxy = await _proxy(server, b"/messages", mode)
    client = hubbub.Client(proxy.url, token=alice.token)
    try:
        failures = client.stream(NetworkError, NetworkResponse)
        sdk_room = await client.fetch_room(room["id"])
        proxy.spoil = 1
        message = await sdk_room.send("exactly once")
        assert proxy.spoiled == 1
        assert await _history(alice, room["id"]) == [message.id]
        assert message.content == "exactly once"
        assert message.nonce is not None and len(message.nonce) == 32
        # What the app could watch: the room fetch, the lost attempt, then the answer.
        seen = [await anext(failures) for _ in range(3)]
        assert isinstance(seen[0], NetworkResponse) and seen[0].status == 200
        if mode == "reset":
            assert isinstance(seen[1], NetworkError)
            assert seen[1].error.code == "network_error"
            assert (seen[1].method, seen[1].path) == ("POST", f"/rooms/{room['id']}/messages")
        else:
            assert isinstance(seen[1], NetworkResponse) and seen[1].status == 503
        # The retry answers with the message the first attempt created.
        assert isinstance(seen[2], NetworkResponse) and seen[2].status == 200
        assert isinstance(seen[2].body, dict) and seen[2].body["id"] == message.id
        failures.close()
    finally:
        await client.close()
        await proxy.stop()


async def test_http_create_message_makes_up_a_nonce_and_retries(server: TestServer) -> None:
    alice = await server.user()
    room = await server.room(alice)
    proxy = await _proxy(server, b"/messages", "reset")
    http = HTTPClient(proxy.url, token=alice.token, send_retry_delay=0.01)
    try:
        proxy.spoil = 2  # two lost answers in a row: still within the two retries
        message = await http.create_message(room["id"], "twice lost")
        assert proxy.spoiled == 2
        assert message.nonce
        assert await _history(alice, room["id"]) == [message.id]
        # Beyond the retries, the error reaches the caller (and still one message).
        proxy.spoil = 3
        with pytest.raises(ServiceUnavailable) as err:
            await http.create_message(room["id"], "thrice lost", nonce="n-3")
        assert err.value.code == "network_error"
        again = await http.create_message(room["id"], "thrice lost", nonce="n-3")
        assert await _history(alice, room["id"]) == [message.id, again.id]
    finally:
        await http.aclose()
        await proxy.stop()


async def test_a_lost_webhook_execution_posts_once(server: TestServer) -> None:
    alice = await server.user()
    room = await server.room(alice)
    owner = HTTPClient(server.url, token=alice.token)
    hook = await owner.create_webhook(room["id"], "deploys")
    await owner.aclose()
    assert hook.token is not None
    proxy = await _proxy(server, b"/webhooks/", "reset")
    anonymous = HTTPClient(proxy.url, send_retry_delay=0.01)  # a webhook needs no token
    try:
        proxy.spoil = 1
        message = await anonymous.execute_webhook(hook.id, hook.token, "deployed v2")
        assert proxy.spoiled == 1
        assert await _history(alice, room["id"]) == [message.id]
    finally:
        await anonymous.aclose()
        await proxy.stop()


async def test_a_command_is_not_retried(server: TestServer) -> None:
    """Only the commands that post are deduplicated by their nonce: a lost answer to one
    is raised, not retried, so a command never runs twice."""
    alice = await server.user()
    room = await server.room(alice)
    proxy = await _proxy(server, b"/commands", "reset")
    http = HTTPClient(proxy.url, token=alice.token, send_retry_delay=0.01)
    try:
        proxy.spoil = 1
        with pytest.raises(ServiceUnavailable):
            await http.run_command(room["id"], "/me waves")
        assert proxy.spoiled == 1
        assert len(await _history(alice, room["id"])) == 1
    finally:
        await http.aclose()
        await proxy.stop()
