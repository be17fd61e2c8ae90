"""Voice rooms: state and signalling (issue 8; B17 VC-01…VC-04, EVENTS.md #75–79, D.37–D.39).
Media transport is out of scope: the server keeps who is in which voice room with which
flags, and a `VoiceProvider` (services.voice_provider) hands out a media node and token.

Who may do what:
- join (`POST /rooms/{id}/voice/join`): a member of a room of kind `voice` holding
  `connect` (in DEFAULT, like `send`: in a space every member who can view it; in a
  standalone room its read-write members, not gallery read-only ones). A user is in one
  voice room at a time: joining another moves them (`voice.member.moved`).
- leave, and change one's own `self_mute`, `self_deaf`, `camera`, `screensharing`.
- moderators: `mute_members` (server_mute), `deafen_members` (server_deaf), `move_members`
  (move to another voice room the target can join, and disconnect). Dedicated bits, not
  `moderate`, so a space can have voice stewards who moderate nothing else; a standalone
  room's moderators and every owner hold them. Nobody acts on someone at or above their
  rank (403 `cannot_moderate_higher`; a standalone room's owner is above its moderators).

Events (ROOM audience, which for a space room is exactly its viewers):
`voice.member.joined {room_id, state}`, `voice.member.left {room_id, user_id}`,
`voice.state.updated {room_id, user_id, changes, cleared}`; `voice.member.moved {user_id,
from_room_id, to_room_id, state}` to the viewers of both rooms at once (an OBSERVERS
fan-out over the two rooms, so someone who sees both gets it once); and
`voice.connection.reassigned {from_room_id, to_room_id, node, token}` to the moved user
when a moderator moved them (a self-move gets its connection in the answer).

A voice state does not outlive the right to be there nor the user's connection: the
sweeper (services.voice_sweep, `sweep` here) removes it when the user lost the room or
went offline.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from hubbub.errors import Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, Fanout, LogEvent, room_event
from hubbub.server.permissions import Perm
from hubbub.server.services.access import RoomAccess, outranks, room_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.voice_provider import (
    SigningVoiceProvider,
    VoiceConnection,
    VoiceProvider,
)
from hubbub.server.services.voice_sweep import left_events, sweep
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store import voice as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

__all__ = [
    "SELF_FLAGS",
    "SERVER_FLAGS",
    "disconnect",
    "join",
    "leave",
    "move",
    "participants",
    "provider_of",
    "server_update",
    "sweep",
    "update_self",
    "use_provider",
]

SELF_FLAGS = ("self_mute", "self_deaf", "camera", "screensharing")
SERVER_FLAGS = {"server_mute": Perm.MUTE_MEMBERS, "server_deaf": Perm.DEAFEN_MEMBERS}
_PROVIDER = "voice_provider"


# -- the provider ----------------------------------------------------------------------


def provider_of(core: Core) -> VoiceProvider:
    found: VoiceProvider | None = core.extras.get(_PROVIDER)
    if found is None:
        s = core.settings
        found = SigningVoiceProvider.from_settings(s.voice_nodes, s.voice_token_ttl_s)
        core.extras[_PROVIDER] = found
    return found


def use_provider(core: Core, provider: VoiceProvider) -> None:
    """Plug in another provider (an app's media service, a test's)."""
    core.extras[_PROVIDER] = provider


def _connect_txn(core: Core, tx: Tx, user_id: int, room_id: int) -> VoiceConnection:
    secret = core.settings.voice_secret or store.secret_txn(tx.conn)
    conn = provider_of(core).assign(
        user_id=user_id, room_id=room_id, now_ms=tx.now_ms, secret=secret
    )
    store.set_node_txn(tx.conn, user_id, conn.node)
    return conn


# -- checks ----------------------------------------------------------------------------


def not_a_voice_room(room: RoomRow) -> Conflict:
    return Conflict(
        f"room {room.id} is a {room.kind} room, not a voice room",
        code="not_a_voice_room",
        details={"kind": room.kind},
    )


def _voice_access(conn: Connection, ctx: Ctx, room_id: int) -> RoomAccess:
    access = room_access(conn, ctx.user, room_id)
    if access.room.kind != "voice":
        raise not_a_voice_room(access.room)
    return access


def _may_connect(access: RoomAccess) -> None:
    access.require_member()
    access.require(Perm.CONNECT)


def _not_in_voice(user_id: int, room_id: int) -> NotFound:
    return NotFound(f"user {user_id} is not in voice in room {room_id}", code="not_in_voice")


def _state_in(conn: Connection, user_id: int, room_id: int) -> RowMapping:
    row = store.get(conn, user_id)
    if row is None or int(row["room_id"]) != room_id:
        raise _not_in_voice(user_id, room_id)
    return row


def _outranked(conn: Connection, ctx: Ctx, access: RoomAccess, target_id: int) -> None:
    """Refuse acting on someone at or above the caller (oneself is fine)."""
    if target_id == ctx.user_id or ctx.user.is_moderator:
        return
    room = access.room
    if room.space_id is not None:
        space = spaces_store.get_space(conn, room.space_id)
        if space is None or outranks(conn, space, ctx.user, target_id):
            return
    else:
        # A standalone room: its owners act on anyone, its moderators on plain members.
        theirs = rooms_store.member_role(conn, room.id, target_id)
        if access.role == "owner" or theirs not in ("owner", "moderator"):
            return
    raise Forbidden(
        "that user is at or above your rank in this room", code="cannot_moderate_higher"
    )


def _flags(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(
                f"{key} cannot be set here; allowed: {', '.join(allowed)}",
                code="invalid_voice_state",
                details={"allowed": list(allowed)},
            )
        if value is None:
            continue
        if not isinstance(value, bool):
            raise ValidationError(f"{key} must be true or false", code="invalid_voice_state")
        out[key] = value
    return out


# -- events ----------------------------------------------------------------------------


def _moved_event(
    user_id: int, from_room: int, to_room: int, state: dict[str, Any], actor: dict[str, Any]
) -> LogEvent:
    return LogEvent(
        type="voice.member.moved",
        audience=Audience.OBSERVERS,
        room_id=to_room,
        actor=actor,
        target_user_id=user_id,
        data={
            "user_id": user_id,
            "from_room_id": from_room,
            "to_room_id": to_room,
            "state": state,
        },
        fanout=Fanout(rooms=frozenset({from_room, to_room})),
    )


def _state(conn: Connection, user_id: int) -> dict[str, Any]:
    row = store.get(conn, user_id)
    assert row is not None
    return store.wire(row)


# -- use cases -------------------------------------------------------------------------


async def join(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """Join a voice room (moving out of another one); `{room_id, state, connection}`.
    Joining the room one is in again only renews the connection."""

    def job(tx: Tx) -> dict[str, Any]:
        access = _voice_access(tx.conn, ctx, room_id)
        _may_connect(access)
        room = access.room
        actor = ctx.user.snapshot()
        current = store.get(tx.conn, ctx.user_id)
        if current is None:
            store.insert_txn(
                tx.conn, user_id=ctx.user_id, room_id=room_id, now_ms=tx.now_ms, node=""
            )
            connection = _connect_txn(core, tx, ctx.user_id, room_id)
            state = _state(tx.conn, ctx.user_id)
            tx.emit(
                room_event(
                    "voice.member.joined",
                    room_id,
                    actor,
                    {"state": state},
                    target_user_id=ctx.user_id,
                    space_id=room.space_id,
                )
            )
        elif int(current["room_id"]) == room_id:
            connection = _connect_txn(core, tx, ctx.user_id, room_id)
            state = store.wire(current)
        else:
            before = int(current["room_id"])
            store.move_txn(tx.conn, ctx.user_id, before, room_id, tx.now_ms, "")
            connection = _connect_txn(core, tx, ctx.user_id, room_id)
            state = _state(tx.conn, ctx.user_id)
            tx.emit(_moved_event(ctx.user_id, before, room_id, state, actor))
        return {"room_id": room_id, "state": state, "connection": connection.wire()}

    return await core.log.run(job)


async def leave(core: Core, ctx: Ctx, room_id: int) -> None:
    """Leave voice in this room; leaving where one is not is already done."""

    def job(tx: Tx) -> None:
        access = _voice_access(tx.conn, ctx, room_id)
        if store.remove_txn(tx.conn, ctx.user_id, room_id):
            for ev in left_events(
                access.room.id, ctx.user_id, ctx.user.snapshot(), told_apart=False
            ):
                tx.emit(ev)

    await core.log.run(job)


def _apply_txn(
    tx: Tx, room: RoomRow, row: RowMapping, values: dict[str, bool], actor: dict[str, Any]
) -> dict[str, Any]:
    user_id = int(row["user_id"])
    changes = {k: v for k, v in values.items() if bool(row[k]) != v}
    if changes:
        store.update_flags_txn(tx.conn, user_id, changes)
        tx.emit(
            room_event(
                "voice.state.updated",
                room.id,
                actor,
                {"user_id": user_id, "changes": changes, "cleared": []},
                target_user_id=user_id,
                space_id=room.space_id,
            )
        )
    return _state(tx.conn, user_id)


async def update_self(core: Core, ctx: Ctx, room_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Set one's own self_mute / self_deaf / camera / screensharing; the state."""
    values = _flags(fields, SELF_FLAGS)

    def job(tx: Tx) -> dict[str, Any]:
        access = _voice_access(tx.conn, ctx, room_id)
        row = _state_in(tx.conn, ctx.user_id, room_id)
        return _apply_txn(tx, access.room, row, values, ctx.user.snapshot())

    return await core.log.run(job)


