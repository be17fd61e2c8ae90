"""The `ready` frame (EVENTS.md C.2 #7): everything a client needs to start from, sent in
full on every connect and reconnect so that a client reconciles its cache from it.

All of it is read on one connection, after the handshake has fixed its replay cursor and
registered the connection for live events: an event committed in between may show both in
this state and in the stream, and applying it again changes nothing; none can be missed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from hubbub.server.services import dms, presence, user_settings
from hubbub.server.services import spaces as spaces_service
from hubbub.server.services.core import Core, Ctx
from hubbub.server.store import emojis as emojis_store
from hubbub.server.store import readstate as readstate_store
from hubbub.server.store import relationships as relationships_store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import voice as voice_store

# Beyond this many members a space's member list is left out of `ready` (the client pages
# it with GET /spaces/{id}/members), as large communities would otherwise make every
# reconnect cost megabytes.
READY_MEMBERS_MAX = 1000


def build(conn: Connection, ctx: Ctx) -> dict[str, Any]:
    user = ctx.user
    me = user.wire()
    joined = rooms_store.joined_rooms(conn, user.id)
    space_rows = spaces_store.spaces_of(conn, user.id)
    spaces = [spaces_service.state(conn, s, user.id, user.is_moderator) for s in space_rows]
    members: list[dict[str, Any]] = []
    for space in space_rows:
        if spaces_store.member_count(conn, space.id) <= READY_MEMBERS_MAX:
            members.extend(spaces_store.list_members(conn, space.id, limit=READY_MEMBERS_MAX))
    emojis = [e for s in space_rows for e in emojis_store.list_in_space(conn, s.id)]
    people: dict[int, dict[str, Any]] = {}
    for member in members:
        people[int(member["user"]["id"])] = member["user"]
    rooms = [dms.conversation_wire(conn, room) for room in joined]
    for wire in rooms:
        for recipient in wire.get("recipients", ()):
            people[int(recipient["id"])] = recipient
    bot = user.bot
    ready: dict[str, Any] = {
        "me": me,
        "user": me,  # the name this frame had before EVENTS.md's `me`; kept for old clients
        "rooms": rooms,
        "spaces": spaces,
        "members": members,
        "emojis": emojis,
        "read_states": None if bot else readstate_store.states(conn, user.id),
        "relationships": None
        if bot
        else relationships_store.relationships_for_ready(conn, user.id),
        "settings": None if bot else user_settings.settings_for_ready(conn, user.id),
        # D.38: `{room_id, participants[]}` for each voice room the user sees in use.
        "voice_states": voice_store.containers(conn, [r.id for r in joined]),
    }
    for rel in ready["relationships"] or ():
        people[int(rel["user_id"])] = rel["user"]
    people.pop(user.id, None)  # D.26: `users` never holds the user themself
    ready["users"] = list(people.values())
    # As others see them: invisible users show offline (the user's own choice is in `me`).
    shown = presence.presence_of_txn(conn, [user.id, *people])
    ready["presences"] = {str(uid): status for uid, status in shown.items()}
    return ready


async def read(core: Core, ctx: Ctx) -> dict[str, Any]:
    return await core.db.read(lambda conn: build(conn, ctx))
