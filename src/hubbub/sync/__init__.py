"""`hubbub.sync`: the SDK for scripts, ChatExchange style: no asyncio for the caller.

    import hubbub.sync

    with hubbub.sync.Client(url, token=TOKEN) as chat:
        room = chat.get_room(1)
        room.send("hello")
        for message in room.new_messages():
            if message.content == "!time":
                message.reply(time.ctime())

Each `Client` runs an event loop in a background thread, hosting a real
`hubbub.Client`. Every method blocks on a future from that loop (`timeout` seconds at
most, then `TimeoutError`) and raises the same typed errors (`hubbub.errors`). Objects
are thin wrappers, one per id: attribute reads go to the async object (loading a lazy
fetch group on first access, so `chat.get_room(1)` makes no request and its `.name`
fetches the room, raising NotFound there), actions through the loop; any async method of
the async object is available as a blocking one.

Events reach the caller two ways, fed from the loop through thread-safe queues:
`room.watch(callback)` calls a plain function from a dispatcher thread of its own (a slow
callback never stalls the client; an exception is logged), and `room.new_events(...)` /
`room.new_messages()` are blocking generators. Closing the client ends both.
"""

from __future__ import annotations

from hubbub.sync.client import Client
from hubbub.sync.events import Watch
from hubbub.sync.objects import (
    SyncEmoji,
    SyncMember,
    SyncMessage,
    SyncNotification,
    SyncRole,
    SyncRoom,
    SyncSpace,
    SyncSpaceMember,
    SyncUser,
    SyncWebhook,
)

__all__ = [
    "Client",
    "SyncEmoji",
    "SyncMember",
    "SyncMessage",
    "SyncNotification",
    "SyncRole",
    "SyncRoom",
    "SyncSpace",
    "SyncSpaceMember",
    "SyncUser",
    "SyncWebhook",
    "Watch",
]
