"""Anonymous read-only access (ID-03), behind the `allow_anonymous` setting.

Without a token a client may read what any visitor of the room directory can: public and
gallery standalone rooms (their info and history), users' public profiles, and those
rooms' events, by long-poll or over a gateway connection opened with a `hello` that has
no token. It never receives USER, MODS, SPACE or OBSERVERS events, nor anything of a
private, DM, group or space room, and it cannot write (every write needs a token: 401).

The reader acts as a `Ctx` whose user is `ANONYMOUS` (id 0, an id no account has): the
ordinary permission rules then give it exactly the directory rooms' VIEW bit and nothing
else (a non-member's bits in a standalone room). Its event scope is an `AnonymousScope`
over the rooms it follows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import BadRequest, NotFound, Unauthorized
from hubbub.server.events import Audience, LogEvent
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.visibility import ROOM_DELETED, Change, Scope
from hubbub.server.store import anonymous as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store.users import UserRow

ANONYMOUS_ID = 0
ANONYMOUS = UserRow(
    id=ANONYMOUS_ID,
    handle="anonymous",
    display_name="Anonymous",
    avatar_url=None,
    bot=False,
    owner_id=None,
    created_at=0,
    password_hash=None,
)
# How many rooms one anonymous reader follows at most (hello `rooms`, or the directory).
MAX_FOLLOWED = 5000
MAX_HELLO_ROOMS = 100
ROOM_UPDATED = "room.updated"
# Events that can end an anonymous reader's interest in a room (besides SCOPE_TYPES).
ANONYMOUS_SCOPE_TYPES = frozenset({ROOM_UPDATED, ROOM_DELETED})
_ROOM_AUDIENCES = frozenset(
    {
        Audience.ROOM,
        Audience.ROOM_OTHERS,
        Audience.ROOM_BUT_TARGET,
        Audience.ROOM_BUT_MODS,
        Audience.GLOBAL,
    }
)


@dataclass(frozen=True, slots=True)
class AnonymousCtx(Ctx):
    """An anonymous reader. `rooms`: the rooms it asked to follow (None: every room of the
    directory); `strict`: whether a room it may not read is an error (REST) or is skipped
    (gateway)."""

    rooms: tuple[int, ...] | None = None
    strict: bool = True


def is_anonymous(ctx: Ctx) -> bool:
    return ctx.user.id == ANONYMOUS_ID


def anonymous_ctx(
    core: Core, rooms: Collection[int] | None = None, *, strict: bool = True
) -> AnonymousCtx:
    """The context of a request or connection without a token; 401 `token_missing` when
    the server does not allow anonymous readers."""
    if not core.settings.allow_anonymous:
        raise Unauthorized(
            "an `Authorization: Bearer <token>` header is required", code="token_missing"
        )
    return AnonymousCtx(
        user=ANONYMOUS,
        session_id=0,
        rooms=None if rooms is None else tuple(rooms),
        strict=strict,
    )


def hello_rooms(value: Any) -> list[int] | None:
    """The `rooms` of an anonymous `hello`: absent/null, or a list of room ids."""
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) > MAX_HELLO_ROOMS
        or not all(isinstance(r, int) and not isinstance(r, bool) and r > 0 for r in value)
    ):
        raise BadRequest(
            f"rooms must be a list of at most {MAX_HELLO_ROOMS} room ids", code="invalid_rooms"
        )
    return list(value)


@dataclass(slots=True)
class AnonymousScope(Scope):
    """What an anonymous reader receives: the room-addressed (and everyone-addressed)
    events of the rooms it follows, nothing else. A followed room that is deleted or made
    private is dropped."""

    def sees(self, ev: LogEvent) -> bool:
        return ev.room_id in self.rooms and ev.audience in _ROOM_AUDIENCES

    def apply(self, ev: LogEvent) -> list[Change]:
        room = ev.room_id
        if room is None or room not in self.rooms:
            return []
        gone = ev.type == ROOM_DELETED
        if ev.type == ROOM_UPDATED:
            mode = (ev.payload.get("changes") or {}).get("access_mode")
            gone = mode is not None and mode not in ("public", "gallery")
        if not gone:
            return []
        del self.rooms[room]
        return [("room", room, False, None)]

    def admit(self, ev: LogEvent) -> bool:
        shown = self.sees(ev)
        if shown and ev.type in ANONYMOUS_SCOPE_TYPES:
            self.apply(ev)
        return shown


def scope_of(conn: Connection, ctx: Ctx) -> AnonymousScope:
    """The rooms an anonymous reader follows now. Asked-for rooms it may not read are a
    NotFound (`room_not_found`) when `ctx.strict`, else skipped."""
    wanted = ctx.rooms if isinstance(ctx, AnonymousCtx) else None
    found = store.listed_room_ids(conn, wanted, MAX_FOLLOWED)
    if wanted is not None and isinstance(ctx, AnonymousCtx) and ctx.strict:
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise NotFound(f"room {missing[0]} not found", code="room_not_found")
    return AnonymousScope(
        user_id=ANONYMOUS_ID,
        rooms=dict.fromkeys(found),
        spaces=set(),
        mod_rooms=set(),
        mod_spaces=set(),
    )


def candidates(
    conn: Connection, scope: AnonymousScope, cursor: int, upto: int, limit: int
) -> list[LogEvent]:
    return store.room_events(conn, list(scope.rooms), cursor=cursor, upto=upto, limit=limit)


def followed_rooms(conn: Connection, ctx: Ctx) -> list[int]:
    """The ids of the rooms an anonymous reader follows (a pure read, for `ready`)."""
    return list(scope_of(conn, ctx).rooms)


def ready_state(conn: Connection, ctx: Ctx) -> dict[str, Any]:
    """`ready` for an anonymous reader: no user (`user`/`me` null, `anonymous` true), the
    rooms it follows, and nothing personal."""
    followed = set(followed_rooms(conn, ctx))
    listed = rooms_store.list_rooms(
        conn, user_id=ANONYMOUS_ID, joined_only=False, after=None, limit=MAX_FOLLOWED
    )
    found = [r for r in listed if r.id in followed]
    return {
        "me": None,
        "user": None,
        "anonymous": True,
        "rooms": [r.wire() for r in found],
        "spaces": [],
        "members": [],
        "emojis": [],
        "users": [],
        "read_states": None,
        "relationships": None,
        "settings": None,
        "voice_states": [],
    }


async def read(core: Core, ctx: Ctx) -> dict[str, Any]:
    """`ready` for an anonymous reader (as services.ready.read is for a user)."""
    return await core.db.read(lambda conn: ready_state(conn, ctx))


@contextmanager
def sign_in_to_see(ctx: Ctx) -> Iterator[None]:
    """Around an anonymous-readable read: what an anonymous reader may not see (a private
    or space room, or nothing at all) answers 401 `token_missing`, as every other endpoint
    does without a token, rather than 404: signing in may show it, and nothing is revealed
    either way. Signed-in callers keep their 404."""
    try:
        yield
    except NotFound:
        if not is_anonymous(ctx):
            raise
        raise Unauthorized(
            "sign in (an `Authorization: Bearer <token>` header) to read this",
            code="token_missing",
        ) from None
