"""The broadcast hold (MD-07, D.75): in a room with `delay_message_seconds`, a
non-moderator's message is stored with `release_at`; its author and the moderators get it
at once (services.pipeline), everyone else when the ticker releases it.

`release_due` runs on every node's ticker: each release clears `release_at` with a
conditional UPDATE inside the job, so a message is released (and its `message.created`
logged to ROOM_BUT_MODS) exactly once however many nodes tick. A message a moderator
deletes inside the window is never released: nobody else ever sees it.
"""

from __future__ import annotations

from hubbub.server.services import messages
from hubbub.server.services.core import Core
from hubbub.server.services.message_audience import published_event
from hubbub.server.store import messages as messages_store
from hubbub.server.store import moderation as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.log import Tx


async def release_due(core: Core) -> int:
    """Release every held message whose hold has run out; how many this call released."""
    due = await core.db.read(lambda c: store.due_releases(c, core.clock.now_ms()))
    if not due:
        return 0

    def job(tx: Tx) -> int:
        released = 0
        for message_id in due:
            row = messages_store.get_message_row(tx.conn, message_id)
            if row is None or row["release_at"] is None or row["release_at"] > tx.now_ms:
                continue
            if not store.release_txn(tx.conn, message_id):
                continue  # another node released it first, or it was deleted
            room = rooms_store.get_room(tx.conn, row["room_id"])
            message = messages_store.get_message(tx.conn, message_id)
            if room is None or message is None:
                continue
            author = message["author"]
            tx.emit(published_event(room, message, author))
            messages.notify_published_txn(tx, room, message)
            released += 1
        return released

    count: int = await core.log.run(job)
    return count
