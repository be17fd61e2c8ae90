"""The authorisation matrix (issue 4): every endpoint of spaces, roles, rooms of a space,
invites, emojis, webhooks and the audit log, called by each persona — anonymous, a
non-member, a member, a moderator, the owner, a banned user — and the exact outcome each
must get. One table: a row per endpoint, a column per persona.

Each persona acts in a world of its own (a closed space with the same cast), so rows that
destroy something (kick, delete) run in table order without disturbing another persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from hubbub.client.http import default_tls
from hubbub.server.permissions import Perm
from hubbub.testing import TestServer
from tests.integration.wire import Api, private_room

PERSONAS = ("anonymous", "non_member", "member", "moderator", "owner", "banned")
# Every persona on SQLite; on PostgreSQL the two personas whose requests reach the most
# SQL (the owner's writes succeed, the banned user's are refused after the lookups). The
# rules under test live in services/, which is the same code on both dialects.
CASES = [
    *(pytest.param("sqlite", p, id=f"sqlite-{p}") for p in PERSONAS),
    *(
        pytest.param("postgres", p, id=f"postgres-{p}", marks=pytest.mark.postgres)
        for p in ("owner", "banned")
    ),
]
MOD_BITS = int(
    Perm.KICK
    | Perm.BAN
    | Perm.MODERATE
    | Perm.MANAGE_MESSAGES
    | Perm.MANAGE_ROOM
    | Perm.MANAGE_ROLES
    | Perm.MANAGE_WEBHOOKS
    | Perm.MANAGE_EMOJIS
    | Perm.MANAGE_NICKNAMES
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

Outcome = int | tuple[int, str]  # a success status, or (status, error code)
NO_AUTH: Outcome = (401, "token_missing")
NO_SPACE: Outcome = (404, "space_not_found")
NO_ROOM: Outcome = (404, "room_not_found")
NO_PERM: Outcome = (403, "missing_permission")
NOT_MOD: Outcome = (403, "not_moderator")
NO_MESSAGE: Outcome = (404, "message_not_found")
NO_WEBHOOK: Outcome = (404, "webhook_not_found")
NO_EMOJI: Outcome = (404, "emoji_not_found")
SPACE_ROOM: Outcome = (409, "space_room")


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # formatted with the world's ids
    expect: dict[str, Outcome]
    json: dict[str, Any] | None = None
    upload: bool = False  # send a small PNG as multipart `file` (+ `name`)


def everyone(ok: int) -> dict[str, Outcome]:
    """Any signed-in user gets `ok`; anonymous callers 401."""
    return {p: (NO_AUTH if p == "anonymous" else ok) for p in PERSONAS}


def outsiders(anonymous: Outcome = NO_AUTH, hidden: Outcome = NO_SPACE) -> dict[str, Outcome]:
    return {"anonymous": anonymous, "non_member": hidden, "banned": hidden}


def row(
    method: str,
    path: str,
    member: Outcome,
    moderator: Outcome,
    owner: Outcome,
    *,
    hidden: Outcome = NO_SPACE,
    **kw: Any,
) -> Row:
    expect = {**outsiders(hidden=hidden), "member": member, "moderator": moderator, "owner": owner}
    return Row(method, path, expect, **kw)


def viewer(method: str, path: str, ok: int = 200, *, hidden: Outcome = NO_SPACE, **kw: Any) -> Row:
    return row(method, path, ok, ok, ok, hidden=hidden, **kw)


TABLE: list[Row] = [
    # -- the space -------------------------------------------------------------------
    viewer("GET", "/spaces/{space}"),
    viewer("GET", "/spaces/{space}/state"),
    viewer("GET", "/spaces/{space}/members"),
    viewer("GET", "/spaces/{space}/members/{victim}"),
    viewer("GET", "/spaces/{space}/roles"),
    viewer("GET", "/spaces/{space}/emojis"),
    row("PATCH", "/spaces/{space}", NO_PERM, NO_PERM, 200, json={"description": "d"}),
    row("PATCH", "/spaces/{space}/members/{victim}", NO_PERM, 200, 200, json={"nickname": "v"}),
    row("GET", "/spaces/{space}/bans", NO_PERM, 200, 200),
    row("GET", "/spaces/{space}/audit", NOT_MOD, 200, 200),
    viewer("POST", "/spaces/{space}/invites", 201),
    viewer("GET", "/spaces/{space}/invites"),
    Row(
        "POST",
        "/spaces/{space}/join",
        {
            **outsiders(),
            "banned": (403, "banned_from_space"),
            "member": 200,
            "moderator": 200,
            "owner": 200,
        },
    ),
    Row(
        "GET",
        "/invites/{invite}",
        {
            "anonymous": NO_AUTH,
            "non_member": 200,
            "banned": 200,
            "member": 200,
            "moderator": 200,
            "owner": 200,
        },
    ),
    # -- roles and overrides ---------------------------------------------------------
    row(
        "PUT",
        "/spaces/{space}/roles/ranks",
        NO_PERM,
        200,
        200,
        json={"role_ids": ["{mods}", "{low}"]},
    ),
    row("POST", "/spaces/{space}/roles", NO_PERM, 201, 201, json={"name": "New"}),
    row("PATCH", "/spaces/{space}/roles/{low}", NO_PERM, 200, 200, json={"hoist": True}),
    row(
        "PATCH",
        "/spaces/{space}/roles/{mods}",
        NO_PERM,
        (403, "role_above_you"),
        200,
        json={"hoist": True},
    ),
    row("PUT", "/spaces/{space}/members/{victim}/roles/{low}", NO_PERM, 200, 200),
    row(
        "PUT",
        "/rooms/{room}/overrides/role/{low}",
        NO_PERM,
        200,
        200,
        json={"allow": int(Perm.REACT)},
        hidden=NO_ROOM,
    ),
    viewer("GET", "/rooms/{room}/overrides", hidden=NO_ROOM),
    # -- a room of the space ---------------------------------------------------------
    viewer("GET", "/rooms/{room}", hidden=NO_ROOM),
    viewer("GET", "/rooms/{room}/members", hidden=NO_ROOM),
    viewer("GET", "/rooms/{room}/messages", hidden=NO_ROOM),
    viewer("POST", "/rooms/{room}/messages", 201, json={"content": "hi"}, hidden=NO_ROOM),
    viewer("GET", "/messages/{message}", hidden=(404, "message_not_found")),
    row(
        "PATCH",
        "/rooms/{room}",
        (403, "not_room_owner"),
        200,
        200,
        json={"topic": "t"},
        hidden=NO_ROOM,
    ),
    row("GET", "/rooms/{room}/audit", NOT_MOD, 200, 200, hidden=NO_ROOM),
    row("PUT", "/messages/{message}/pin", NOT_MOD, 200, 200, hidden=(404, "message_not_found")),
    row("POST", "/rooms/{room}/webhooks", NO_PERM, 201, 201, json={"name": "hook"}, hidden=NO_ROOM),
    row("GET", "/rooms/{room}/webhooks", NO_PERM, 200, 200, hidden=NO_ROOM),
    row("POST", "/spaces/{space}/emojis", NO_PERM, 201, 201, upload=True),
    # -- everything else a member of a space's room does ----------------------------
    Row("GET", "/spaces", everyone(200)),
    Row("GET", "/permissions", {p: 200 for p in PERSONAS}),
    viewer("PUT", "/messages/{message}/reactions/%F0%9F%91%8D", hidden=NO_MESSAGE),
    viewer("PUT", "/messages/{victim_message}/star", hidden=NO_MESSAGE),
    viewer("POST", "/rooms/{room}/ack", json={"message_id": "{message}"}, hidden=NO_ROOM),
    viewer("GET", "/rooms/{room}/pins", hidden=NO_ROOM),
    viewer("GET", "/rooms/{room}/starboard", hidden=NO_ROOM),
    viewer("POST", "/rooms/{room}/commands", json={"command": "/help"}, hidden=NO_ROOM),
    viewer("GET", "/search?q=message&room_id={room}", hidden=NO_ROOM),
    viewer("POST", "/rooms/{room}/join", hidden=NO_ROOM),
    row("POST", "/rooms/{room}/leave", SPACE_ROOM, SPACE_ROOM, SPACE_ROOM, hidden=NO_ROOM),
    row(
        "POST",
        "/rooms/{room}/messages/bulk-delete",
        NOT_MOD,
        200,
        200,
        json={"message_ids": ["{victim_message2}"]},
        hidden=NO_ROOM,
    ),
    row("POST", "/rooms", NO_PERM, 201, 201, json={"name": "more", "space_id": "{space}"}),
    row("DELETE", "/spaces/{space}/members/{victim}/roles/{low}", NO_PERM, 200, 200),
    row("DELETE", "/rooms/{room}/overrides/role/{low}", NO_PERM, 200, 200, hidden=NO_ROOM),
    row("GET", "/webhooks/{webhook}", NO_PERM, 200, 200, hidden=NO_WEBHOOK),
    row(
        "PATCH",
        "/webhooks/{webhook}",
        NO_PERM,
        200,
        200,
        json={"name": "renamed"},
        hidden=NO_WEBHOOK,
    ),
    Row(
        "POST",
        "/webhooks/{webhook}/{webhook_token}",
        {p: 201 for p in PERSONAS},
        json={"content": "from the hook"},
    ),
    Row("GET", "/emojis/{emoji}", everyone(200)),
    Row("GET", "/emojis/{emoji}/image", {p: 200 for p in PERSONAS}),
    # -- destructive, last -----------------------------------------------------------
    row(
        "DELETE",
        "/messages/{victim_message}",
        (403, "not_message_author"),
        204,
        204,
        hidden=(404, "message_not_found"),
    ),
    row("DELETE", "/spaces/{space}/roles/{low}", NO_PERM, 204, 204),
    row(
        "DELETE",
        "/spaces/{space}/members/{owner}",
        NO_PERM,
        (403, "cannot_kick_owner"),
        (409, "cannot_kick_self"),
    ),
    row("DELETE", "/spaces/{space}/members/{victim}", NO_PERM, 204, 204),
    row("PUT", "/spaces/{space}/bans/{victim2}", NO_PERM, 204, 204),
    row("DELETE", "/spaces/{space}/bans/{victim2}", NO_PERM, 204, 204),
    row(
        "POST",
        "/rooms/{room}/purge",
        NOT_MOD,
        200,
        200,
        json={"user_id": "{victim}"},
        hidden=NO_ROOM,
    ),
    row("DELETE", "/webhooks/{webhook}", NO_PERM, 204, 204, hidden=NO_WEBHOOK),
    row("DELETE", "/emojis/{emoji}", NO_PERM, 204, 204, hidden=NO_EMOJI),
    row("DELETE", "/invites/{invite}", NO_PERM, NO_PERM, 204, hidden=(404, "invite_not_found")),
    row("POST", "/spaces/{space}/leave", 204, 204, (409, "owner_cannot_leave")),
    Row(
        "POST",
        "/invites/{invite2}",
        {
            "anonymous": NO_AUTH,
            "non_member": 200,
            "banned": (403, "banned_from_space"),
            "member": 200,
            "moderator": 200,
            "owner": 200,
        },
    ),
    # Everyone but the banned user (re)joined through the invite just above.
    Row(
        "DELETE",
        "/spaces/{space}",
        {
            **outsiders(),
            "non_member": (403, "not_space_owner"),
            "member": (403, "not_space_owner"),
            "moderator": (403, "not_space_owner"),
            "owner": 204,
        },
    ),
]


async def build_world(server: TestServer, owner: Api) -> tuple[dict[str, Any], dict[str, Api]]:
    """A closed space with a member, a moderator, two victims and a banned user."""
    cast = {
        name: await Api.register(server)
        for name in ("member", "moderator", "victim", "victim2", "banned", "non_member")
    }
    space = await owner.ok("POST", "/spaces", 201, json={"name": "World"})
    sid = space["id"]
    invite = await owner.ok("POST", f"/spaces/{sid}/invites", 201)
    for name in ("member", "moderator", "victim", "victim2", "banned"):
        await cast[name].ok("POST", f"/invites/{invite['code']}")
    mods = await owner.ok(
        "POST", f"/spaces/{sid}/roles", 201, json={"name": "Mods", "permissions": MOD_BITS}
    )
    low = await owner.ok("POST", f"/spaces/{sid}/roles", 201, json={"name": "Low"})
    await owner.ok("PUT", f"/spaces/{sid}/members/{cast['moderator'].id}/roles/{mods['id']}")
    await owner.ok("PUT", f"/spaces/{sid}/bans/{cast['banned'].id}", 204)
    room = space["system_room_id"]
    message = await owner.send(room, "owner's message")
    victim_message = await cast["victim"].send(room, "victim's message")
    fresh_invite = await owner.ok("POST", f"/spaces/{sid}/invites", 201)
    second_invite = await owner.ok("POST", f"/spaces/{sid}/invites", 201)
    victim_message2 = await cast["victim"].send(room, "victim's other message")
    hook = await owner.ok("POST", f"/rooms/{room}/webhooks", 201, json={"name": "hook"})
    upload = {"file": ("w.png", PNG, "image/png")}
    emoji = await owner.ok(
        "POST", f"/spaces/{sid}/emojis", 201, files=upload, data={"name": "world"}
    )
    ids = {
        "space": sid,
        "room": room,
        "message": message["id"],
        "victim_message": victim_message["id"],
        "mods": mods["id"],
        "low": low["id"],
        "victim": cast["victim"].id,
        "victim2": cast["victim2"].id,
        "owner": owner.id,
        "invite": fresh_invite["code"],
        "invite2": second_invite["code"],
        "victim_message2": victim_message2["id"],
        "webhook": hook["id"],
        "webhook_token": hook["token"],
        "emoji": emoji["id"],
    }
    return ids, cast


async def check(
    server: TestServer, actor: Api | None, r: Row, ids: dict[str, Any], expected: Outcome
) -> str | None:
    """None when the call had the expected outcome, else what went wrong."""
    resp = await call(server, actor, r, ids)
    status, code = (expected, None) if isinstance(expected, int) else expected
    got_code = None
    if resp.status_code >= 400:
        got_code = resp.json().get("error", {}).get("code")
    if resp.status_code != status or (code is not None and got_code != code):
        return f"{r.method} {r.path}: expected {expected}, got {resp.status_code} {got_code or ''}"
    return None


async def call(server: TestServer, api: Api | None, r: Row, ids: dict[str, Any]) -> httpx.Response:
    path = "/api/v1" + r.path.format(**ids)
    headers = {} if api is None else {"Authorization": f"Bearer {api.token}"}
    async with httpx.AsyncClient(
        verify=default_tls(), base_url=server.url, headers=headers, timeout=30
    ) as http:
        if r.upload:
            files = {"file": ("e.png", PNG, "image/png")}
            return await http.request(r.method, path, files=files, data={"name": "blob"})
        return await http.request(r.method, path, json=_fill(r.json, ids))


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    """The body with "{name}" strings replaced by the world's ids (as integers)."""
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize(("backend", "persona"), CASES, indirect=["backend"])
async def test_authorization_matrix(server: TestServer, persona: str) -> None:
    owner = await Api.register(server)
    ids, cast = await build_world(server, owner)
    actor = {"anonymous": None, "owner": owner}.get(persona, cast.get(persona))
    failures = []
    for r in TABLE:
        failure = await check(server, actor, r, ids, r.expect[persona])
        if failure:
            failures.append(failure)
    assert not failures, f"{persona}:\n" + "\n".join(failures)


