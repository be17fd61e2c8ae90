"""`NetworkResponse` / `NetworkError` (EVENTS.md C.2 #4–5) over real connections: one per
REST answer, errors included, and one per transport failure; by class or by handler name."""

from __future__ import annotations

import hubbub
from hubbub.client.network import NetworkError, NetworkResponse
from hubbub.errors import NotFound, ServiceUnavailable
from hubbub.testing import TestServer, free_port


async def test_every_answer_is_a_network_response() -> None:
    async with TestServer() as server:
        alice = await server.user()
        room = await server.room(alice)
        async with alice.client(transport="poll") as client:
            responses: list[NetworkResponse] = []

            @client.event
            async def on_network_response(event: NetworkResponse) -> None:
                responses.append(event)

            client.sequential_handlers = True
            await client.fetch_room(room["id"])
            try:
                await client.fetch_room(room["id"] + 1000)
            except NotFound:
                pass
            await client.dispatcher.join()
            # The poll's own requests are REST calls too; keep the two fetches.
            fetches = [r for r in responses if r.path.startswith("/rooms/")]
            assert [(r.method, r.status) for r in fetches] == [("GET", 200), ("GET", 404)]
            assert fetches[0].body["id"] == room["id"]
            assert fetches[1].body["error"]["code"] == "room_not_found"


async def test_a_refused_connection_is_a_network_error() -> None:
    client = hubbub.Client(f"http://127.0.0.1:{free_port()}", token="t")
    try:
        failed = client.wait_for(NetworkError, timeout=10)
        try:
            await client.fetch_me()
        except ServiceUnavailable as exc:
            raised = exc
        event = await failed
        assert event.error.code == raised.code == "network_error"
        assert (event.method, event.path) == ("GET", "/users/me")
    finally:
        await client.close()
