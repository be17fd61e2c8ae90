"""Typing and editing indicators: ephemeral (never logged), expiring after a TTL on an
injected clock (D.51, D.52).

`typing.started` / `message.editing.started` are re-broadcast at most once per half TTL
while a user keeps signalling; the matching `stopped` follows on expiry (`expire_due`,
driven by the app's ticker or a test), when the user says so, or as soon as the user
sends a message (typing) or saves the edit (editing).
"""

from __future__ import annotations

from hubbub.errors import Conflict, Forbidden
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.reactions import message_txn
from hubbub.server.services.rooms import is_moderator, room_role

Actor = dict[str, object]


class TypingTracker:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._ttl_ms = int(core.settings.typing_ttl_s * 1000)
        # (room_id, user_id) -> (expires_at_ms, last_broadcast_ms, actor snapshot)
        self._active: dict[tuple[int, int], tuple[int, int, Actor]] = {}
        # (message_id, user_id) -> (room_id, expires_at_ms, last_broadcast_ms, actor)
        self._editing: dict[tuple[int, int], tuple[int, int, int, Actor]] = {}

    # -- typing ----------------------------------------------------------------------

    async def start(self, ctx: Ctx, room_id: int) -> None:
        key = (room_id, ctx.user_id)
        now = self._core.clock.now_ms()
        current = self._active.get(key)
        if current is not None and now - current[1] < self._ttl_ms // 2:
            self._active[key] = (now + self._ttl_ms, current[1], current[2])
            return
        if current is None:
            role = await self._core.db.read(lambda c: room_role(c, ctx, room_id))
            role.require_member()
            role.require(Perm.SEND)
        await self._core.rate_limiter.take(("typing", ctx.user_id), "typing updates")
        expires = now + self._ttl_ms
        self._active[key] = (expires, now, ctx.user.snapshot())
        self._publish(
            "typing.started",
            room_id,
            ctx.user.snapshot(),
            {"room_id": room_id, "user_id": ctx.user_id, "expires_at": iso_ms(expires)},
        )

    def stop(self, ctx: Ctx, room_id: int) -> None:
        entry = self._active.pop((room_id, ctx.user_id), None)
        if entry is not None:
            self._stopped(room_id, ctx.user_id, entry[2])

    # -- editing ---------------------------------------------------------------------

    async def start_editing(self, ctx: Ctx, message_id: int) -> None:
        """The user is editing `message_id`: only its author or a room moderator may say
        so, of a message that is not deleted."""
        key = (message_id, ctx.user_id)
        now = self._core.clock.now_ms()
        current = self._editing.get(key)
        if current is not None and now - current[2] < self._ttl_ms // 2:
            self._editing[key] = (current[0], now + self._ttl_ms, current[2], current[3])
            return
        room_id = current[0] if current is not None else await self._may_edit(ctx, message_id)
        await self._core.rate_limiter.take(("typing", ctx.user_id), "typing updates")
        expires = now + self._ttl_ms
        self._editing[key] = (room_id, expires, now, ctx.user.snapshot())
        self._publish(
            "message.editing.started",
            room_id,
            ctx.user.snapshot(),
            {
                "room_id": room_id,
                "message_id": message_id,
                "user_id": ctx.user_id,
                "expires_at": iso_ms(expires),
            },
        )

    def stop_editing(self, user_id: int, message_id: int) -> None:
        """The user stopped (saved, cancelled); nothing happens if they were not editing."""
        entry = self._editing.pop((message_id, user_id), None)
        if entry is not None:
            self._stopped_editing(message_id, user_id, entry[0], entry[3])

    async def _may_edit(self, ctx: Ctx, message_id: int) -> int:
        row, role = await self._core.db.read(lambda c: message_txn(c, ctx, message_id))
        role.require_member()
        if row["author_id"] != ctx.user_id and not is_moderator(role):
            raise Forbidden(
                "only the author or the room's moderators can edit this message",
                code="not_message_author",
            )
        if row["deleted"]:
            raise Conflict("the message was deleted", code="message_deleted")
        return int(row["room_id"])

    # -- expiry and publishing -------------------------------------------------------

    def expire_due(self) -> int:
        now = self._core.clock.now_ms()
        due = [key for key, (expires, _b, _a) in self._active.items() if expires <= now]
        for room_id, user_id in due:
            _e, _b, actor = self._active.pop((room_id, user_id))
            self._stopped(room_id, user_id, actor)
        edits = [key for key, entry in self._editing.items() if entry[1] <= now]
        for message_id, user_id in edits:
            room_id, _e, _b, actor = self._editing.pop((message_id, user_id))
            self._stopped_editing(message_id, user_id, room_id, actor)
        return len(due) + len(edits)

    def _stopped(self, room_id: int, user_id: int, actor: Actor) -> None:
        self._publish("typing.stopped", room_id, actor, {"room_id": room_id, "user_id": user_id})

    def _stopped_editing(self, message_id: int, user_id: int, room_id: int, actor: Actor) -> None:
        data: dict[str, object] = {"room_id": room_id, "message_id": message_id, "user_id": user_id}
        self._publish("message.editing.stopped", room_id, actor, data)

    def _publish(self, type_: str, room_id: int, actor: Actor, data: dict[str, object]) -> None:
        ev = LogEvent(
            type=type_, audience=Audience.ROOM_OTHERS, room_id=room_id, actor=dict(actor), data=data
        )
        ev.ts = self._core.clock.now_ms()
        self._core.publish_ephemeral(ev)
