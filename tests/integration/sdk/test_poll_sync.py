"""`hubbub.sync.Client(transport="poll")`: a ChatExchange-style script that never opens a
WebSocket, against a real server on a thread of its own."""

from __future__ import annotations

import hubbub
import hubbub.sync
from tests.integration.sdk.test_sync import ThreadedServer, served

__all__ = ["served"]


def test_a_sync_script_reads_new_messages_by_polling(served: ThreadedServer) -> None:
    _, alice = served.register()
    _, bob = served.register()
    reader = hubbub.sync.Client(served.url, token=alice["token"], transport="poll", timeout=15)
    writer = hubbub.sync.Client(served.url, token=bob["token"], timeout=15)
    with reader, writer:
        room = reader.create_room("polled")
        writer.get_room(room.id).join()
        messages = room.new_messages(timeout=10)
        posted = [writer.get_room(room.id).send(f"line {i}") for i in range(3)]
        got = [next(messages) for _ in posted]
        assert [m.id for m in got] == [p.id for p in posted]
        assert [m.content for m in got] == ["line 0", "line 1", "line 2"]
        assert isinstance(got[0], hubbub.sync.SyncMessage)