async def server_update(
    core: Core, ctx: Ctx, room_id: int, user_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    """A moderator sets `server_mute` (mute_members) / `server_deaf` (deafen_members) of
    someone in voice here; their state."""
    values = _flags(fields, tuple(SERVER_FLAGS))

    def job(tx: Tx) -> dict[str, Any]:
        access = _voice_access(tx.conn, ctx, room_id)
        for key in values:
            access.require(SERVER_FLAGS[key])
        row = _state_in(tx.conn, user_id, room_id)
        _outranked(tx.conn, ctx, access, user_id)
        return _apply_txn(tx, access.room, row, values, ctx.user.snapshot())

    return await core.log.run(job)


def _target_can_join(conn: Connection, user_id: int, to_room_id: int) -> RoomAccess:
    target = users_store.get_user(conn, user_id)
    refused = Forbidden(
        f"user {user_id} cannot join voice in room {to_room_id}",
        code="target_cannot_connect",
        details={"room_id": to_room_id},
    )
    if target is None:
        raise refused
    try:
        access = room_access(conn, target, to_room_id)
        _may_connect(access)
    except (NotFound, Forbidden):
        raise refused from None
    return access


async def move(core: Core, ctx: Ctx, room_id: int, user_id: int, to_room_id: int) -> dict[str, Any]:
    """A moderator (move_members here) moves someone in voice here to another voice room
    they can see and join; `{room_id, state}` in the new room. The moved user gets
    `voice.connection.reassigned` with their new node and token."""

    def job(tx: Tx) -> dict[str, Any]:
        access = _voice_access(tx.conn, ctx, room_id)
        access.require(Perm.MOVE_MEMBERS)
        _state_in(tx.conn, user_id, room_id)
        _outranked(tx.conn, ctx, access, user_id)
        _voice_access(tx.conn, ctx, to_room_id)  # the caller must see it too
        _target_can_join(tx.conn, user_id, to_room_id)
        if to_room_id == room_id:
            return {"room_id": room_id, "state": _state(tx.conn, user_id)}
        actor = ctx.user.snapshot()
        store.move_txn(tx.conn, user_id, room_id, to_room_id, tx.now_ms, "")
        connection = _connect_txn(core, tx, user_id, to_room_id)
        state = _state(tx.conn, user_id)
        tx.emit(_moved_event(user_id, room_id, to_room_id, state, actor))
        tx.emit(
            LogEvent(
                type="voice.connection.reassigned",
                audience=Audience.USER,
                room_id=to_room_id,
                actor=actor,
                target_user_id=user_id,
                data={
                    "from_room_id": room_id,
                    "to_room_id": to_room_id,
                    "node": connection.node,
                    "token": connection.token,
                },
            )
        )
        return {"room_id": to_room_id, "state": state}

    return await core.log.run(job)


async def disconnect(core: Core, ctx: Ctx, room_id: int, user_id: int) -> None:
    """A moderator (move_members) disconnects someone from voice here."""

    def job(tx: Tx) -> None:
        access = _voice_access(tx.conn, ctx, room_id)
        access.require(Perm.MOVE_MEMBERS)
        _state_in(tx.conn, user_id, room_id)
        _outranked(tx.conn, ctx, access, user_id)
        store.remove_txn(tx.conn, user_id, room_id)
        for ev in left_events(access.room.id, user_id, ctx.user.snapshot(), told_apart=False):
            tx.emit(ev)

    await core.log.run(job)


async def participants(core: Core, ctx: Ctx, room_id: int) -> dict[str, Any]:
    """`{room_id, participants[]}`: who is in voice here (whoever can see the room)."""

    def read(conn: Connection) -> dict[str, Any]:
        _voice_access(conn, ctx, room_id)
        return {"room_id": room_id, "participants": store.in_room(conn, room_id)}

    return await core.db.read(read)
