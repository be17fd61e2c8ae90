"""A ChatExchange-style script: no asyncio, a callback per event, answers "!time".

    HUBBUB_URL=http://localhost:8000 HUBBUB_TOKEN=… HUBBUB_ROOM=1 \\
        python examples/chatexchange_style.py

It watches one room (`room.watch(callback)`: the callback runs on a thread of its own)
and replies to every "!time" with the server-independent UTC time. Ctrl-C stops it.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import hubbub
import hubbub.sync


def main() -> None:
    url = os.environ.get("HUBBUB_URL", "http://localhost:8000")
    token = os.environ["HUBBUB_TOKEN"]
    room_id = int(os.environ["HUBBUB_ROOM"])

    with hubbub.sync.Client(url, token=token) as chat:
        me = chat.get_me()
        room = chat.get_room(room_id)
        room.join()  # events come for the rooms one belongs to (joining twice is fine)

        def on_event(event: hubbub.Event) -> None:
            if not isinstance(event, hubbub.MessageCreated):
                return
            author = event.message.author
            if author is not None and author.id == me.id:
                return  # never answer ourselves
            if event.message.content.strip() == "!time":
                now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                chat.message(event).reply(f"It is {now}.")

        watch = room.watch(on_event)
        print(f"watching {room.name!r} as {me.handle}", flush=True)
        try:
            while watch.running:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
