"""Full-text search over a real server, on SQLite (FTS5) and PostgreSQL (tsvector): ranking,
highlighting, permissions, index upkeep on edit/delete, pagination, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from hubbub.testing import TestServer
from tests.integration.wire import Api


async def _search(api: Api, q: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = await api.ok("GET", "/search", params={"q": q, **params})
    return body


def _ids(body: dict[str, Any]) -> list[int]:
    return [r["message"]["id"] for r in body["results"]]


async def test_finds_ranks_and_highlights(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    once = await alice.send(room["id"], "the walrus sat on a rock near the sea")
    twice = await alice.send(room["id"], "walrus and another walrus sat on a rock")
    jumping = await alice.send(room["id"], "nothing to see here, kittens jumping along")

    body = await _search(alice, "walrus")
    assert _ids(body) == [twice["id"], once["id"]]  # more hits, higher rank
    assert body["has_more"] is False and body["cursor"] is None
    first = body["results"][0]
    assert first["message"]["content"] == twice["content"]
    assert first["message"]["author"]["id"] == alice.id
    assert first["highlight"].count("<mark>") == 2
    assert "<mark>walrus</mark>" in first["highlight"]

    # Case does not matter; words are stemmed ("jumps" finds "jumping").
    assert set(_ids(await _search(alice, "WALRUS"))) == {once["id"], twice["id"]}
    assert _ids(await _search(alice, "kitten jumps")) == [jumping["id"]]
    # Every word is required; a quoted phrase must appear in order.
    assert _ids(await _search(alice, "walrus sea")) == [once["id"]]
    assert _ids(await _search(alice, '"another walrus"')) == [twice["id"]]
    assert _ids(await _search(alice, '"walrus another"')) == []


async def test_highlight_escapes_the_text(server: TestServer) -> None:
    alice = await Api.register(server)
    room = await alice.room()
    await alice.send(room["id"], "`<script>alert(1)</script>` & <b>bold</b> payload here")
    body = await _search(alice, "payload")
    (hit,) = body["results"]
    html = hit["highlight"]
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>payload</mark>" in html
    # Only <mark> tags remain once the escaped text is removed.
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
