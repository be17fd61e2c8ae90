"""An echo bot: answers `!echo <text>` with `<text>`, as a reply to the command.

    HUBBUB_URL=http://127.0.0.1:8080 HUBBUB_TOKEN=... HUBBUB_ROOM=1 python examples/echo_bot.py

`build(client, rooms=...)` registers the handler on any `hubbub.Client`, so a test can
run the bot in-process (tests/integration/test_examples.py); `main()` runs it for real.
"""

from __future__ import annotations

import os
from collections.abc import Collection

import hubbub

PREFIX = "!echo "


def build(client: hubbub.Client, rooms: Collection[int] | None = None) -> None:
    """Register the echo handler on `client`: in `rooms` only, or every room if None."""

    @client.on(hubbub.MessageCreated)
    async def echo(event: hubbub.MessageCreated) -> None:
        message = event.message
        me = client.user
        if me is not None and message.author is not None and message.author.id == me.id:
            return  # never answer ourselves
        if rooms is not None and event.room_id not in rooms:
            return
        if not message.content.startswith(PREFIX):
            return
        text = message.content[len(PREFIX) :].strip()
        if text:
            await client.message(event).reply(text)


def main() -> None:
    """Run against HUBBUB_URL with HUBBUB_TOKEN, in HUBBUB_ROOM (every room if unset)."""
    client = hubbub.Client(
        os.environ.get("HUBBUB_URL", "http://127.0.0.1:8080"), token=os.environ["HUBBUB_TOKEN"]
    )
    room = os.environ.get("HUBBUB_ROOM")
    build(client, rooms=None if not room else {int(room)})
    client.run()


if __name__ == "__main__":
    main()
