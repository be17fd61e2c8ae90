"""bench/web_client.py runs end to end with small numbers and prints its JSON line.

Only what the run saw is checked (counts, statuses, that every phase finished), never a
timing: speed is the benchmark's to report, not a test's to assert.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hubbub.tools.browser import CHROMIUM
from tests.conftest import _unavailable

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "web_client.py"
HISTORY, LIVE = 120, 10  # 120: more than two pages of 50, so infinite scroll runs


def test_web_client_bench_prints_its_figures() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable("Chromium", FileNotFoundError(CHROMIUM))
    sizes = ["--messages", str(HISTORY), "--live", str(LIVE)]
    run = subprocess.run(
        [sys.executable, str(SCRIPT), *sizes, "--json", "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1, run.stdout
    figures = json.loads(lines[0])
    assert set(figures) >= {"chromium", "cores", "backend", "cold", "reload", "scroll", "live"}
    assert figures["backend"] == "sqlite"
    assert figures["cores"] == os.cpu_count()

    cold, reload = figures["cold"], figures["reload"]
    for visit in (cold, reload):
        assert visit["by_type"]["Document"] == 1
        assert visit["by_type"]["Script"] >= 1
        assert visit["ready_ms"] is not None
        assert visit["first_message_ms"] is not None
    # A first visit fetches every asset; the reload takes them all from the browser's
    # cache (immutable release URLs): only the page itself goes over the wire.
    assert cold["status_200"] == cold["requests"]
    assert cold["status_304"] == cold["from_cache"] == 0
    assert reload["requests"] == cold["requests"]
    assert reload["from_cache"] == reload["requests"] - 1
    assert reload["wire_bytes"] < cold["wire_bytes"]

    scroll = figures["scroll"]
    assert scroll["messages"] == HISTORY
    # 120 messages, pages of 50: the newest page, then at least two older ones.
    assert scroll["history_requests"] >= 2
    assert scroll["message_elements"] > 0  # a virtualised list may keep fewer than all
    # The flag says what the count shows (all 120 drawn, or fewer kept).
    assert scroll["keeps_every_message"] == (scroll["message_elements"] == HISTORY)
    assert scroll["after"]["dom_nodes"] > 0
    assert scroll["after"]["js_heap_mb"] > 0

    live = figures["live"]
    assert live["messages"] == LIVE
    assert live["shown"] == LIVE
    assert live["duplicates"] == 0
    assert live["all_shown_once"] is True
