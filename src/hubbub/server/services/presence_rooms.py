"""Room presence (PR-01, D.100), room mutes and `@here`.

`GET /rooms/{id}/presence` (VIEW on the room) answers
- `current_users`: members with a live gateway connection, i.e. whose connections receive
  the room now (a space room's viewers are its materialised members), minus those who
  chose to be invisible (the asker always sees themself);
- `pingable_users`: members who did not mute the room and posted within
  `pingable_window_days` or are present now.

`PUT /rooms/{id}/mute {muted}` is the member's own switch: it drops them from
`pingable_users` and is logged as `room.member.updated {changes: {muted}}` to that user
only (USER): a mute is nobody else's business.

`@here` notifies the members shown as present (the last logged effective status is not
offline), under the same permission as `@everyone` (mention_everyone).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.errors import BadRequest
from hubbub.server.events import Audience, room_event
from hubbub.server.services.access import room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.notifications import Recipient
from hubbub.server.services.presence import INVISIBLE, tracker_of
from hubbub.server.store import presence as store
from hubbub.server.store.log import Tx

HERE = "here"
# As for `@everyone` (services.content.MAX_EVERYONE): past this a room is an audience.
MAX_HERE = 1000
DAY_MS = 86_400_000


async def room_presence(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    def members(conn: Connection) -> tuple[list[int], dict[int, tuple[str, int | None]]]:
        room_access(conn, ctx.user, room_id)  # NotFound unless the asker may view it
        ids = store.member_ids(conn, room_id)
        return ids, store.chosen(conn, ids)

    ids, chosen = await core.db.read(members)
    live = await tracker_of(core).live(ids)
    current = [
        u
        for u in ids
        if u in live and (u == ctx.user_id or chosen.get(u, ("online", None))[0] != INVISIBLE)
    ]
    since = core.clock.now_ms() - int(core.settings.pingable_window_days * DAY_MS)

    def pingable(conn: Connection) -> dict[str, Any]:
        ping = store.pingable_candidates(conn, room_id, since, current)
        return {
            "room_id": room_id,
            "current_users": store.snapshots(conn, current),
            "pingable_users": store.snapshots(conn, ping),
        }

    return await core.db.read(pingable)


async def set_muted(core: Core, ctx: Ctx, room_id: int, muted: Any) -> dict[str, Any]:
    if not isinstance(muted, bool):
        raise BadRequest("muted must be true or false", code="invalid_muted")

    def job(tx: Tx) -> dict[str, Any]:
        room_access(tx.conn, ctx.user, room_id).require_member()
        before = store.is_muted(tx.conn, room_id, ctx.user_id)
        store.set_muted_txn(tx.conn, room_id, ctx.user_id, muted)
        if before != muted:
            tx.emit(
                room_event(
                    "room.member.updated",
                    room_id,
                    ctx.user.snapshot(),
                    {"user_id": ctx.user_id, "changes": {"muted": muted}, "cleared": []},
                    audience=Audience.USER,
                    target_user_id=ctx.user_id,
                )
            )
        return {"room_id": room_id, "muted": muted}

    return await core.log.run(job)


def mentions_here(handles: tuple[tuple[str, ...], ...]) -> bool:
    """`@here` (a reserved handle, services.auth) appears among a message's mentions."""
    return any(HERE in group for group in handles)


def here_txn(
    conn: Connection, room_id: int, author_id: int, already: list[Recipient]
) -> list[Recipient]:
    """A `mention` notification for each present member not otherwise notified (the
    caller checked `mention_everyone`)."""
    skip = {r.user_id for r in already} | {author_id}
    present = [u for u in store.online_member_ids(conn, room_id) if u not in skip]
    return [Recipient(uid, "mention", {"here": True}) for uid in present[:MAX_HERE]]
