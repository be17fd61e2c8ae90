"""Attachments over a real server, on SQLite and PostgreSQL: multipart upload with size
and content-type checks, downloads with safe headers for the room's readers only,
messages carrying `attachments[]`, garbage collection of unsent uploads, the SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

import hubbub
from hubbub.server.clock import ManualClock
from hubbub.server.services import attachments
from hubbub.testing import TestServer
from tests.conftest import database_for
from tests.integration.wire import Api, Gateway, private_room

LIMIT = 4096
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57


@pytest_asyncio.fixture
async def srv(backend: str, tmp_path: Path) -> AsyncIterator[TestServer]:
    async with TestServer(
        database=await database_for(backend),
        rate_limits=False,
        storage_dir=str(tmp_path / "files"),
        max_upload_bytes=LIMIT,
        clock=ManualClock(),
    ) as s:
        yield s


def _stored(srv: TestServer) -> list[Path]:
    root = Path(srv.settings.storage_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def _upload(
    api: Api, rid: int, content: bytes, filename: str, ctype: str, **data: str
) -> httpx.Response:
    return await api.http.post(
        f"/rooms/{rid}/attachments", files={"file": (filename, content, ctype)}, data=data
    )


async def _uploaded(api: Api, rid: int, content: bytes, filename: str, ctype: str) -> Any:
    resp = await _upload(api, rid, content, filename, ctype)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _code(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    return str(resp.json()["error"]["code"])


async def test_upload_and_download_with_safe_headers(srv: TestServer) -> None:
    alice, bob = await Api.register(srv), await Api.register(srv)
    rid = int((await alice.room())["id"])
    png = await _uploaded(alice, rid, PNG, "cat.png", "image/png")
    assert png["filename"] == "cat.png" and png["content_type"] == "image/png"
    assert png["size"] == len(PNG) and png["url"] == f"/api/v1/attachments/{png['id']}/cat.png"
    got = await alice.http.get(png["url"].removeprefix("/api/v1"))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("inline;")

    name = "résumé «final».txt"
    txt = await _uploaded(alice, rid, b"hello", f"../../etc/{name}", "text/plain")
    assert txt["filename"] == name  # path components dropped
    got = await alice.http.get(txt["url"].removeprefix("/api/v1"))
    assert got.content == b"hello" and got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == (
        'attachment; filename="r_sum_ _final_.txt"; '
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20%C2%ABfinal%C2%BB.txt"
    )
    # A nonce makes a retried upload return the first one.
    first = await _upload(alice, rid, b"once", "a.txt", "text/plain", nonce="n1")
    again = await _upload(alice, rid, b"once", "a.txt", "text/plain", nonce="n1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert len(_stored(srv)) == 3
    # Not a member: no upload into the room.
    assert _code(await _upload(bob, rid, b"x", "x.txt", "text/plain"), 403) == "not_a_member"


async def test_size_and_type_refusals_store_nothing(srv: TestServer) -> None:
    alice = await Api.register(srv)
    rid = int((await alice.room())["id"])
    big = await _upload(alice, rid, b"x" * (LIMIT + 1), "big.txt", "text/plain")
    assert _code(big, 413) == "file_too_large"
    assert big.json()["error"]["details"]["limit"] == LIMIT
    # Far past the limit: refused from Content-Length before the body is read.
    huge = await _upload(alice, rid, b"x" * (LIMIT + 200_000), "huge.txt", "text/plain")
    assert _code(huge, 413) == "file_too_large"
    refused = [
        (b"<html><script>alert(1)</script>", "page.html", "text/html", "content_type_not_allowed"),
        (b"<svg onload=alert(1)>", "a.svg", "image/svg+xml", "content_type_not_allowed"),
        (b"MZ\x90\x00", "setup.exe", "application/x-msdownload", "content_type_not_allowed"),
        (ELF, "tool", "application/octet-stream", "content_type_not_allowed"),
        (b"<html>not a png", "fake.png", "image/png", "content_type_mismatch"),
        (PNG, "fake.gif", "image/gif", "content_type_mismatch"),
    ]
    for content, filename, ctype, code in refused:
        assert _code(await _upload(alice, rid, content, filename, ctype), 415) == code, filename
    assert _code(await _upload(alice, rid, b"", "e.txt", "text/plain"), 422) == "file_empty"
    no_file = await alice.http.post(f"/rooms/{rid}/attachments", data={"nonce": "x"}, files={})
    assert _code(no_file, 415) == "multipart_required"  # no file part: not even multipart
    only_field = await alice.http.post(
        f"/rooms/{rid}/attachments", files={"other": ("a.txt", b"a", "text/plain")}
    )
    assert _code(only_field, 400) == "file_required"
    as_json = await alice.http.post(f"/rooms/{rid}/attachments", json={"file": "x"})
    assert _code(as_json, 415) == "multipart_required"
    assert _stored(srv) == []


async def test_only_the_rooms_readers_download_and_messages_carry_them(srv: TestServer) -> None:
    alice, bob, stranger = [await Api.register(srv) for _ in range(3)]
    private = int((await private_room(srv, alice))["id"])
    public = int((await alice.room())["id"])
    await bob.ok("POST", f"/rooms/{public}/join")
    up = await _uploaded(alice, public, PNG, "p.png", "image/png")
    path = up["url"].removeprefix("/api/v1")
    # Unsent, an upload is its uploader's alone (ids are guessable).
    assert _code(await bob.http.get(path), 404) == "attachment_not_found"
    other = await _uploaded(bob, public, b"bob's", "b.txt", "text/plain")
    # Someone else's upload: the whole send is refused and nothing is posted.
    refused = await alice.error(
        "POST",
        f"/rooms/{public}/messages",
        422,
        "invalid_attachments",
        json={"content": "look", "attachments": [up["id"], other["id"]]},
    )
    assert refused["details"]["attachment_ids"] == [other["id"]]
    assert (await alice.ok("GET", f"/rooms/{public}/messages"))["messages"] == []
    bob_gw = await Gateway.connect(srv, bob.token)
    msg = await alice.send(public, "", attachments=[up["id"]])  # no caption needed
    assert msg["attachments"] == [up]
    created = await bob_gw.event("message.created")
    assert created["data"]["message"]["attachments"] == [up]
    assert (await bob.ok("GET", f"/messages/{msg['id']}"))["attachments"] == [up]
    assert (await bob.ok("GET", f"/rooms/{public}/messages"))["messages"][-1]["attachments"] == [up]
    assert (await bob.http.get(path)).content == PNG
    assert (await stranger.http.get(path)).status_code == 200  # a public room: readable

    # Moved into a private room, the file follows its message: only that room's readers.
    gw = await Gateway.connect(srv, alice.token)
    await alice.ok(
        "POST",
        f"/rooms/{public}/messages/move",
        json={"message_ids": [msg["id"]], "to_room_id": private},
    )
    moved_in = await gw.event("message.moved_in")
    assert moved_in["data"]["messages"][0]["attachments"] == [up]
    assert _code(await stranger.http.get(path), 404) == "attachment_not_found"
    assert _code(await bob.http.get(path), 404) == "attachment_not_found"
    assert (await alice.http.get(path)).content == PNG
    # A stranger cannot upload into a room they cannot see.
    resp = await _upload(stranger, private, b"x", "x.txt", "text/plain")
    assert _code(resp, 404) == "room_not_found"
    # Deleting the message hides its files.
    await alice.ok("DELETE", f"/messages/{msg['id']}", 204)
    assert _code(await alice.http.get(path), 404) == "attachment_not_found"
    assert (await alice.ok("GET", f"/messages/{msg['id']}"))["attachments"] == []


async def test_unsent_uploads_are_collected_after_a_day(srv: TestServer) -> None:
    alice = await Api.register(srv)
    rid = int((await alice.room())["id"])
    kept = await _uploaded(alice, rid, b"kept", "k.txt", "text/plain")
    await alice.send(rid, "with file", attachments=[kept["id"]])
    dropped = await _uploaded(alice, rid, b"dropped", "d.txt", "text/plain")
    assert await attachments.collect_garbage(srv.core) == 0  # not a day old yet
    clock = srv.clock
    assert isinstance(clock, ManualClock)
    clock.advance(25 * 3600)
    assert await attachments.collect_garbage(srv.core) == 1
    gone = await alice.http.get(dropped["url"].removeprefix("/api/v1"))
    assert _code(gone, 404) == "attachment_not_found"
    assert (await alice.http.get(kept["url"].removeprefix("/api/v1"))).content == b"kept"
    assert len(_stored(srv)) == 1


async def test_sdk_upload(srv: TestServer, tmp_path: Path) -> None:
    alice = await Api.register(srv)
    rid = int((await alice.room())["id"])
    path = tmp_path / "notes.txt"
    path.write_bytes(b"from a file")
    async with hubbub.Client(srv.url, token=alice.token) as client:
        room = await client.fetch_room(rid)
        from_path = await room.upload(path)
        assert from_path.filename == "notes.txt" and from_path.content_type == "text/plain"
        from_bytes = await room.upload(PNG, filename="c.png")
        assert from_bytes.content_type == "image/png" and from_bytes.size == len(PNG)
        assert await client.http.download_attachment(from_path.url) == b"from a file"
        with pytest.raises(hubbub.HubbubError) as html:
            await room.upload(b"<html>", filename="x.html")
        assert html.value.status == 415 and html.value.code == "content_type_not_allowed"
        message = await room.send("two files", attachments=[from_path, from_bytes.id])
        assert [a.id for a in message.attachments] == [from_path.id, from_bytes.id]
