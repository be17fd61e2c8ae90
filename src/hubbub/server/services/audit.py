"""The audit log (MD-17, D.3): every room and space setting change and every permission,
membership or moderation change writes an entry in the same transaction, and logs
`audit.entry.created` to the moderators of that room or space (audience MODS)."""

from __future__ import annotations

from typing import Any

from hubbub.server.events import Audience, LogEvent
from hubbub.server.store import audit as store
from hubbub.server.store.log import Tx


def record_txn(
    tx: Tx,
    *,
    action: str,
    actor: dict[str, Any] | None,
    room_id: int | None = None,
    space_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Write one entry. Scope is the room when there is one, else the space. `action` is
    a dotted name such as `room.updated`, `role.assigned`, `space.member.banned`."""
    scope, scope_id = ("room", room_id) if room_id is not None else ("space", space_id)
    assert scope_id is not None, "an audit entry needs a room or a space"
    entry = store.insert_txn(
        tx.conn,
        scope=scope,
        scope_id=scope_id,
        space_id=space_id,
        room_id=room_id,
        action=action,
        actor_id=None if actor is None else actor["id"],
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        reason=reason,
        created_at=tx.now_ms,
    )
    tx.emit(
        LogEvent(
            type="audit.entry.created",
            audience=Audience.MODS,
            room_id=room_id,
            space_id=space_id,
            actor=actor,
            data={"entry": entry},
        )
    )
    return entry
