"""Room settings (RM-01…RM-07): which fields exist, how each client value is checked and
normalised, and what each resets to when cleared. Pure: no I/O, so create, update and
the CLI all refuse the same values with the same codes.
"""

from __future__ import annotations

import re
from typing import Any

from hubbub.errors import ValidationError, reject_nul

ACCESS_MODES = ("public", "gallery", "private")
# `dm` is a kind too, but DMs are opened through their own endpoint (idempotent, DM-01).
KINDS = ("text", "voice", "music", "group")
LIMITS = {"name": 100, "description": 2000, "topic": 500}
MAX_EDIT_WINDOW_S = 366 * 24 * 3600
MAX_TAGS = 10
MAX_TAG_LEN = 32
TAG = re.compile(r"[a-z0-9_-]+")
CUSTOM_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
MAX_REPORTS = (1, 1000)
MAX_POSITION = 2**31 - 1

# Fields a PATCH may change; `slug` is folded into `custom_id` before this (D.82).
EDITABLE = (
    "name",
    "description",
    "topic",
    "tags",
    "custom_id",
    "access_mode",
    "allow_entry",
    "is_open",
    "max_reports",
    "position",
    "allow_actions",
    "edit_window_s",
    # The message pipeline (issue 6).
    "moderation",
    "profanity_filter",
    "throttle_seconds",
    "delay_message_seconds",
    "hide_on_report_threshold",
)
# What a room's moderators (`moderate`) may change without `manage_room`: open/close
# (RM-06) and the message pipeline's settings.
MODERATOR_EDITABLE = frozenset(
    {
        "is_open",
        "moderation",
        "profanity_filter",
        "throttle_seconds",
        "delay_message_seconds",
        "hide_on_report_threshold",
    }
)
# Fields a null (or, for text, an empty value) resets; the value they reset to.
CLEARABLE: dict[str, Any] = {"description": "", "topic": "", "tags": [], "custom_id": None}
BOOLS = ("allow_entry", "is_open", "allow_actions", "profanity_filter", "hide_on_report_threshold")
MODERATION_MODES = ("none", "pre", "post")
MAX_THROTTLE_S = 21600
MAX_DELAY_S = 300


def invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def fold_slug(fields: dict[str, Any]) -> dict[str, Any]:
    """`slug` is a read/write alias of `custom_id` (D.82): one field from here on."""
    if "slug" not in fields:
        return fields
    out = dict(fields)
    slug = out.pop("slug")
    if "custom_id" in out and out["custom_id"] != slug:
        raise invalid("custom_id and slug are one field; send one of them", "custom_id_conflict")
    out["custom_id"] = slug
    return out


def tags(value: Any) -> list[str]:
    """Normalised tags: lowercase words, duplicates dropped, order kept."""
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise invalid("tags must be a list of words", "invalid_tag")
    out: list[str] = []
    for raw in value:
        word = raw.strip().lower()
        if not word or len(word) > MAX_TAG_LEN or not TAG.fullmatch(word):
            raise invalid(
                f"tag {raw!r} must be 1–{MAX_TAG_LEN} characters of a-z, 0-9, _ and -",
                "invalid_tag",
            )
        if word not in out:
            out.append(word)
    if len(out) > MAX_TAGS:
        raise invalid(f"a room has at most {MAX_TAGS} tags", "too_many_tags")
    return out


def custom_id(value: Any) -> str:
    if not isinstance(value, str) or not CUSTOM_ID.fullmatch(value):
        raise invalid(
            "custom_id must be 1–128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'",
            "invalid_custom_id",
        )
    return value


def _int(field: str, value: Any, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{field} must be an integer", "invalid_setting")
    if not low <= value <= high:
        raise invalid(f"{field} must be {low}–{high}", code)
    return value


def clean(field: str, value: Any) -> Any:
    """One setting's value, checked and normalised; ValidationError with a stable code."""
    if isinstance(value, str):
        reject_nul(value, field)
    if field in BOOLS:
        if not isinstance(value, bool):
            raise invalid(f"{field} must be true or false", "invalid_setting")
        return value
    if field == "edit_window_s":  # 0 = authors may edit any time
        return _int(field, value, 0, MAX_EDIT_WINDOW_S, "invalid_edit_window")
    if field == "throttle_seconds":
        return _int(field, value, 0, MAX_THROTTLE_S, "invalid_throttle")
    if field == "delay_message_seconds":
        return _int(field, value, 0, MAX_DELAY_S, "invalid_delay")
    if field == "moderation":
        if value not in MODERATION_MODES:
            raise invalid(
                f"moderation must be one of {', '.join(MODERATION_MODES)}", "invalid_moderation"
            )
        return value
    if field == "max_reports":
        return _int(field, value, *MAX_REPORTS, "invalid_max_reports")
    if field == "position":
        return _int(field, value, 0, MAX_POSITION, "invalid_position")
    if field == "tags":
        return tags(value)
    if field == "custom_id":
        return custom_id(value)
    if field == "access_mode":
        if value not in ACCESS_MODES:
            raise invalid(
                f"access_mode must be one of {', '.join(ACCESS_MODES)}", "invalid_access_mode"
            )
        return value
    if field == "kind":
        if value == "dm":
            raise invalid("open DMs through the DM endpoint", "invalid_kind")
        if value not in KINDS:
            raise invalid(f"kind must be one of {', '.join(KINDS)}", "invalid_kind")
        return value
    if not isinstance(value, str):
        raise invalid(f"{field} must be text", "invalid_setting")
    value = value.strip()
    if field == "name" and not value:
        raise invalid("room name must not be empty", "invalid_room_name")
    if len(value) > LIMITS[field]:
        raise invalid(f"{field} must be at most {LIMITS[field]} characters", f"{field}_too_long")
    return value


def clean_all(fields: dict[str, Any], allowed: tuple[str, ...]) -> tuple[dict[str, Any], set[str]]:
    """(values to set, names to reset) from a request body; null means reset for the
    clearable fields and "not given" for the rest."""
    values: dict[str, Any] = {}
    reset: set[str] = set()
    for field, value in fold_slug(fields).items():
        if field not in allowed:
            continue
        if value is None:
            if field in CLEARABLE:
                reset.add(field)
            continue
        values[field] = clean(field, value)
    return values, reset
