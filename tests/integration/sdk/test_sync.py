"""`hubbub.sync`: the blocking facade against a real server. The server runs on a loop in
a thread of its own (`server_thread`), so the test itself is plain synchronous code, as a
script using hubbub.sync would be."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

import hubbub
import hubbub.sync
from hubbub.errors import NotFound, Unauthorized
from hubbub.testing import TestServer

T = TypeVar("T")
PASSWORD = "correct horse battery"


class ThreadedServer:
    """A TestServer on a loop in a background thread; `run` blocks on a coroutine there."""

    def __init__(self, server: TestServer, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.loop = loop

    @property
    def url(self) -> str:
        return self.server.url

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def register(self) -> tuple[str, dict[str, Any]]:
        username = "u" + uuid.uuid4().hex[:10]
        return username, self.run(self.server.register(username, PASSWORD))


@contextmanager
def server_thread() -> Iterator[ThreadedServer]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-server", daemon=True)
    thread.start()
    threaded = ThreadedServer(TestServer(), loop)
    try:
        threaded.run(threaded.server.__aenter__())
        yield threaded
    finally:
        threaded.run(threaded.server.__aexit__(None, None, None))
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def served() -> Iterator[ThreadedServer]:
    with server_thread() as server:
        yield server


def test_objects_and_actions(served: ThreadedServer) -> None:
    alice_name, _ = served.register()
    chat = hubbub.sync.Client.login(served.url, alice_name, PASSWORD, timeout=15)
    with chat:
        me = chat.get_me()
        assert me.handle and me is chat.get_user(me.id)
        room = chat.create_room("sync room")  # any async Client method, blocking
        assert isinstance(room, hubbub.sync.SyncRoom) and room is chat.get_room(room.id)
        assert room.name == "sync room"

        message = room.send("hello")
        assert message.content == "hello" and message is chat.get_message(message.id)
        assert message.author is me and message.room is room
        reply = message.reply("a reply")
        assert reply.reply_to is not None and reply.reply_to.id == message.id
        assert message.edit("hello again") is message and message.content == "hello again"
        assert [m.id for m in room.messages(limit=10)] == [message.id, reply.id]
        reply.delete()
        assert reply.deleted or reply.id not in [m.id for m in room.messages(limit=10)]

        # Errors arrive typed, exactly as from the async client.
        # get_room/get_message make no request: the error surfaces at first access.
        with pytest.raises(NotFound):
            _ = chat.get_room(987654321).name
        with pytest.raises(NotFound):
            _ = chat.get_message(987654321).content
        with pytest.raises(AttributeError):
            chat.no_such_method()
    assert chat.closed


def test_bad_token_is_typed(served: ThreadedServer) -> None:
    with pytest.raises(Unauthorized), hubbub.sync.Client(served.url, token="nope", timeout=15):
        pass


def test_watch_and_generators(served: ThreadedServer, caplog: pytest.LogCaptureFixture) -> None:
    _, alice = served.register()
    _, bob = served.register()
    chat = hubbub.sync.Client(served.url, token=alice["token"], timeout=15)
    other = hubbub.sync.Client(served.url, token=bob["token"], timeout=15)
    with chat, other:
        room = chat.create_room("watched")
        other.get_room(room.id).join()

        seen: queue.Queue[hubbub.Event] = queue.Queue()
        threads: list[str] = []

        def on_event(event: hubbub.Event) -> None:
            threads.append(threading.current_thread().name)
            seen.put(event)

        def broken(event: hubbub.Event) -> None:
            raise RuntimeError("a bug in the bot")

        watch = room.watch(on_event, hubbub.MessageCreated)
        room.watch(broken)
        messages = room.new_messages(timeout=10)
        events = room.new_events(hubbub.MessageCreated, hubbub.MessageUpdated, timeout=10)

        with caplog.at_level(logging.ERROR, logger="hubbub.sync"):
            posted = other.get_room(room.id).send("from bob")
            event = seen.get(timeout=10)
            assert isinstance(event, hubbub.MessageCreated)
            assert event.message.content == "from bob" and event.message.id == posted.id
            assert threads == ["hubbub-sync-watch"]

            received = next(messages)
            assert isinstance(received, hubbub.sync.SyncMessage)
            assert received.content == "from bob" and received.author is chat.get_user(bob_id(bob))
            assert received is chat.message(event)
            first = next(events)
            assert isinstance(first, hubbub.MessageCreated)

            posted.edit("edited by bob")
            updated = next(events)
            assert isinstance(updated, hubbub.MessageUpdated) and updated.message_id == posted.id
        assert "a watch callback failed" in caplog.text

        watch.stop()
        assert not watch.running
        other.get_room(room.id).send("after stop")
        assert next(messages).content == "after stop"
        assert seen.empty()

        # A consumer blocked in a generator ends when the client closes.
        ended = threading.Event()

        def consume() -> None:
            for _ in room.new_events():
                pass
            ended.set()

        consumer = threading.Thread(target=consume)
        consumer.start()
        chat.close()
        assert ended.wait(5)
        consumer.join(5)
        assert list(messages) == []
        with pytest.raises(RuntimeError):
            room.watch(on_event)


def test_generator_timeout_ends_iteration(served: ThreadedServer) -> None:
    _, alice = served.register()
    with hubbub.sync.Client(served.url, token=alice["token"], timeout=15) as chat:
        room = chat.create_room("quiet")
        assert list(room.new_messages(timeout=0.2)) == []


def bob_id(registered: dict[str, Any]) -> int:
    return int(registered["user"]["id"])


def test_public_surface() -> None:
    wrappers = {"Emoji", "Member", "Message", "Notification", "Role", "Room", "Space"}
    wrappers |= {"SpaceMember", "User", "Webhook"}
    assert set(hubbub.sync.__all__) == {"Client", "Watch"} | {f"Sync{w}" for w in wrappers}
    for name in hubbub.sync.__all__:
        assert getattr(hubbub.sync, name).__doc__
