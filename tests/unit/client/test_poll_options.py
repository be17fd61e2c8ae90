"""Choosing the transport: `transport="websocket"|"poll"`, the httpx transport under its new
name `http_transport` (and still as `transport=`), and bad values refused at construction.
Also the network-event hooks: nothing is built when nobody listens."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import hubbub
from hubbub.client.gateway import Gateway
from hubbub.client.http import HTTPClient
from hubbub.client.network import NetworkError, NetworkResponse, listened
from hubbub.client.poll import PollConnection

ME = {"id": 1, "handle": "alice", "display_name": "Alice", "bot": False, "created_at": 0}


def _me(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=ME)


@pytest.mark.parametrize("bad", ["ws", "POLL", "", None, 3])
def test_an_unknown_transport_is_a_value_error(bad: Any) -> None:
    with pytest.raises(ValueError, match="transport must be 'websocket' or 'poll'"):
        hubbub.Client("http://hub.test", transport=bad)


def test_a_poll_wait_of_zero_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="poll_wait"):
        hubbub.Client("http://hub.test", transport="poll", poll_wait=0)


async def test_the_transport_picks_the_connection() -> None:
    for name, cls in (("websocket", Gateway), ("poll", PollConnection)):
        client = hubbub.Client("http://hub.test", transport=name)
        try:
            assert client.transport == name
            assert isinstance(client._connection(), cls)
        finally:
            await client.close()


async def test_an_httpx_transport_under_either_name() -> None:
    for key in ("http_transport", "transport"):
        client = hubbub.Client("http://hub.test", token="t", **{key: httpx.MockTransport(_me)})
        try:
            assert client.transport == "websocket"
            assert (await client.fetch_me()).id == 1
        finally:
            await client.close()
    with pytest.raises(TypeError):
        hubbub.Client(
            "http://hub.test",
            transport=httpx.MockTransport(_me),
            http_transport=httpx.MockTransport(_me),
        )
    with pytest.raises(TypeError, match="http_transport"):
        HTTPClient("http://hub.test", transport="poll")  # type: ignore[arg-type]


async def test_network_events_only_when_listened_to() -> None:
    client = hubbub.Client("http://hub.test", token="t", http_transport=httpx.MockTransport(_me))
    try:
        assert not listened(client.dispatcher, NetworkResponse)
        await client.fetch_me()  # nobody listens: nothing dispatched, nothing to see

        seen: list[NetworkResponse] = []

        @client.on(NetworkResponse)
        async def on_response(event: NetworkResponse) -> None:
            seen.append(event)

        assert listened(client.dispatcher, NetworkResponse)
        assert not listened(client.dispatcher, NetworkError)
        client.sequential_handlers = True
        await client.fetch_me()
        await client.dispatcher.join()
        assert [(e.method, e.path, e.status) for e in seen] == [("GET", "/users/me", 200)]
        assert seen[0].body == ME
        # A waiter or a stream counts as listening too.
        waiter = client.wait_for(NetworkError)
        assert listened(client.dispatcher, NetworkError)
        waiter.cancel()
        async with client.stream(NetworkError):
            assert listened(client.dispatcher, NetworkError)
    finally:
        await client.close()


async def test_network_event_body_is_the_decoded_json_or_none() -> None:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/html"):
            return httpx.Response(502, text="<html>bad gateway</html>")
        return httpx.Response(204)

    client = hubbub.Client("http://hub.test", http_transport=httpx.MockTransport(route))
    try:
        got = client.stream(NetworkResponse)
        await client.http.request("DELETE", "/empty")
        with pytest.raises(hubbub.HubbubError):
            await client.http.request("GET", "/html")
        first, second = await anext(got), await anext(got)
        assert (first.status, first.body) == (204, None)
        assert (second.status, second.body) == (502, None)
        got.close()
    finally:
        await client.close()


def test_network_events_have_handler_names() -> None:
    assert NetworkResponse.handler_name() == "on_network_response"
    assert NetworkError.handler_name() == "on_network_error"
    assert NetworkResponse.type_name == "client.network_response"
    assert json.dumps(NetworkError.type_name) == '"client.network_error"'
