"""The theme switch (System / Light / Dark): the pick shows at once, is in place before the
page's modules run after a reload, follows the user to their other browser live, and
System follows the operating system again. The browser contexts emulate the system's
choice (`prefers-color-scheme`) with Playwright's `emulate_media`."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from hubbub.testing import TestServer
from tests.e2e.conftest import OpenPage

# The page background (app.css's --bg) in each theme, as computed styles report it.
LIGHT = "rgb(255, 255, 255)"
DARK = "rgb(23, 25, 30)"

# Runs in every document: the theme on <html> once the document is parsed, which is
# before any module script runs (they are deferred until then): only what the blocking
# theme-boot.js did by that moment is recorded.
_AT_PARSE = """
document.addEventListener("readystatechange", () => {
  if (document.readyState === "interactive")
    window.__themeAtParse = document.documentElement.dataset.theme || "system";
});
"""


async def looks(page: Any, theme: str, background: str) -> None:
    """The select shows `theme`, <html> carries it (none for System), the body is painted
    in `background`."""
    await expect(page.get_by_test_id("theme-select")).to_have_value(theme)
    html = page.locator("html")
    if theme == "system":
        await expect(html).not_to_have_attribute("data-theme", re.compile(".*"))
    else:
        await expect(html).to_have_attribute("data-theme", theme)
    await expect(page.locator("body")).to_have_css("background-color", background)


async def reload(page: Any) -> str:
    """Reloads the page, waits for the gateway's `ready`; what was on <html> at parse."""
    await page.reload()
    await expect(page.get_by_test_id("me-name")).not_to_have_text("")
    at_parse: str = await page.evaluate("window.__themeAtParse")
    return at_parse


async def test_the_theme_is_picked_kept_and_follows_the_user(
    lite: TestServer, open_page: OpenPage
) -> None:
    alice = await lite.user()
    a = await open_page(alice)
    await a.context.add_init_script(_AT_PARSE)
    await a.page.emulate_media(color_scheme="dark")
    assert await reload(a.page) == "system"
    page = a.page
    select = page.get_by_test_id("theme-select")
    await expect(select).to_have_accessible_name("Theme")

    # A dark system: the page starts dark, following it.
    await looks(page, "system", DARK)

    # Light, picked: light at once although the system is dark.
    await select.select_option("light")
    await looks(page, "light", LIGHT)

    # Alice's other browser, on a dark system too, takes her pick from the server.
    b = await open_page(alice)
    await b.page.emulate_media(color_scheme="dark")
    await looks(b.page, "light", LIGHT)

    # After a reload the pick is on <html> before any module ran: no flash of dark.
    assert await reload(page) == "light"
    await looks(page, "light", LIGHT)

    # Dark picked in the other browser reaches this one live.
    await b.page.get_by_test_id("theme-select").select_option("dark")
    await looks(b.page, "dark", DARK)
    await looks(page, "dark", DARK)

    # System again: each browser follows its own system, live when that system changes.
    await select.select_option("system")
    await looks(page, "system", DARK)
    await looks(b.page, "system", DARK)
    await page.emulate_media(color_scheme="light")
    await looks(page, "system", LIGHT)
    await looks(b.page, "system", DARK)

    # Dark once more, then a value no client offers, written over REST: ignored, both
    # from the server (after a reload, `ready` carries it) and from this device's cache.
    await select.select_option("dark")
    await looks(b.page, "dark", DARK)
    await alice.request("PATCH", "/users/me/settings", json={"web.theme": "purple"})
    assert await reload(page) == "dark"
    await looks(page, "dark", DARK)
    await page.evaluate("localStorage.setItem('hubbub.theme', 'purple')")
    assert await reload(page) == "system"
    await looks(page, "system", LIGHT)

    # Signing out keeps this device's look; the sign-in page shows it, reloaded too.
    await select.select_option("dark")
    await looks(page, "dark", DARK)
    await page.get_by_test_id("logout-button").click()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.reload()
    await expect(page.get_by_test_id("login-form")).to_be_visible()
    assert await page.evaluate("window.__themeAtParse") == "dark"
    await expect(page.locator("body")).to_have_css("background-color", DARK)

    assert a.scripts_ran() == [] and b.scripts_ran() == []
