"""Markdown source → sanitised HTML, plain text and the `@handle`s it mentions.

Client HTML is never trusted. Two layers: the parser escapes raw HTML in the source (and
refuses `javascript:`-style link targets), then the output passes an allow-list sanitiser
(nh3) that keeps a fixed set of tags, drops every other attribute, and keeps a link only
when its target is an absolute http(s) or mailto URL (no relative or protocol-relative
URLs either: `//evil.example` is a link to another site).

Mentions are read from the parsed document, not the raw source, so `@alice` inside a code
span, a fenced/indented code block or a link's text is not a mention.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    "strikethrough"
)
_TAGS = {
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
_ATTRS = {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}}
_SCHEMES = ("http://", "https://", "mailto:")
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
# `@handle` where the handle follows the account rule (services.auth.HANDLE); not inside a
# word or an e-mail address (`bob@example.com`), which the look-behind excludes.
_MENTION = re.compile(r"(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,31})")
MAX_MENTIONS = 50


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    text: str
    # Lower-cased candidate handles in order of appearance, without repeats. A handle
    # may end in '.' or '-', so "@bob." yields "bob." and "bob"; the caller keeps the
    # longest one that names an existing user.
    handles: tuple[tuple[str, ...], ...]


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr in ("href", "src"):
        return value if value.strip().lower().startswith(_SCHEMES) else None
    if attr == "class":
        return value if _LANGUAGE.fullmatch(value) else None
    if attr == "start":
        return value if value.isdigit() and len(value) <= 9 else None
    return value


def sanitise(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=_TAGS,
        attributes=_ATTRS,
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def render_full(content: str) -> Rendered:
    tokens = _md.parse(content)
    safe = sanitise(_md.renderer.render(tokens, _md.options, {}))
    text = html.unescape(nh3.clean(safe, tags=set())).strip()
    return Rendered(safe, text, _mentioned(tokens))


def render(content: str) -> tuple[str, str]:
    """(content_html, content_text) for a message's Markdown `content`."""
    out = render_full(content)
    return out.html, out.text


def _mentioned(tokens: list[Token]) -> tuple[tuple[str, ...], ...]:
    seen: set[str] = set()
    found: list[tuple[str, ...]] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue  # code blocks and fences have no inline children: never mentions
        in_link = 0
        for tok in block.children:
            if tok.type == "link_open":
                in_link += 1
            elif tok.type == "link_close":
                in_link = max(0, in_link - 1)
            elif tok.type == "text" and not in_link:
                for match in _MENTION.finditer(tok.content):
                    handle = match.group(1).lower()
                    if handle in seen:
                        continue
                    seen.add(handle)
                    options = [handle]
                    trimmed = handle.rstrip(".-")
                    if trimmed != handle and len(trimmed) >= 2:
                        options.append(trimmed)
                    found.append(tuple(options))
                    if len(found) >= MAX_MENTIONS:
                        return tuple(found)
    return tuple(found)
