"""Rendering safety: a corpus of XSS payloads, checked on the parsed output (structure, not
substrings: escaped text such as `&lt;script&gt;` is harmless and allowed). Also the
mention extraction that works on the same parse."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from hubbub.server.render import MAX_MENTIONS, render, render_full

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "a",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
SAFE_URL = ("http://", "https://", "mailto:")

CORPUS = [
    # script elements, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x00>alert(1)</script>",
    '<<script>alert("x");//<</script>',
    "<script/xss src=//evil.example></script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" OnErRoR="alert(1)">',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    # javascript:, data:, vbscript: URLs, with obfuscation
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>alert(1)</script>)",
    "[click](file:///etc/passwd)",
    "[click](//evil.example/phish)",
    "[click](/relative/path)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '[x](https://ok.example\\"onmouseover=alert(1))',
    # images (not allowed at all) and their URL tricks
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://ok.example/a.png"onerror="alert(1))',
    "[![img](https://ok.example/a.png)](javascript:alert(1))",
    # style injection
    "<style>body{display:none}</style>",
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<span style="x:expression(alert(1))">x</span>',
    "<link rel=stylesheet href=//evil.example/x.css>",
    # frames, objects, embeds, svg, math
    "<iframe src=//evil.example></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    # comments, CDATA, malformed tags
    "<!--<script>alert(1)</script>-->",
    "<!-- x --><img src=x onerror=alert(1)>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<img src=x onerror=alert(1)//",
    "<a href='javascript:alert(1)'",
    "<<img src=x onerror=alert(1)>>",
    "</p><script>alert(1)</script><p>",
    # markdown constructs wrapping raw HTML
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "* <svg onload=alert(1)>",
    "**<iframe src=//evil.example>**",
    "# <script>alert(1)</script>",
    '```"><script>alert(1)</script>\ncode\n```',
    "```javascript onload=alert(1)\nx\n```",
    # entities and unicode tricks
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "[click](https://ok.example/\u202egnp.exe)",
]


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

        def handle_comment(self, data: str) -> None:
            found.append(("!--", [("data", data)]))

    Collect(convert_charrefs=True).feed(html)
    return found


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 50
    assert len(set(CORPUS)) == len(CORPUS)


@pytest.mark.parametrize("payload", CORPUS)
def test_no_active_content_survives(payload: str) -> None:
    html, text = render(payload)
    for tag, attrs in _elements(html):
        assert tag in ALLOWED_TAGS, (payload, html)
        assert tag not in ("script", "style", "iframe", "object", "embed", "svg", "math")
        for name, value in attrs:
            assert not name.startswith("on"), (payload, html)
            assert name not in ("style", "srcdoc", "action", "formaction", "xlink:href")
            if name in ("href", "src"):
                assert (value or "").strip().lower().startswith(SAFE_URL), (payload, html)
            if name == "class":
                assert (value or "").startswith("language-"), (payload, html)
    # Plain text is derived from the sanitised HTML, so it can hold no more than it.
    assert isinstance(text, str)


def test_only_absolute_http_links_are_kept() -> None:
    html, _ = render("[a](https://ok.example) [b](//evil.example) [c](/local) [d](mailto:x@y.z)")
    hrefs = [v for _t, attrs in _elements(html) for k, v in attrs if k == "href"]
    assert hrefs == ["https://ok.example", "mailto:x@y.z"]


def test_links_carry_rel_and_code_keeps_its_language() -> None:
    html, _ = render("[site](https://example.com)\n\n```python\nx = 1\n```")
    assert 'rel="noopener noreferrer nofollow"' in html
    assert '<code class="language-python">' in html


def test_raw_html_shows_as_text() -> None:
    html, text = render("<b>bold?</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert text == "<b>bold?</b>"


# -- mentions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "handles"),
    [
        ("hi @alice", [("alice",)]),
        ("@Alice and @ALICE and @alice", [("alice",)]),
        ("@bob, @carol! (@dave)", [("bob",), ("carol",), ("dave",)]),
        ("thanks @bob.", [("bob.", "bob")]),
        ("cc @al_ex-9", [("al_ex-9",)]),
        ("`@code` and\n\n    @indented\n\n```\n@fenced\n```\n@real", [("real",)]),
        ("[@linked](https://x.example) @plain", [("plain",)]),
        ("mail bob@example.com or @x (too short)", []),
        ("**@bold** _@em_ ~~@del~~", [("bold",), ("em",), ("del",)]),
        ("> @quoted", [("quoted",)]),
    ],
)
def test_mentions_are_read_from_the_parse(content: str, handles: list[tuple[str, ...]]) -> None:
    assert list(render_full(content).handles) == handles


def test_mentions_are_capped() -> None:
    content = " ".join(f"@user{i}" for i in range(MAX_MENTIONS + 10))
    assert len(render_full(content).handles) == MAX_MENTIONS
