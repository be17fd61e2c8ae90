"""Typing indicators: ephemeral (never logged), expiring after a TTL on an injected clock.

`typing.started` is re-broadcast at most once per half TTL while a user keeps typing;
`typing.stopped` follows on expiry (`expire_due`, driven by the app's ticker or a test)
or as soon as the user sends a message.
"""

from __future__ import annotations

from hubbub.errors import Forbidden
from hubbub.server.clock import iso_ms
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import room_role


class TypingTracker:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._ttl_ms = int(core.settings.typing_ttl_s * 1000)
        # (room_id, user_id) -> (expires_at_ms, last_broadcast_ms, actor snapshot)
        self._active: dict[tuple[int, int], tuple[int, int, dict[str, object]]] = {}

    async def start(self, ctx: Ctx, room_id: int) -> None:
        key = (room_id, ctx.user_id)
        now = self._core.clock.now_ms()
        current = self._active.get(key)
        if current is not None and now - current[1] < self._ttl_ms // 2:
            self._active[key] = (now + self._ttl_ms, current[1], current[2])
            return
        if current is None:
            role = await self._core.db.read(lambda c: room_role(c, ctx, room_id))
            if role is None:
                raise Forbidden("join the room before typing in it", code="not_a_member")
        self._core.rate_limiter.hit(("typing", ctx.user_id), "typing updates")
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

    def expire_due(self) -> int:
        now = self._core.clock.now_ms()
        due = [key for key, (expires, _b, _a) in self._active.items() if expires <= now]
        for room_id, user_id in due:
            _e, _b, actor = self._active.pop((room_id, user_id))
            self._stopped(room_id, user_id, actor)
        return len(due)

    def _stopped(self, room_id: int, user_id: int, actor: dict[str, object]) -> None:
        self._publish("typing.stopped", room_id, actor, {"room_id": room_id, "user_id": user_id})

    def _publish(
        self, type_: str, room_id: int, actor: dict[str, object], data: dict[str, object]
    ) -> None:
        ev = LogEvent(
            type=type_, audience=Audience.ROOM_OTHERS, room_id=room_id, actor=dict(actor), data=data
        )
        ev.ts = self._core.clock.now_ms()
        self._core.publish_ephemeral(ev)
