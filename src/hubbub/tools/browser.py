"""Which Chromium drives the web client, and how: shared by the browser tests
(tests/e2e) and the screenshot tool, so both see the client the same way.

Debian's `chromium` (installed by `make test`), never a browser Playwright downloads.
Without the background-networking flags Chromium keeps trying to reach Google's hosts,
which a closed network refuses; no sandbox because CI runs as root.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("HUBBUB_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
