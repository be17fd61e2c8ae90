"""Helpers for a message's actions in the web client: a compact toolbar (quick
reactions, Reply, Edit, ⋯ More) and a More menu holding every other action."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect


async def open_actions(message: Any) -> Any:
    """Shows `message`'s toolbar (hover) and opens its More menu; returns the menu, whose
    items keep their data-testids (message-pin, message-delete, message-ban …)."""
    await message.hover()
    await message.get_by_test_id("message-more").click()
    menu = message.get_by_test_id("message-menu")
    await expect(menu).to_be_visible()
    return menu
