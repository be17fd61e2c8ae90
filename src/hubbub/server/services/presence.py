"""Global presence (PR-02, EVENTS.md #19): what a user chose, what their gateway
connections say, and what everyone else is shown.

    chosen (users.presence)     online (automatic) | idle | busy | invisible
    live                        the user has a gateway connection on some node
    effective (shown to others) offline when not live or invisible, else the chosen one

`presence.updated {user_id, status, last_seen_at}` goes to the user's OBSERVERS, logged,
only when the effective status changes. The last status logged is kept per user
(`presence_states`) and compared inside the job that would log the next one, so nodes
racing to notice one transition log it once. Going offline waits
`presence_offline_grace_s` after the last connection closed: a quick reconnect logs
nothing. The wait runs on the injected clock and is driven by `tick()` (the app's ticker,
or a test after advancing the clock).

Connection counts live in this process (`LocalCounts`) or, in scale-out, in Redis
(`presence_redis.RedisCounts`), where a node that stops beating is presumed dead after
`presence_node_ttl_s` and its connections are dropped by the survivors' ticks.

`last_seen_at` moves when others see the user arrive or leave (connect while not
invisible; going offline, which includes turning invisible), so that an invisible user's
comings and goings stay hidden. The user's own sessions get a USER copy of
`presence.updated` with `own: true` and the status they chose (`invisible` included)
whenever the choice changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import Connection

from hubbub.errors import BadRequest, NotFound
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services import observers
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import presence as store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.users import UserRow

log = logging.getLogger("hubbub.presence")

CHOICES = ("online", "idle", "busy", "invisible")
OFFLINE = store.OFFLINE
INVISIBLE = "invisible"
UPDATED = "presence.updated"
MAX_BATCH = 100


def effective(chosen: str, live: bool) -> str:
    """The status others see."""
    if not live or chosen == INVISIBLE:
        return OFFLINE
    return chosen


class Counts(Protocol):
    """Live gateway connections per user, on this node or on every node."""

    shared: bool  # other nodes count too (then reconcile now and then)

    async def add(self, user_id: int) -> int:
        """Count one more connection; the user's total over all nodes."""
        ...

    async def remove(self, user_id: int) -> int:
        """Count one connection fewer; the user's total over all nodes."""
        ...

    async def totals(self, user_ids: Iterable[int]) -> dict[int, int]: ...

    async def beat(self, now_ms: int) -> list[tuple[int, int]]:
        """Say this node is alive; drop dead nodes' connections. Returns the users left
        without any connection by a dead node, with when it was last heard from."""
        ...

    async def close(self, *, dead: bool) -> None: ...


class LocalCounts:
    """The embedded deployment: one process holds every connection."""

    shared = False

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}

    async def add(self, user_id: int) -> int:
        self._counts[user_id] = self._counts.get(user_id, 0) + 1
        return self._counts[user_id]

    async def remove(self, user_id: int) -> int:
        left = self._counts.get(user_id, 0) - 1
        if left > 0:
            self._counts[user_id] = left
            return left
        self._counts.pop(user_id, None)
        return 0

    async def totals(self, user_ids: Iterable[int]) -> dict[int, int]:
        return {u: self._counts.get(u, 0) for u in user_ids}

    async def beat(self, now_ms: int) -> list[tuple[int, int]]:
        return []

    async def close(self, *, dead: bool) -> None:
        self._counts.clear()


# -- jobs ------------------------------------------------------------------------------


def _event_data(user_id: int, status: str, last_seen_at: int | None) -> dict[str, Any]:
    seen = None if last_seen_at is None else iso_ms(last_seen_at)
    return {"user_id": user_id, "status": status, "last_seen_at": seen}


def transition_txn(tx: Tx, user: UserRow, status: str, last_seen_at: int | None) -> bool:
    """Log `presence.updated` to the user's observers if `status` differs from the last
    status logged for them."""
    before, _generation = store.state(tx.conn, user.id)
    if before == status:
        return False
    store.set_shown_txn(tx.conn, user.id, status, tx.now_ms)
    data = _event_data(user.id, status, last_seen_at)
    tx.emit(observers.event_txn(tx.conn, UPDATED, user.id, user.snapshot(), data))
    return True


def _connected_job(user_id: int) -> Any:
    def job(tx: Tx) -> bool:
        user = users_store.get_user(tx.conn, user_id)
        if user is None or user.deleted_at is not None:
            return False
        store.bump_generation_txn(tx.conn, user_id, tx.now_ms)
        status = effective(user.presence, True)
        seen = user.last_seen_at
        if status != OFFLINE:
            seen = tx.now_ms
            store.set_last_seen_txn(tx.conn, user_id, seen)
        return transition_txn(tx, user, status, seen)

    return job


