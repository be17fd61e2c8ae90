"""A music-room DJ bot: keeps the queue fed from a small playlist, greets new listeners
with what is playing, answers `!np` with the current track, and upvotes the other DJs'
tracks.

    HUBBUB_URL=http://127.0.0.1:8080 HUBBUB_TOKEN=... HUBBUB_ROOM=1 python examples/dj_bot.py

The room must be a music room (`"kind": "music"`) and the bot one of its members.
`build(client, room_id)` registers the handlers on any `hubbub.Client`, so a test can run
the bot in-process (tests/integration/test_example_dj_bot.py); `main()` runs it for real.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from dataclasses import dataclass

import hubbub


@dataclass(frozen=True)
class Song:
    url: str
    title: str
    artist: str
    duration_s: int
    source: str = "youtube"


PLAYLIST = [
    Song(
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Never Gonna Give You Up", "Rick Astley", 213
    ),
    Song("https://www.youtube.com/watch?v=fJ9rUzIMcZQ", "Bohemian Rhapsody", "Queen", 355),
    Song(
        "https://soundcloud.com/daftpunk/one-more-time",
        "One More Time",
        "Daft Punk",
        320,
        "soundcloud",
    ),
]


def describe(track: hubbub.Track) -> str:
    by = f"{track.artist} – " if track.artist else ""
    return f"{by}{track.title} ({track.duration_s // 60}:{track.duration_s % 60:02d})"


def build(
    client: hubbub.Client, room_id: int, playlist: list[Song] = PLAYLIST, *, keep: int = 2
) -> None:
    """Register the DJ's handlers on `client` for the music room `room_id`: it keeps
    `keep` of its own tracks queued (cycling through `playlist`)."""
    songs = itertools.cycle(playlist)
    feeding = asyncio.Lock()  # one top-up at a time, or two handlers would over-queue

    def me() -> int:
        return client.user.id if client.user is not None else 0

    async def top_up() -> None:
        async with feeding:
            room = await client.fetch_room(room_id)
            state = await room.music()
            mine = sum(1 for item in state.queue if item.added_by == me())
            for _ in range(keep - mine):
                song = next(songs)
                await room.queue_track(
                    song.url, song.title, song.duration_s, source=song.source, artist=song.artist
                )

    async def playing() -> str:
        room = await client.fetch_room(room_id)
        now = (await room.music()).now_playing
        return "nothing is playing" if now is None else f"now playing: {describe(now.track)}"

    @client.on(hubbub.Ready)
    async def ready(event: hubbub.Ready) -> None:
        await top_up()  # after every (re)connect

    @client.on(hubbub.MemberJoined)
    async def greet(event: hubbub.MemberJoined) -> None:
        if event.room_id != room_id or event.member.user.id == me():
            return
        await top_up()
        room = await client.fetch_room(room_id)
        now = await playing()
        await room.send(f"Welcome @{event.member.user.handle}! {now[:1].upper()}{now[1:]}.")

    @client.on(hubbub.PlaybackStarted)
    async def started(event: hubbub.PlaybackStarted) -> None:
        if event.room_id != room_id:
            return
        if event.dj_id != me():
            room = await client.fetch_room(room_id)
            await room.vote("up", item_id=event.item_id)  # a good DJ cheers the others
        await top_up()

    @client.on(hubbub.MessageCreated)
    async def now_playing(event: hubbub.MessageCreated) -> None:
        message = event.message
        if event.room_id != room_id or message.content.strip() != "!np":
            return
        if message.author is not None and message.author.id == me():
            return
        await client.message(event).reply(await playing())


def main() -> None:
    """Run against HUBBUB_URL with HUBBUB_TOKEN, DJing in HUBBUB_ROOM."""
    client = hubbub.Client(
        os.environ.get("HUBBUB_URL", "http://127.0.0.1:8080"), token=os.environ["HUBBUB_TOKEN"]
    )
    build(client, int(os.environ["HUBBUB_ROOM"]))
    client.run()


if __name__ == "__main__":
    main()
