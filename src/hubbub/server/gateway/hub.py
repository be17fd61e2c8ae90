"""Live fan-out on one node. Receives committed events strictly in seq order from the
Sequencer and ephemeral events from the bus; resolves each event's audience through the
room and user indexes and hands the event's one encoded frame to each recipient.

Per recipient the work is an index lookup and a deque append; nothing is serialised per
connection."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from hubbub.server.events import Audience, LogEvent
from hubbub.server.gateway.connection import Connection, ConnState
from hubbub.server.services.anonymous import ANONYMOUS_ID, ANONYMOUS_SCOPE_TYPES
from hubbub.server.services.visibility import JOINED, LEFT, SCOPE_TYPES, Change, Scope


class Hub:
    def __init__(self) -> None:
        self.connections: set[Connection] = set()
        self._syncing: set[Connection] = set()
        self._by_user: dict[int, set[Connection]] = defaultdict(set)
        self._by_room: dict[int, set[Connection]] = defaultdict(set)
        self._by_space: dict[int, set[Connection]] = defaultdict(set)
        self._staff: set[Connection] = set()
        # Anonymous readers (user 0) by followed room: kept apart from the other indexes,
        # so that only room-addressed events can ever reach them.
        self._anon_by_room: dict[int, set[Connection]] = defaultdict(set)
        self.last_seq = 0
        self._news = asyncio.Event()
        self.delivered = 0

    # -- connections -------------------------------------------------------------------
    def register(self, conn: Connection) -> None:
        """Start buffering every event for a connection that is still handshaking."""
        self.connections.add(conn)
        self._syncing.add(conn)

    def go_live(self, conn: Connection, scope: Scope, cursor: int) -> None:
        """Switch from handshake to live: the events buffered since `register` that are
        newer than what the handshake already sent are filtered and queued, then the
        connection joins the indexes. No await happens in here, so nothing slips between."""
        conn.last_seq = max(conn.last_seq, cursor)
        for ev in conn.pending:
            if ev.seq is not None and ev.seq > conn.last_seq and scope.admit(ev):
                conn.push_event(ev)
        conn.pending = []
        self._syncing.discard(conn)
        if conn.state is ConnState.CLOSING:
            return
        conn.state = ConnState.LIVE
        conn.scope = scope
        if conn.user_id == ANONYMOUS_ID:
            for room in scope.rooms:
                self._anon_by_room[room].add(conn)
            return
        self._by_user[conn.user_id].add(conn)
        for room in scope.rooms:
            self._by_room[room].add(conn)
        for space in scope.spaces:
            self._by_space[space].add(conn)
        if scope.staff:
            self._staff.add(conn)

    def unregister(self, conn: Connection) -> None:
        self.connections.discard(conn)
        self._syncing.discard(conn)
        self._staff.discard(conn)
        _discard(self._by_user, conn.user_id, conn)
        for room in conn.scope.rooms:
            _discard(self._by_room, room, conn)
        for space in conn.scope.spaces:
            _discard(self._by_space, space, conn)
        for room in conn.scope.rooms:
            _discard(self._anon_by_room, room, conn)

    # -- delivery ----------------------------------------------------------------------
    def deliver(self, events: list[LogEvent]) -> None:
        for ev in events:
            for conn in self._syncing:
                conn.pending.append(ev)
            recipients = self._recipients(ev)
            for conn in recipients:
                conn.push_event(ev)
            self.delivered += len(recipients)
            if ev.type in SCOPE_TYPES or ev.type in ANONYMOUS_SCOPE_TYPES:
                for conn in recipients:
                    for change in conn.scope.apply(ev):
                        self._index(conn, change)
            if ev.seq is not None:
                self.last_seq = ev.seq
        self._news.set()
        self._news = asyncio.Event()

    def deliver_ephemeral(self, ev: LogEvent) -> None:
        for conn in self._recipients(ev):
            conn.push_event(ev)  # no seq: no cursor check, just the one encoded frame

    def _recipients(self, ev: LogEvent) -> list[Connection]:
        """The live connections whose scope sees `ev` (visibility.Scope.sees), found
        through the indexes: per recipient, a set lookup."""
        aud = ev.audience
        if aud is Audience.GLOBAL:
            return [
                c
                for c in self.connections
                if c.state is ConnState.LIVE and (c.user_id != ANONYMOUS_ID or c.scope.sees(ev))
            ]
        target = self._by_user.get(ev.target_user_id or 0, set())
        if aud is Audience.USER:
            return list(target)
        if aud is Audience.SPACE:
            return list(self._by_space.get(ev.space_id or 0, ()))
        if aud is Audience.OBSERVERS:
            found = set(target)
            fan = ev.fanout
            if fan is not None:
                for room_id in fan.rooms:
                    found.update(self._by_room.get(room_id, ()))
                for space_id in fan.spaces:
                    found.update(self._by_space.get(space_id, ()))
                for user_id in fan.users:
                    found.update(self._by_user.get(user_id, ()))
            return list(found)
        if aud is Audience.TRUSTED:
            pool = self._by_room.get(ev.room_id or 0, set())
            return list({c for c in pool if c.scope.sees(ev)} | self._staff)
        if aud is Audience.MODS:
            pool = (
                self._by_room.get(ev.room_id, set())
                if ev.room_id is not None
                else self._by_space.get(ev.space_id or 0, set())
            )
            mods = {c for c in pool if c.scope.sees(ev)}
            return list(mods | self._staff | target)
        room = self._by_room.get(ev.room_id or 0, set())
        anon = self._anon_by_room.get(ev.room_id or 0)
        if anon:
            room = room | anon
        if aud is Audience.ROOM:
            if ev.target_user_id is not None and ev.type in (JOINED, LEFT):
                return list(room | target)
            return list(room)
        if aud is Audience.ROOM_BUT_TARGET:
            return [c for c in room if c.user_id != ev.target_user_id]
        if aud is Audience.ROOM_BUT_MODS:  # who moderates is in each scope
            return [c for c in room if c.scope.sees(ev)]
        actor = ev.actor_id
        return [c for c in room if c.user_id != actor]

    def _index(self, conn: Connection, change: Change) -> None:
        kind, key, added, _space = change
        if conn.user_id == ANONYMOUS_ID:
            index = self._anon_by_room if kind == "room" else None
        else:
            index = self._by_room if kind == "room" else self._by_space if kind == "space" else None
        if index is None:
            return
        if added:
            index[key].add(conn)
        else:
            _discard(index, key, conn)

    async def wait_newer(self, seq: int, timeout: float) -> bool:
        """Wait until an event newer than `seq` has been delivered here (long-poll)."""
        if self.last_seq > seq:
            return True
        news = self._news
        try:
            await asyncio.wait_for(news.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close_session(self, session_id: int, reason: str) -> int:
        """Tell every connection of a session it is logged out, then close it (4001)."""
        closing = [c for c in self.connections if c.session_id == session_id]
        if closing:
            ev = LogEvent(
                type="session.logged_out",
                audience=Audience.USER,
                data={"session_id": session_id, "reason": reason},
            )
            for conn in closing:
                conn.push_event(ev)
                conn.close(4001, f"session {reason}")
        return len(closing)

    def drop_all(self, code: int = 1012, reason: str = "server asked clients to reconnect") -> int:
        """Close every connection (operators, tests); clients resume from their cursors."""
        for conn in list(self.connections):
            conn.close(code, reason)
        return len(self.connections)


def _discard(index: dict[int, set[Connection]], key: int, conn: Connection) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(conn)
        if not members:
            del index[key]
