"""Browser tests: the web client in Debian's headless Chromium, driven by Playwright.

One browser per session (per xdist worker), a fresh context per user, a real
`TestServer` per test (the `lite` fixture). Users are registered over REST and signed in
the way the client keeps a session: its token in `localStorage` ("hubbub.token"),
set by an init script before the page's own modules run.

The browser is Debian's `chromium` (`make test` installs it), never one Playwright
downloads. Like PostgreSQL and Redis in tests/conftest.py: missing under CI=true fails
the run; otherwise the tests skip with the reason.

Every page records what a script injection would leave behind: calls of a hooked
`alert`/`confirm`/`prompt`/`print`, native dialogs, `securitypolicyviolation` events and
uncaught page errors, so a test can assert that none happened.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio

from hubbub.testing import TestServer, TestUser
from hubbub.tools.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import _unavailable

# Playwright's own timeout for each action and `expect`: generous for a loaded CI
# machine; a passing test never waits it out.
TIMEOUT_MS = 15_000

# Runs in every document before the page's scripts: a script that an injection managed
# to run would most likely call one of these, and any blocked inline script, handler or
# foreign resource shows as a CSP violation.
_WATCH = """
(() => {
  const seen = (window.__hubbubIncidents = []);
  const report = (kind, detail) => {
    seen.push(kind);
    window.__hubbubReport(JSON.stringify({kind, detail}));
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { report(name, args.map(String).join(" ")); return null; };
  }
  document.addEventListener("securitypolicyviolation", (ev) => {
    report("csp", `${ev.violatedDirective} ${ev.blockedURI} ${ev.sample || ""}`);
  });
})();
"""


@dataclass
class Person:
    """One user in their own browser context, with the page open on the client (no user:
    a signed-out page, at the sign-in form)."""

    user: TestUser | None
    context: Any
    page: Any
    incidents: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.user.handle if self.user else ""

    def scripts_ran(self) -> list[dict[str, str]]:
        """What a hostile payload would have caused; [] when nothing ran or was blocked."""
        return [i for i in self.incidents if i["kind"] != "console"]


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(
            "Chromium", FileNotFoundError(f"{CHROMIUM} (make test installs Debian's chromium)")
        )
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        _unavailable("Playwright", exc)
        raise
    from playwright.async_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    async with async_playwright() as pw:
        try:
            chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            _unavailable("Chromium", exc)
            raise
        try:
            yield chromium
        finally:
            await chromium.close()


OpenPage = Callable[..., Awaitable[Person]]


@pytest_asyncio.fixture
async def open_page(browser: Any, lite: TestServer) -> AsyncIterator[OpenPage]:
    """`await open_page(user, room=None)`: a new context signed in as `user`, its page
    at the client (the room's route when given), shown once the gateway is ready.
    `await open_page(None)`: a new context with no token, its page at the sign-in form."""
    contexts: list[Any] = []

    async def open_(user: TestUser | None, room: dict[str, Any] | int | None = None) -> Person:
        context = await browser.new_context()
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        person = Person(user, context, None)

        def record(_source: Any, payload: str) -> None:
            person.incidents.append(json.loads(payload))

        await context.expose_binding("__hubbubReport", record)
        await context.add_init_script(_WATCH)
        if user is not None:
            token = json.dumps(user.token)
            await context.add_init_script(f"localStorage.setItem('hubbub.token', {token});")
        page = await context.new_page()
        person.page = page
        page.on(
            "dialog",
            lambda d: person.incidents.append({"kind": "dialog", "detail": d.message}),
        )
        page.on(
            "pageerror",
            lambda e: person.incidents.append({"kind": "pageerror", "detail": str(e)}),
        )
        route = ""
        if room is not None:
            rid = room if isinstance(room, int) else room["id"]
            route = f"#/rooms/{rid}"
        await page.goto(f"{lite.url}/{route}")
        from playwright.async_api import expect

        if user is None:
            await expect(page.get_by_test_id("login-form")).to_be_visible()
            return person
        await expect(page.get_by_test_id("me-name")).not_to_have_text("")
        if room is not None:
            await expect(page.get_by_test_id("composer-input")).to_be_enabled()
        return person

    try:
        yield open_
    finally:
        for context in contexts:
            await context.close()
