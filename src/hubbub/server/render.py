"""Markdown source → sanitised HTML and plain text. Client HTML is never trusted: raw HTML
in the source is escaped by the parser and the output passes an allow-list sanitiser."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

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
_ATTRS = {"a": {"href", "title"}, "code": {"class"}}


def render(content: str) -> tuple[str, str]:
    """(content_html, content_text) for a message's Markdown `content`."""
    raw = _md.render(content)
    safe = nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
    text = html.unescape(nh3.clean(safe, tags=set())).strip()
    return safe, text