# -- standalone rooms: a private room and its access levels (AC-01) ---------------------
# Here the moderator is the room's `moderator` role, and the banned user is one whose
# access an owner set to `none`: to both outsiders, the room does not exist.


def room_row(
    method: str,
    path: str,
    member: Outcome,
    moderator: Outcome,
    owner: Outcome,
    *,
    hidden: Outcome = NO_ROOM,
    **kw: Any,
) -> Row:
    return row(method, path, member, moderator, owner, hidden=hidden, **kw)


NOT_OWNER: Outcome = (403, "not_room_owner")
ROOM_TABLE: list[Row] = [
    room_row("GET", "/rooms/{room}", 200, 200, 200),
    room_row("GET", "/rooms/{room}/members", 200, 200, 200),
    room_row("GET", "/rooms/{room}/owners", 200, 200, 200),
    room_row("GET", "/rooms/{room}/messages", 200, 200, 200),
    room_row("POST", "/rooms/{room}/messages", 201, 201, 201, json={"content": "hi"}),
    room_row("PUT", "/messages/{message}/reactions/%F0%9F%91%8D", 200, 200, 200, hidden=NO_MESSAGE),
    room_row("PATCH", "/rooms/{room}", NOT_OWNER, NOT_OWNER, 200, json={"topic": "t"}),
    room_row("GET", "/rooms/{room}/audit", NOT_MOD, 200, 200),
    room_row("PUT", "/messages/{message}/pin", NOT_MOD, 200, 200, hidden=NO_MESSAGE),
    room_row("POST", "/rooms/{room}/webhooks", NO_PERM, 201, 201, json={"name": "hook"}),
    room_row("GET", "/rooms/{room}/access-requests", NOT_OWNER, NOT_OWNER, 200),
    room_row(
        "PUT",
        "/rooms/{room}/access/{victim}",
        NOT_OWNER,
        NOT_OWNER,
        200,
        json={"level": "read_only"},
    ),
    room_row(
        "PATCH",
        "/rooms/{room}/members/{victim}",
        NOT_OWNER,
        NOT_OWNER,
        200,
        json={"role": "moderator"},
    ),
    room_row(
        "POST",
        "/rooms/{room}/messages/bulk-delete",
        NOT_MOD,
        200,
        200,
        json={"message_ids": ["{victim_message2}"]},
    ),
    room_row(
        "DELETE",
        "/messages/{victim_message}",
        (403, "not_message_author"),
        204,
        204,
        hidden=NO_MESSAGE,
    ),
    room_row("DELETE", "/rooms/{room}", NOT_OWNER, NOT_OWNER, 204),
]


