"""The documentation: the committed event reference (docs/events.md) is what the SDK
generates today, and the MkDocs site builds in strict mode with the API reference
rendered from the docstrings.

docs/events.md is committed, not only generated at build time, so that it reads on the
repository host too and a review sees how an event's documentation changed; this test
is what keeps it from drifting (`make docs` or `python -m hubbub.tools.event_docs`
rewrites it).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from hubbub.protocol.catalogue import CATALOGUE, event_classes
from hubbub.tools import event_docs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_committed_event_reference_is_current() -> None:
    # A fresh interpreter: no class a test defines can leak into the page.
    done = _run("-m", "hubbub.tools.event_docs", "--check")
    assert done.returncode == 0, done.stderr + "\nrun: python -m hubbub.tools.event_docs"


def test_event_reference_covers_the_catalogue(tmp_path: Path) -> None:
    page = (DOCS / "events.md").read_text(encoding="utf-8")
    classes = event_classes()
    for entry in CATALOGUE:
        assert f"### `{entry.type.value}`" in page
        cls = classes.get(entry.type.value)
        assert cls is not None and f"`hubbub.{cls.__name__}`" in page, entry.type
    # A stale page is reported, and regenerating fixes it.
    stale = tmp_path / "events.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert event_docs.main(["--check", "--output", str(stale)]) == 1
    assert event_docs.main(["--output", str(stale)]) == 0
    assert event_docs.main(["--check", "--output", str(stale)]) == 0


def _nav_pages(nav: object) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_nav_pages(item) for item in nav))
    if isinstance(nav, dict):
        return set().union(*(_nav_pages(value) for value in nav.values()))
    return set()


def test_every_page_is_in_the_nav() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the docs extra")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages == _nav_pages(config["nav"])


@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings") is None,
    reason="needs the docs extra: pip install -e '.[docs]'",
)
def test_site_builds_strict_with_the_api_reference(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = _run("-m", "mkdocs", "build", "--strict", "--site-dir", str(site))
    assert done.returncode == 0, done.stderr
    client = (site / "sdk" / "client" / "index.html").read_text(encoding="utf-8")
    # Rendered from the docstrings: a method and its docstring's words.
    assert 'id="hubbub.Client.subscribe"' in client
    assert "Subscribe this connection to a room" in client
    for page, anchor in [
        ("objects", "hubbub.Room.send"),
        ("sync", "hubbub.sync.Client"),
        ("testing", "hubbub.testing.TestServer"),
        ("errors", "hubbub.errors.HubbubError"),
        ("events", "hubbub.protocol.catalogue.EventType"),
    ]:
        html = (site / "sdk" / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, (page, anchor)
    reference = (site / "events" / "index.html").read_text(encoding="utf-8")
    assert "room.subscribed" in reference and "RoomSubscribed" in reference
