"""A moderation bot: in the rooms it moderates, deletes every message containing a
banned phrase and kick-mutes its author for 60 s; anyone may `!report @user reason` to
file a report with the moderators (reasons: spam, abuse, harassment, illegal,
inappropriate, impersonation, other; anything else is filed as `other` with the text).

    HUBBUB_URL=http://127.0.0.1:8080 HUBBUB_TOKEN=... HUBBUB_BANNED="buy now,free coins" \\
        python examples/moderation_bot.py

The bot's account needs the `kick` permission and message deletion in each room
(room owner or moderator); elsewhere it logs the refusal and carries on.
`build(client, banned=...)` registers the handlers, so tests run it in-process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Iterable

import hubbub

_log = logging.getLogger("moderation_bot")

KICK_MUTE_S = 60
REASONS = frozenset(
    {"spam", "abuse", "harassment", "illegal", "inappropriate", "impersonation", "other"}
)


def build(
    client: hubbub.Client,
    banned: Iterable[str],
    *,
    rooms: Collection[int] | None = None,
    mute_s: int = KICK_MUTE_S,
) -> None:
    """Register the bot's handlers on `client`. `banned`: phrases matched case-insensitively
    anywhere in a message; `rooms`: where to act (every room the bot is in if None)."""
    phrases = [p.strip().casefold() for p in banned if p.strip()]

    @client.on(hubbub.MessageCreated)
    async def watch(event: hubbub.MessageCreated) -> None:
        message = event.message
        me = client.user
        if message.author is None or (me is not None and message.author.id == me.id):
            return
        if rooms is not None and event.room_id not in rooms:
            return
        text = message.content.casefold()
        if any(p in text for p in phrases):
            await _sanction(client, event, message.author.id, mute_s)
        elif message.content.startswith("!report "):
            await _report(client, event, message.content[len("!report ") :])


async def _sanction(
    client: hubbub.Client, event: hubbub.MessageCreated, author_id: int, mute_s: int
) -> None:
    try:
        await client.message(event).delete()
        await client.http.ban(
            event.room_id,
            author_id,
            "kick_mute",
            expires_in_s=mute_s,
            reason="banned phrase",
        )
    except hubbub.Forbidden as exc:  # not a room this bot moderates
        _log.warning("cannot moderate room %s: %s", event.room_id, exc.code)


async def _report(client: hubbub.Client, event: hubbub.MessageCreated, args: str) -> None:
    """`!report @handle [reason] [detail…]`: files a user report, answers in a reply."""
    message = client.message(event)
    words = args.split()
    if not words or not words[0].startswith("@"):
        await message.reply("usage: !report @user reason")
        return
    handle, rest = words[0][1:], words[1:]
    reason = rest[0].lower() if rest and rest[0].lower() in REASONS else "other"
    detail = " ".join(rest[1:] if rest and rest[0].lower() in REASONS else rest) or None
    try:
        user = await client.http.find_user_by_handle(handle)
        report = await client.http.report("user", user.id, reason, detail)
    except hubbub.HubbubError as exc:
        await message.reply(f"could not report @{handle}: {exc.code}")
        return
    await message.reply(f"report #{report.id} filed against @{handle} ({reason})")


def main() -> None:
    """Run against HUBBUB_URL with HUBBUB_TOKEN; HUBBUB_BANNED: comma-separated phrases;
    HUBBUB_ROOM: a comma-separated list of room ids (every room if unset)."""
    logging.basicConfig(level=logging.INFO)
    client = hubbub.Client(
        os.environ.get("HUBBUB_URL", "http://127.0.0.1:8080"), token=os.environ["HUBBUB_TOKEN"]
    )
    room = os.environ.get("HUBBUB_ROOM", "")
    build(
        client,
        os.environ.get("HUBBUB_BANNED", "").split(","),
        rooms={int(r) for r in room.split(",") if r.strip()} or None,
    )
    client.run()


if __name__ == "__main__":
    main()