async def build_room_world(server: TestServer, owner: Api) -> tuple[dict[str, Any], dict[str, Api]]:
    cast = {
        name: await Api.register(server)
        for name in ("member", "moderator", "victim", "banned", "non_member")
    }
    room = await private_room(server, owner)
    rid = room["id"]
    for name in ("member", "moderator", "victim", "banned"):
        await owner.ok("PUT", f"/rooms/{rid}/access/{cast[name].id}", json={"level": "read_write"})
    await owner.ok(
        "PATCH", f"/rooms/{rid}/members/{cast['moderator'].id}", json={"role": "moderator"}
    )
    await owner.ok("PUT", f"/rooms/{rid}/access/{cast['banned'].id}", json={"level": "none"})
    message = await owner.send(rid, "owner's message")
    victim_message = await cast["victim"].send(rid, "victim's message")
    victim_message2 = await cast["victim"].send(rid, "victim's other message")
    ids = {
        "room": rid,
        "message": message["id"],
        "victim": cast["victim"].id,
        "victim_message": victim_message["id"],
        "victim_message2": victim_message2["id"],
    }
    return ids, cast


@pytest.mark.parametrize(("backend", "persona"), CASES, indirect=["backend"])
async def test_standalone_room_matrix(server: TestServer, persona: str) -> None:
    owner = await Api.register(server)
    ids, cast = await build_room_world(server, owner)
    actor = {"anonymous": None, "owner": owner}.get(persona, cast.get(persona))
    failures = []
    for r in ROOM_TABLE:
        failure = await check(server, actor, r, ids, r.expect[persona])
        if failure:
            failures.append(failure)
    assert not failures, f"{persona}:\n" + "\n".join(failures)
