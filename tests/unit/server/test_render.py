from __future__ import annotations

from html.parser import HTMLParser

import pytest

from hubbub.server.render import render


def test_markdown_is_rendered_and_text_derived() -> None:
    html, text = render("**bold** and _it_ and `code`\nnext line")
    assert (
        html == "<p><strong>bold</strong> and <em>it</em> and <code>code</code><br>\nnext line</p>"
    )
    assert text == "bold and it and code\nnext line"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<div style="position:fixed">x</div>',
        "![x](javascript:alert(1))",
        "<iframe src=//evil></iframe>",
        "<svg onload=alert(1)>",
    ],
)
def test_no_active_content_survives(payload: str) -> None:
    """Checked on the parsed output: escaped text like `&lt;script&gt;` is harmless."""
    html, _text = render(payload)
    elements = _elements(html)
    for tag, attrs in elements:
        assert tag in {"p", "a", "img", "em", "strong", "code", "br"}, (payload, html)
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", (payload, html)
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://", "mailto:")), html


def test_links_are_safe_and_marked() -> None:
    html, _ = render("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(html)
    return found
