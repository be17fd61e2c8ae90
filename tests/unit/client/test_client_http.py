"""REST over httpx.MockTransport: error mapping, rate limits, idempotent sends."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

import hubbub
from hubbub.client.http import HTTPClient

MESSAGE = {
    "id": 9,
    "room_id": 7,
    "content": "hi",
    "created_at": "2024-01-01T00:00:00Z",
    "ts": 1704067200000,
}
ROOM = {"id": 7, "name": "general", "created_at": "2024-01-01T00:00:00Z"}


def _error(status: int, code: str, **details: Any) -> httpx.Response:
    body = {"error": {"code": code, "message": code.replace("_", " "), "details": details}}
    return httpx.Response(status, json=body)


Route = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def calls() -> list[httpx.Request]:
    return []


@pytest.fixture
async def make_client(calls: list[httpx.Request]) -> AsyncIterator[Any]:
    made: list[hubbub.Client] = []

    def make(route: Route, **options: Any) -> hubbub.Client:
        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            return route(request)

        client = hubbub.Client(
            "http://hub.test", token="tok", http_transport=httpx.MockTransport(handler), **options
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def test_request_shape_and_auth_header(calls: list[httpx.Request]) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"rooms": [ROOM], "has_more": False})

    http = HTTPClient("http://hub.test/", token="tok", http_transport=httpx.MockTransport(route))
    try:
        page = await http.list_rooms(joined=True, limit=10)
    finally:
        await http.aclose()
    assert [r.name for r in page.rooms] == ["general"]
    assert page.has_more is False
    request = calls[0]
    assert request.url.path == "/api/v1/rooms"
    assert dict(request.url.params) == {"joined": "true", "limit": "10"}
    assert request.headers["Authorization"] == "Bearer tok"


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "bad_request", hubbub.BadRequest),
        (401, "unauthorized", hubbub.Unauthorized),
        (403, "forbidden", hubbub.Forbidden),
        (404, "room_not_found", hubbub.NotFound),
        (409, "username_taken", hubbub.Conflict),
        (422, "message_too_long", hubbub.ValidationError),
        (400, "invalid_cursor", hubbub.InvalidCursor),
        (410, "cursor_expired", hubbub.CursorExpired),
    ],
)
async def test_errors_are_typed(
    make_client: Any, status: int, code: str, cls: type[hubbub.HubbubError]
) -> None:
    client: hubbub.Client = make_client(lambda r: _error(status, code, field="x"))
    with pytest.raises(cls) as info:
        await client.fetch_room(7)
    assert info.value.code == code
    assert info.value.details == {"field": "x"}


async def test_non_json_error_body(make_client: Any) -> None:
    client: hubbub.Client = make_client(lambda r: httpx.Response(502, text="<html>bad</html>"))
    with pytest.raises(hubbub.HubbubError, match="HTTP 502"):
        await client.fetch_user(1)


async def test_rate_limit_is_retried_after_retry_after(
    make_client: Any, calls: list[httpx.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def fake_sleep(delay: float) -> None:
        slept.append(delay)

    monkeypatch.setattr("hubbub.client.http.asyncio.sleep", fake_sleep)
    responses = iter(
        [
            httpx.Response(
                429,
                headers={"Retry-After": "0.5"},
                json={"error": {"code": "rate_limited", "message": "slow", "details": {}}},
            ),
            httpx.Response(200, json=ROOM),
        ]
    )
    client: hubbub.Client = make_client(lambda r: next(responses))
    room = await client.fetch_room(7)
    assert room.name == "general"
    assert slept == [0.5]
    assert len(calls) == 2


async def test_long_rate_limit_raises_with_retry_after(make_client: Any) -> None:
    client: hubbub.Client = make_client(
        lambda r: httpx.Response(
            429,
            headers={"Retry-After": "60"},
            json={"error": {"code": "rate_limited", "message": "slow", "details": {}}},
        )
    )
    with pytest.raises(hubbub.RateLimited) as info:
        await client.fetch_room(7)
    assert info.value.retry_after == 60.0


async def test_send_retries_network_errors_with_the_same_nonce(
    make_client: Any, calls: list[httpx.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sleep(delay: float) -> None:
        pass

    monkeypatch.setattr("hubbub.client.http.asyncio.sleep", no_sleep)
    attempts = 0

    def route(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        if request.url.path.endswith("/rooms/7"):
            return httpx.Response(200, json=ROOM)
        attempts += 1
        if attempts == 1:
            raise httpx.ReadTimeout("lost", request=request)
        body = json.loads(request.content)
        return httpx.Response(200, json={**MESSAGE, "content": body["content"]})

    client: hubbub.Client = make_client(route)
    room = await client.fetch_room(7)
    message = await room.send("hi")
    assert message.content == "hi"
    assert message is client.get_message(9)
    nonces = [json.loads(r.content)["nonce"] for r in calls if r.method == "POST"]
    assert len(nonces) == 2
    assert nonces[0] == nonces[1]
    assert len(nonces[0]) == 32


async def test_send_gives_up_with_service_unavailable(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sleep(delay: float) -> None:
        pass

    monkeypatch.setattr("hubbub.client.http.asyncio.sleep", no_sleep)

    def route(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=ROOM)
        raise httpx.ConnectError("refused", request=request)

    client: hubbub.Client = make_client(route)
    room = await client.fetch_room(7)
    with pytest.raises(hubbub.ServiceUnavailable) as info:
        await room.send("hi", nonce="mine")
    assert info.value.code == "network_error"


async def test_message_actions(make_client: Any, calls: list[httpx.Request]) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            return httpx.Response(200, json={**MESSAGE, "content": "edited", "edit_count": 1})
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.url.path == "/api/v1/messages/9":
            return httpx.Response(200, json=MESSAGE)
        body = json.loads(request.content)
        reply = {"id": body["reply_to"]}
        return httpx.Response(
            201, json={**MESSAGE, "id": 10, "content": body["content"], "reply_to": reply}
        )

    client: hubbub.Client = make_client(route)
    message = await client.fetch_message(9)
    reply = await message.reply("re")
    assert reply.reply_to is not None
    assert reply.reply_to.id == 9
    assert json.loads(calls[-1].content)["reply_to"] == 9
    edited = await message.edit("edited")
    assert edited is message
    assert message.content == "edited"
    await message.delete()
    assert message.deleted
    assert [(r.method, r.url.path) for r in calls] == [
        ("GET", "/api/v1/messages/9"),
        ("POST", "/api/v1/rooms/7/messages"),
        ("PATCH", "/api/v1/messages/9"),
        ("DELETE", "/api/v1/messages/9"),
    ]


async def test_history_pages_backwards(make_client: Any, calls: list[httpx.Request]) -> None:
    def page(ids: list[int], has_more: bool) -> httpx.Response:
        messages = [{**MESSAGE, "id": i} for i in ids]
        return httpx.Response(200, json={"messages": messages, "has_more": has_more})

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/rooms/7":
            return httpx.Response(200, json=ROOM)
        before = request.url.params.get("before")
        return page([4, 5, 6], True) if before is None else page([1, 2, 3], False)

    client: hubbub.Client = make_client(route)
    room = await client.fetch_room(7)
    ids = [m.id async for m in room.history(page_size=3)]
    assert ids == [6, 5, 4, 3, 2, 1]
    assert calls[-1].url.params["before"] == "4"
    limited = [m.id async for m in room.history(limit=2, page_size=3)]
    assert limited == [6, 5]


async def test_login_sets_token_and_user() -> None:
    def route(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content) == {"username": "alice", "password": "pw"}
        user = {"id": 1, "handle": "alice", "display_name": "A", "created_at": ROOM["created_at"]}
        return httpx.Response(200, json={"user": user, "token": "fresh"})

    client = await hubbub.Client.login(
        "http://hub.test", "alice", "pw", http_transport=httpx.MockTransport(route)
    )
    try:
        assert client.token == "fresh"
        assert client.user is not None
        assert client.user.handle == "alice"
    finally:
        await client.close()


async def test_login_failure_raises_unauthorized() -> None:
    transport = httpx.MockTransport(lambda r: _error(401, "invalid_credentials"))
    with pytest.raises(hubbub.Unauthorized):
        await hubbub.Client.login("http://hub.test", "alice", "nope", http_transport=transport)


async def test_fetch_rooms_pages_by_id(make_client: Any) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        if after is None:
            return httpx.Response(200, json={"rooms": [ROOM], "has_more": True})
        return httpx.Response(200, json={"rooms": [{**ROOM, "id": 8}], "has_more": False})

    client: hubbub.Client = make_client(route)
    rooms = [r.id async for r in client.fetch_rooms()]
    assert rooms == [7, 8]
