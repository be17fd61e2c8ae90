from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.integration.wire import OPEN


@pytest_asyncio.fixture(autouse=True)
async def _close_wire() -> AsyncIterator[None]:
    yield
    while OPEN:
        await OPEN.pop().close()
