"""Helpers for a message's actions in the web client: a compact toolbar (quick
reactions, Reply, Edit, ⋯ More) and a More menu holding every other action."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from hubbub.testing import PASSWORD


async def open_actions(message: Any) -> Any:
    """Shows `message`'s toolbar (hover) and opens its More menu; returns the menu, whose
    items keep their data-testids (message-pin, message-delete, message-ban …)."""
    await message.hover()
    await message.get_by_test_id("message-more").click()
    menu = message.get_by_test_id("message-menu")
    await expect(menu).to_be_visible()
    return menu


async def log_in(page: Any, handle: str, password: str = PASSWORD) -> None:
    """Signs in through the page's form and waits for the app to show who is in."""
    await page.get_by_test_id("login-username").fill(handle)
    await page.get_by_test_id("login-password").fill(password)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("me-name")).to_have_text(handle)
