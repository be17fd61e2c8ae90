"""Reaction keys: exactly one Unicode emoji, normalised to its fully-qualified form.

Validated against the Unicode emoji table shipped by the `emoji` package (RGI sequences:
ZWJ families, skin tones, flags, keycaps, tag sequences each count as one). Unqualified
and minimally-qualified spellings (`❤` for `❤️`) are folded into the fully-qualified one so
that they aggregate together. `:shortcode:`s and S3's named reactions (`like`, D.67) map
to their emoji. Custom emoji (`c:<id>`) arrive with spaces.
"""

from __future__ import annotations

from functools import cache

import emoji as emoji_table

from hubbub.errors import ValidationError

FULLY_QUALIFIED = emoji_table.STATUS["fully_qualified"]
COMPONENT = emoji_table.STATUS["component"]
# S3's reaction names (D.67); a free string otherwise has to be an emoji itself.
NAMED = {"like": "👍", "love": "❤️", "laugh": "😂", "wow": "😮", "sad": "😢", "angry": "😠"}
MAX_INPUT = 100


@cache
def _by_name() -> dict[str, str]:
    """Every emoji's CLDR name → its fully-qualified sequence (built once, on first use)."""
    return {
        data["en"]: seq
        for seq, data in emoji_table.EMOJI_DATA.items()
        if data["status"] == FULLY_QUALIFIED
    }


def normalize(raw: str) -> str:
    """The canonical key for one emoji, or ValidationError `invalid_emoji`."""
    text = raw[:MAX_INPUT]
    text = NAMED.get(text.lower(), text)
    if text.startswith(":") and text.endswith(":") and len(text) > 2:
        text = emoji_table.emojize(text, language="alias")
    data = emoji_table.EMOJI_DATA.get(text)
    # A bare skin tone or hair component is not an emoji on its own.
    if data is None or data["status"] == COMPONENT or len(raw) > MAX_INPUT:
        raise ValidationError(
            "a reaction must be exactly one emoji",
            code="invalid_emoji",
            details={"emoji": raw[:40]},
        )
    if data["status"] == FULLY_QUALIFIED:
        return text
    return _by_name().get(data["en"], text)
