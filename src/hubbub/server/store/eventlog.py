"""Reads of the event log: the head, ranges for gap filling, and per-user replay candidates."""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from hubbub.server.events import Audience, LogEvent
from hubbub.server.store.schema import event_fanout, events, meta

PRUNED_THROUGH = "events_pruned_through"
# Audiences delivered by room membership (the exact per-user rule is services.visibility).
ROOM_AUDIENCES = (
    Audience.ROOM,
    Audience.ROOM_OTHERS,
    Audience.ROOM_BUT_TARGET,
    Audience.ROOM_BUT_MODS,
)

_COLS = [
    events.c.seq,
    events.c.type,
    events.c.audience,
    events.c.room_id,
    events.c.space_id,
    events.c.target_user_id,
    events.c.created_at,
    events.c.actor,
    events.c.data,
    events.c.fanout,
]


def head(conn: Connection) -> int:
    return int((conn.execute(select(func.max(events.c.seq)))).scalar() or 0)


def pruned_through(conn: Connection) -> int:
    q = select(meta.c.value).where(meta.c.key == PRUNED_THROUGH)
    value = (conn.execute(q)).scalar()
    return int(value) if value is not None else 0


def fetch_range(conn: Connection, after: int, upto: int) -> list[LogEvent]:
    """Every event with after < seq <= upto, in order (gap filling; no audience filter)."""
    q = select(*_COLS).where(events.c.seq > after, events.c.seq <= upto).order_by(events.c.seq)
    return [LogEvent.from_row(**r) for r in (conn.execute(q)).mappings()]


def scope_events_since(
    conn: Connection, user_id: int, cursor: int, types: tuple[str, ...]
) -> list[LogEvent]:
    """The events of `types` that name the user, after `cursor`, in order: the changes to
    their scope (services.visibility)."""
    q = (
        select(*_COLS)
        .where(
            events.c.target_user_id == user_id,
            events.c.seq > cursor,
            events.c.type.in_(types),
        )
        .order_by(events.c.seq)
    )
    return [LogEvent.from_row(**r) for r in (conn.execute(q)).mappings()]


def candidates(
    conn: Connection,
    *,
    user_id: int,
    rooms: set[int],
    spaces: set[int],
    cursor: int,
    upto: int,
    limit: int,
    staff: bool = False,
) -> list[LogEvent]:
    """Events after `cursor` that *may* be visible to the user; the caller decides exactly,
    replaying scope changes in order (services.visibility)."""
    who = [events.c.audience == Audience.GLOBAL.value, events.c.target_user_id == user_id]
    if staff:
        who.append(events.c.audience.in_([Audience.MODS.value, Audience.TRUSTED.value]))
    if rooms:
        who.append(
            and_(
                events.c.room_id.in_(rooms),
                events.c.audience.in_(
                    [a.value for a in (*ROOM_AUDIENCES, Audience.MODS, Audience.TRUSTED)]
                ),
            )
        )
    if spaces:
        who.append(
            and_(
                events.c.space_id.in_(spaces),
                events.c.audience.in_([Audience.SPACE.value, Audience.MODS.value]),
            )
        )
    # OBSERVERS events reach the user through any room, space or relation in their fan-out.
    via = [and_(event_fanout.c.kind == "u", event_fanout.c.key == user_id)]
    if rooms:
        via.append(and_(event_fanout.c.kind == "r", event_fanout.c.key.in_(rooms)))
    if spaces:
        via.append(and_(event_fanout.c.kind == "s", event_fanout.c.key.in_(spaces)))
    observed = select(event_fanout.c.seq).where(
        or_(*via), event_fanout.c.seq > cursor, event_fanout.c.seq <= upto
    )
    who.append(events.c.seq.in_(observed))
    q = (
        select(*_COLS)
        .where(events.c.seq > cursor, events.c.seq <= upto, or_(*who))
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [LogEvent.from_row(**r) for r in (conn.execute(q)).mappings()]


def prune_txn(conn: Connection, before_ms: int) -> int:
    """Delete events created before `before_ms`; remember the highest seq pruned so that
    older cursors get a clear `cursor_expired`. Returns the number of events removed."""
    q = select(func.max(events.c.seq), func.count()).where(events.c.created_at < before_ms)
    top, count = (conn.execute(q)).one()
    if not count:
        return 0
    conn.execute(delete(events).where(events.c.seq <= top))
    conn.execute(delete(event_fanout).where(event_fanout.c.seq <= top))
    if conn.scalar(select(meta.c.value).where(meta.c.key == PRUNED_THROUGH)) is None:
        conn.execute(insert(meta).values(key=PRUNED_THROUGH, value=str(top)))
    else:
        conn.execute(update(meta).where(meta.c.key == PRUNED_THROUGH).values(value=str(top)))
    return int(count)
