"""The voice sweeper: a voice state does not outlive the right or the connection behind it
(services.voice's docstring). `sweep(core)` runs every second on every node (the app's
ticker; tests call it) and removes the states of users who no longer belong in their room
(left it or the space, banned, wiped, lost `view` or `connect`; the room deleted) and of
users presence logged offline, after its grace, since they joined, and who hold no gateway
connection on any node. Each removal is a guarded delete of that very join, so one node
logs its `voice.member.left`, once; a user who no longer receives the room's events gets a
USER copy.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping

from hubbub.errors import HubbubError
from hubbub.server.events import Audience, LogEvent, room_event
from hubbub.server.services.core import Core
from hubbub.server.services.presence import tracker_of
from hubbub.server.store import presence as presence_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import voice as store
from hubbub.server.store.log import Tx

__all__ = ["SWEEP_BATCH", "left_events", "sweep"]

SWEEP_BATCH = 100


def left_events(
    room_id: int, user_id: int, actor: dict[str, Any] | None, *, told_apart: bool
) -> list[LogEvent]:
    """`voice.member.left` to the room, and to the user alone when `told_apart`."""
    # The log writer fills the envelope's space_id from the room.
    data = {"user_id": user_id}
    out = [room_event("voice.member.left", room_id, actor, data)]
    if told_apart:  # they no longer receive the room's events: their own copy
        out.append(
            room_event(
                "voice.member.left",
                room_id,
                actor,
                data,
                audience=Audience.USER,
                target_user_id=user_id,
            )
        )
    return out


def _sweep_job(row: RowMapping, offline: bool) -> Any:
    user_id, room_id, joined_at = int(row["user_id"]), int(row["room_id"]), int(row["joined_at"])

    def job(tx: Tx) -> bool:
        conn = tx.conn
        if offline:
            if presence_store.state(conn, user_id)[0] != presence_store.OFFLINE:
                return False  # back before we got here
        elif any(s["user_id"] == user_id for s in store.in_room(conn, room_id)):
            return False  # no longer stale (e.g. given the room back)
        if not store.remove_txn(conn, user_id, room_id, joined_at):
            return False
        # A deleted room's members left its scope with its `room.deleted`, and one who
        # lost the room left it with theirs: either way, they get their own copy.
        deleted = rooms_store.get_room(conn, room_id) is None
        apart = deleted or rooms_store.member_role(conn, room_id, user_id) is None
        for ev in left_events(room_id, user_id, None, told_apart=apart):
            tx.emit(ev)
        return True

    return job


async def sweep(core: Core) -> int:
    """Remove voice states that outlived their user's right or connection (see the module
    docstring); how many this call removed."""
    stale, offline = await core.db.read(
        lambda c: (store.stale(c, SWEEP_BATCH), store.gone_offline(c, SWEEP_BATCH))
    )
    if offline:
        # Connected after all (invisible users show offline): they stay.
        live = await tracker_of(core).live({int(r["user_id"]) for r in offline})
        offline = [r for r in offline if int(r["user_id"]) not in live]
    removed = 0
    for row, is_offline in [*((r, False) for r in stale), *((r, True) for r in offline)]:
        try:
            removed += bool(await core.log.run(_sweep_job(row, is_offline)))
        except HubbubError:  # e.g. shutting down: the next sweep finishes it
            break
    return removed
