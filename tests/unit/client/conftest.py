from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import hubbub

_GOLDEN = json.loads((Path(__file__).parent / "golden" / "events.json").read_text())


@pytest.fixture
def frames() -> dict[str, dict[str, Any]]:
    """Golden gateway `event` frames, one per wire type (a fresh copy per test)."""
    return copy.deepcopy(_GOLDEN)


@pytest.fixture
async def client() -> AsyncIterator[hubbub.Client]:
    """A client that never connects: for cache, dispatch and object tests."""
    c = hubbub.Client("http://127.0.0.1:9", token="t")
    yield c
    await c.close()
