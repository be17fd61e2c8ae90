"""The profanity filter (MD-06, D.84): whole-word, case-insensitive masking with `*`.

A room's filter (rooms.profanity_filter, on by default) uses three lists: the bundled
English one (services.profanity_words), the server-wide one (staff edit it) and the
room's own (its owners and moderators edit it).

Matching works on words, never inside them (the Scunthorpe problem: "Scunthorpe",
"classic", "assess" and "cocktail" pass). A word is a run of letters and digits, where
`@ $ ! *` count as letters when they stand inside it; `. - _` may join single parts
("f.u.c.k", "s-h-i-t"). A word matches when, after undoing simple leetspeak (0→o, 1→i,
3→e, 4→a, 5→s, 7→t, @→a, $→s, !→i) and dropping the joiners, it is a listed word, the
same with runs of a repeated letter squeezed ("fuuuck"), or a listed word of the same
length with `*` standing for single letters ("f*ck"). A joined word whose whole does not
match is checked part by part ("shit.Then" masks "shit"). Masks keep the length.

In HTML only the text between tags is masked, never tag names or attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from hubbub.errors import ValidationError
from hubbub.server.services.profanity_words import WORDS

MAX_WORDS = 1000
MAX_WORD_LEN = 64

_CHAR = r"(?:[^\W_]|[@$!*])"
_WORD = re.compile(rf"{_CHAR}+(?:[.\-_]+{_CHAR}+)*")
_JOINERS = re.compile(r"[.\-_]+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_MORE = str.maketrans({"$": "s", "!": "i"})
_TAG = re.compile(r"(<[^>]*>)")
_RUNS = re.compile(r"(.)\1+")


def normalise(word: str) -> str:
    """A word as the filter compares it: lower case, leetspeak undone, joiners dropped."""
    return _JOINERS.sub("", word.lower()).translate(_LEET).translate(_LEET_MORE)


def _squeeze(word: str) -> str:
    return _RUNS.sub(r"\1", word)


@dataclass(slots=True)
class WordSet:
    """The words a room's filter masks, ready for matching."""

    words: set[str] = field(default_factory=set)
    squeezed: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, *lists: Iterable[str]) -> WordSet:
        out = cls()
        for words in lists:
            for word in words:
                n = normalise(word)
                out.words.add(n)
                out.squeezed.add(_squeeze(n))
        return out

    def matches(self, word: str) -> bool:
        if not word:
            return False
        n = normalise(word)
        if n in self.words or _squeeze(n) in self.squeezed:
            return True
        if "*" in n and n.strip("*"):
            pattern = re.compile(re.escape(n).replace(r"\*", "[a-z]"))
            return any(len(w) == len(n) and pattern.fullmatch(w) for w in self.words)
        return False


BUNDLED = WordSet.of(WORDS)


def _mask_word(m: re.Match[str], words: WordSet) -> str:
    token = m.group(0)
    # Markdown emphasis (`**word**`) and an exclamation mark frame a word, not part of it.
    core = token.lstrip("*")
    head = len(token) - len(core)
    core = core.rstrip("*!")
    tail = token[head + len(core) :]
    if words.matches(core):
        return token[:head] + "*" * len(core) + tail
    if not _JOINERS.search(core):
        return token
    # "shit.Then": the whole is no word of the list, its parts may be.
    parts = re.split(r"([.\-_]+)", core)
    masked = "".join(
        p if i % 2 or not words.matches(p) else "*" * len(p) for i, p in enumerate(parts)
    )
    return token[:head] + masked + tail


def mask_text(text: str, words: WordSet) -> str:
    return _WORD.sub(lambda m: _mask_word(m, words), text)


def mask_html(html: str, words: WordSet) -> str:
    parts = _TAG.split(html)
    return "".join(p if i % 2 else mask_text(p, words) for i, p in enumerate(parts))


@dataclass(frozen=True, slots=True)
class Masked:
    content: str
    content_html: str
    content_text: str
    censored: bool


def mask(content: str, content_html: str, content_text: str, words: WordSet) -> Masked:
    """The three renderings with every listed word masked; `censored` if any changed."""
    out = Masked(
        mask_text(content, words),
        mask_html(content_html, words),
        mask_text(content_text, words),
        False,
    )
    changed = (out.content, out.content_html, out.content_text) != (
        content,
        content_html,
        content_text,
    )
    return Masked(out.content, out.content_html, out.content_text, changed)


def clean_list(value: object) -> list[str]:
    """A word list from a client: lower-cased words without spaces, duplicates dropped,
    sorted; ValidationError `invalid_word_list` otherwise."""
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValidationError("words must be a list of words", code="invalid_word_list")
    if len(value) > MAX_WORDS:
        raise ValidationError(
            f"a word list has at most {MAX_WORDS} words", code="invalid_word_list"
        )
    out: set[str] = set()
    for raw in value:
        word = raw.strip().lower()
        if not word or len(word) > MAX_WORD_LEN or not _WORD.fullmatch(word) or "\x00" in word:
            raise ValidationError(
                f"{raw!r} is not a word (1–{MAX_WORD_LEN} letters, digits and @$!*, "
                "optionally joined by . - _)",
                code="invalid_word_list",
                details={"word": raw[:MAX_WORD_LEN]},
            )
        out.add(word)
    return sorted(out)