def _offline_job(user_id: int, generation: int, since_ms: int) -> Any:
    def job(tx: Tx) -> bool:
        shown, now_generation = store.state(tx.conn, user_id)
        # A connection since the decision was taken (on any node) makes it stale.
        if now_generation != generation or shown == OFFLINE:
            return False
        user = users_store.get_user(tx.conn, user_id)
        if user is None:
            return False
        store.set_last_seen_txn(tx.conn, user_id, since_ms)
        return transition_txn(tx, user, OFFLINE, since_ms)

    return job


# -- the tracker -----------------------------------------------------------------------


class PresenceTracker:
    """One per node: counts connections, notices transitions, logs them."""

    def __init__(self, core: Core, counts: Counts) -> None:
        self._core = core
        self.counts = counts
        self._grace_ms = int(core.settings.presence_offline_grace_s * 1000)
        self._reconcile_ms = int(core.settings.presence_node_ttl_s * 1000)
        # user → (when to log offline, when the last connection closed)
        self._pending: dict[int, tuple[int, int]] = {}
        self._next_reconcile = 0
        self._stopped = False

    async def start(self) -> None:
        """Users logged as present whom no node holds (a crash, a restart) go offline
        after the grace."""
        await self.tick()
        await self.reconcile()

    async def stop(self, *, dead: bool = True) -> None:
        """Stop counting. The node's connections are left for the survivors to drop
        (`dead`), exactly as if it had crashed, but at their next tick."""
        self._stopped = True
        await self.counts.close(dead=dead)

    async def connected(self, user_id: int) -> bool:
        """A gateway connection went live. True when it was counted: then call
        `disconnected` when it closes. Never raises: presence must not cost a connection."""
        if self._stopped or user_id <= 0:  # anonymous readers and system users
            return False
        try:
            await self.counts.add(user_id)
        except Exception:
            log.exception("presence: counting a connection failed")
            return False
        self._pending.pop(user_id, None)
        try:
            await self._core.log.run(_connected_job(user_id))
        except Exception as exc:  # e.g. shutting down; the next connect logs it
            log.warning("presence: logging a connect failed: %r", exc)
        return True

    async def disconnected(self, user_id: int) -> None:
        if self._stopped:
            return
        try:
            left = await self.counts.remove(user_id)
        except Exception:
            log.exception("presence: uncounting a connection failed")
            return
        if left <= 0:
            now = self._core.clock.now_ms()
            self._pending[user_id] = (now + self._grace_ms, now)

    async def tick(self) -> int:
        """Beat, drop dead nodes' connections, reconcile now and then, and log the
        offline transitions that are due. Returns how many were logged."""
        if self._stopped:
            return 0
        now = self._core.clock.now_ms()
        for user_id, since in await self.counts.beat(now):
            self._pending.setdefault(user_id, (since + self._grace_ms, since))
        if self.counts.shared and now >= self._next_reconcile:
            self._next_reconcile = now + self._reconcile_ms
            await self.reconcile()
        due = [u for u, (deadline, _since) in self._pending.items() if deadline <= now]
        if not due:
            return 0
        since_of = {u: self._pending.pop(u)[1] for u in due}
        # The generation is read before the connection counts: a reconnect after this
        # read bumps it, and the job below then leaves the user alone.
        generations = await self._core.db.read(
            lambda c: {u: store.state(c, u)[1] for u in since_of}
        )
        totals = await self.counts.totals(since_of)
        logged = 0
        for user_id, since in since_of.items():
            if totals.get(user_id, 0) > 0:
                continue
            job = _offline_job(user_id, generations[user_id], since)
            logged += bool(await self._core.log.run(job))
        return logged

    async def reconcile(self) -> None:
        """Schedule offline for users logged as present whom no connection holds."""
        ids = await self._core.db.read(store.not_offline_ids)
        if not ids:
            return
        totals = await self.counts.totals(ids)
        now = self._core.clock.now_ms()
        for user_id in ids:
            if totals.get(user_id, 0) <= 0 and user_id not in self._pending:
                self._pending[user_id] = (now + self._grace_ms, now)

    async def live(self, user_ids: Iterable[int]) -> set[int]:
        """Those of `user_ids` with a gateway connection on some node."""
        totals = await self.counts.totals(list(user_ids))
        return {u for u, n in totals.items() if n > 0}

    async def presence_of(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Effective statuses as others see them (the last logged ones): for `ready`."""
        ids = list(user_ids)
        return await self._core.db.read(lambda c: store.shown(c, ids))


def tracker_of(core: Core) -> PresenceTracker:
    tracker: PresenceTracker = core.extras["presence"]
    return tracker


def presence_of_txn(conn: Connection, user_ids: Iterable[int]) -> dict[int, str]:
    """user → effective status as others see it, read in the caller's transaction."""
    return store.shown(conn, user_ids)


# -- use cases -------------------------------------------------------------------------


def _view(user: UserRow, shown: str, viewer_id: int, live: bool) -> dict[str, Any]:
    """What `viewer_id` is told about `user`: others get the effective status; the user
    themself also sees `invisible` and what they chose. `status_text` (the profile's
    custom status) comes along, so a presence list needs no profile read per user."""
    out = _event_data(user.id, shown, user.last_seen_at)
    out["status_text"] = user.status_text
    if viewer_id == user.id:
        if user.presence == INVISIBLE and live:
            out["status"] = INVISIBLE
        out["chosen"] = user.presence
    return out


async def set_status(core: Core, ctx: Ctx, status: Any) -> dict[str, Any]:
    """PUT /users/me/presence: the chosen status; returns the user's own view."""
    if not isinstance(status, str) or status not in CHOICES:
        raise BadRequest(
            f"status must be one of {', '.join(CHOICES)}",
            code="invalid_presence_status",
            details={"allowed": list(CHOICES)},
        )
    user_id = ctx.user_id
    connected = bool(await tracker_of(core).live([user_id]))

    def job(tx: Tx) -> dict[str, Any]:
        user = users_store.get_user(tx.conn, user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found", code="user_not_found")
        shown, _generation = store.state(tx.conn, user_id)
        # Still shown as present (a connection elsewhere, or within the offline grace):
        # the new choice shows at once; the pending offline, if any, follows as usual.
        live = connected or shown != OFFLINE
        status_now = effective(status, live)
        seen = user.last_seen_at
        if status_now != shown:
            seen = tx.now_ms
            store.set_last_seen_txn(tx.conn, user_id, seen)
        store.set_chosen_txn(tx.conn, user_id, status)
        after = replace(user, presence=status, last_seen_at=seen)
        transition_txn(tx, after, status_now, seen)
        if user.presence != status:
            own = {**_event_data(user_id, status, seen), "own": True}
            tx.emit(
                LogEvent(
                    type=UPDATED,
                    audience=Audience.USER,
                    target_user_id=user_id,
                    actor=user.snapshot(),
                    data=own,
                )
            )
        return _view(after, status_now, user_id, connected)

    return await core.log.run(job)


async def get(core: Core, ctx: Ctx, user_id: int) -> dict[str, Any]:
    """GET /users/{id}/presence."""
    found = await get_many(core, ctx, [user_id])
    if not found:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    return found[0]


async def get_many(core: Core, ctx: Ctx, user_ids: list[int]) -> list[dict[str, Any]]:
    """GET /presence?user_ids=…: each existing user's presence, in the order asked."""
    if not user_ids:
        raise BadRequest("give at least one user id", code="invalid_user_ids")
    if len(set(user_ids)) > MAX_BATCH:
        raise BadRequest(
            f"at most {MAX_BATCH} user ids at once",
            code="too_many_user_ids",
            details={"limit": MAX_BATCH},
        )
    ids = list(dict.fromkeys(user_ids))

    def read(conn: Connection) -> tuple[dict[int, UserRow], dict[int, str]]:
        rows = {u: users_store.get_user(conn, u) for u in ids}
        found = {u: r for u, r in rows.items() if r is not None and r.deleted_at is None}
        return found, store.shown(conn, found)

    users, shown = await core.db.read(read)
    live = ctx.user_id in users and bool(await tracker_of(core).live([ctx.user_id]))
    return [_view(users[u], shown[u], ctx.user_id, live) for u in ids if u in users]


def make_tracker(core: Core) -> PresenceTracker:
    """Counts in this process, or in Redis when the bus is Redis (scale-out)."""
    if core.settings.bus.startswith(("redis://", "rediss://", "unix://")):
        from hubbub.server.services.presence_redis import RedisCounts

        counts = RedisCounts(core.settings.bus, core.settings.presence_node_ttl_s)
        return PresenceTracker(core, counts)
    return PresenceTracker(core, LocalCounts())
