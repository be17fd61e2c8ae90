"""Anonymous read-only clients over a real server (ID-03): without a token, the public
rooms' info, history and events (REST, long-poll, gateway) and users' profiles, and nothing
else: no private, DM or space room, no USER/MODS/SPACE/OBSERVERS event, no write. Behind
the `allow_anonymous` setting."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
import websockets

from hubbub.client.http import default_tls
from hubbub.testing import TestServer
from tests.integration.wire import Api, Gateway, private_room, staff


class World:
    def __init__(
        self,
        alice: Api,
        public: dict[str, Any],
        gallery: dict[str, Any],
        private: dict[str, Any],
        space_room: int,
    ) -> None:
        self.alice = alice
        self.public = public
        self.gallery = gallery
        self.private = private
        self.space_room = space_room


async def _world(server: TestServer) -> World:
    alice = await Api.register(server)
    public = await alice.room()
    gallery = await alice.room(access_mode="gallery")
    private = await private_room(server, alice)
    space = await alice.ok("POST", "/spaces", 201, json={"name": "Guild", "open": True})
    return World(alice, public, gallery, private, int(space["system_room_id"]))


def _anon(server: TestServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(verify=default_tls(), base_url=server.url + "/api/v1")


def _error(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == code, resp.text


async def test_rest_reads_public_rooms_only(server: TestServer) -> None:
    w = await _world(server)
    hello = await w.alice.send(w.public["id"], "hello, world")
    secret = await w.alice.send(w.private["id"], "secret")
    in_space = await w.alice.send(w.space_room, "members only")
    async with _anon(server) as http:
        listed = (await http.get("/rooms")).json()["rooms"]
        assert {r["id"] for r in listed} == {w.public["id"], w.gallery["id"]}
        assert (await http.get(f"/rooms/{w.public['id']}")).json()["name"] == w.public["name"]
        page = (await http.get(f"/rooms/{w.public['id']}/messages")).json()
        assert [m["content"] for m in page["messages"]] == ["hello, world"]
        assert (await http.get(f"/messages/{hello['id']}")).json()["content"] == "hello, world"
        assert (await http.get(f"/users/{w.alice.id}")).json()["handle"] == w.alice.user["handle"]
        # What only members (or nobody) may read answers like any endpoint without a token.
        for path in (
            f"/rooms/{w.private['id']}",
            f"/rooms/{w.space_room}",
            f"/rooms/{w.private['id']}/messages",
            f"/rooms/{w.space_room}/messages",
            f"/messages/{secret['id']}",
            f"/messages/{in_space['id']}",
            "/rooms/999999999",
            "/users/me",
            "/sessions",
            f"/rooms/{w.public['id']}/members",
            "/spaces",
        ):
            _error(await http.get(path), 401, "token_missing")
        # Every write needs a token.
        for method, path, body in (
            ("POST", f"/rooms/{w.public['id']}/messages", {"content": "hi"}),
            ("POST", "/rooms", {"name": "mine"}),
            ("POST", f"/rooms/{w.public['id']}/join", None),
            ("PATCH", f"/messages/{hello['id']}", {"content": "defaced"}),
            ("DELETE", f"/messages/{hello['id']}", None),
            ("DELETE", "/sessions", None),
        ):
            _error(await http.request(method, path, json=body), 401, "token_missing")
        # A bad token is never downgraded to anonymous.
        bad = await http.get("/rooms", headers={"Authorization": "Bearer hbb_nope"})
        _error(bad, 401, "token_invalid")
    page = await w.alice.ok("GET", f"/rooms/{w.public['id']}/messages")
    assert [m["content"] for m in page["messages"]] == ["hello, world"]  # nothing written


async def test_long_poll_sees_public_room_events_only(server: TestServer) -> None:
    w = await _world(server)
    await w.alice.send(w.public["id"], "public one")
    await w.alice.send(w.gallery["id"], "gallery one")
    await w.alice.send(w.private["id"], "private one")
    await w.alice.send(w.space_room, "space one")
    mine = (await w.alice.ok("GET", "/sessions"))["sessions"][0]["id"]
    await w.alice.ok("PATCH", f"/sessions/{mine}", json={"name": "x"})  # a USER event
    async with _anon(server) as http:
        page = (await http.get("/events", params={"cursor": "0", "limit": 1000})).json()
        rooms = {w.public["id"], w.gallery["id"]}
        assert page["events"] and all(e["room_id"] in rooms for e in page["events"])
        created = [e for e in page["events"] if e["type"] == "message.created"]
        contents = [e["data"]["message"]["content"] for e in created]
        assert contents == ["public one", "gallery one"]
        assert not any(e["type"].startswith(("session.", "space.")) for e in page["events"])
        one = await http.get("/events", params={"cursor": "0", "room_id": w.public["id"]})
        assert {e["room_id"] for e in one.json()["events"]} == {w.public["id"]}
        for hidden in (w.private["id"], w.space_room):
            _error(
                await http.get("/events", params={"cursor": "0", "room_id": hidden}),
                401,
                "token_missing",
            )
        # Long-poll wakes for a new public message.
        head = page["cursor"]
        await w.alice.send(w.private["id"], "private two")
        await w.alice.send(w.public["id"], "public two")
        later = (await http.get("/events", params={"cursor": head, "wait": 5})).json()
        assert [e["data"]["message"]["content"] for e in later["events"]] == ["public two"]


async def test_gateway_hello_without_token_follows_public_rooms() -> None:
    async with TestServer() as server:
        w = await _world(server)
        anon = await Gateway.connect(server, None)
        assert anon.ready["user"] is None and anon.ready["anonymous"] is True
        assert {r["id"] for r in anon.ready["rooms"]} == {w.public["id"], w.gallery["id"]}
        only_gallery = await _hello(server, {"rooms": [w.gallery["id"], w.private["id"]]})
        assert [r["id"] for r in only_gallery.ready["rooms"]] == [w.gallery["id"]]

        await w.alice.send(w.private["id"], "private")
        await w.alice.send(w.space_room, "space")
        sessions = (await w.alice.ok("GET", "/sessions"))["sessions"]
        await w.alice.ok("PATCH", f"/sessions/{sessions[0]['id']}", json={"name": "x"})
        await w.alice.send(w.public["id"], "public")
        frame = await anon.event()
        assert frame["type"] == "message.created" and frame["room_id"] == w.public["id"]
        await w.alice.send(w.gallery["id"], "gallery")
        assert (await only_gallery.event())["data"]["message"]["content"] == "gallery"
        await anon.event("message.created")
        await anon.no_event()
        await only_gallery.no_event()

        # Read-only: typing is refused, the connection stays.
        await anon.send({"op": "typing", "room_id": w.public["id"]})
        assert (await anon.recv())["code"] == "token_missing"
        await anon.send({"op": "ping"})
        assert await anon.recv() == {"op": "pong"}

        # A followed room made private is dropped at once.
        boss = await staff(server)
        await boss.ok("PATCH", f"/rooms/{w.public['id']}", json={"access_mode": "private"})
        await anon.event("room.updated")
        await w.alice.send(w.public["id"], "now private")
        await anon.no_event()


async def _hello(server: TestServer, extra: dict[str, Any]) -> Gateway:
    gw = Gateway(await websockets.connect(server.ws_url))
    await gw.send({"op": "hello", **extra})
    gw.ready = await gw.recv()
    assert gw.ready["op"] == "ready", gw.ready
    return gw


async def test_setting_off_requires_a_token_everywhere() -> None:
    async with TestServer(allow_anonymous=False) as server:
        w = await _world(server)
        async with _anon(server) as http:
            for path in ("/rooms", f"/rooms/{w.public['id']}", f"/users/{w.alice.id}", "/events"):
                _error(await http.get(path), 401, "token_missing")
        async with websockets.connect(server.ws_url) as ws:
            await ws.send(orjson.dumps({"op": "hello"}).decode())
            assert orjson.loads(await ws.recv())["code"] == "token_missing"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
