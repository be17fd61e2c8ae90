"""SDK-level waiting for integration tests (wire.py stays SDK-free)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import hubbub

E = TypeVar("E", bound=hubbub.Event)


async def expect(
    client: hubbub.Client,
    cls: type[E],
    action: Awaitable[Any],
    check: Callable[[E], bool] | None = None,
) -> tuple[Any, E]:
    """Run `action` with a waiter for `cls` already registered (no race with the event)."""
    waiter = asyncio.ensure_future(client.wait_for(cls, check=check, timeout=5))
    await asyncio.sleep(0)
    result = await action
    return result, await waiter
