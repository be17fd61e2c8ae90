"""Applying a partial update (`changes` + `cleared`, EVENTS.md C.1) to an immutable wire
snapshot: shared by every cache fold."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from hubbub.protocol import models

__all__ = ["patched"]

_log = logging.getLogger(__name__)

M = TypeVar("M", bound=models.WireModel)


def patched(before: M, changes: dict[str, Any], cleared: list[str], extra: dict[str, Any]) -> M:
    """`before` with `changes` applied and `cleared` fields reset to their defaults.

    Re-validated rather than `model_copy(update=…)` so wire values (ISO strings) become
    typed values; if the server sent something this SDK cannot validate, the raw values
    are applied unvalidated rather than losing the update.
    """
    fields = type(before).model_fields
    merged = {**before.model_dump(), **changes, **extra}
    for name in cleared:
        if name in fields:
            merged[name] = fields[name].get_default(call_default_factory=True)
        else:
            merged.pop(name, None)
    try:
        return type(before).model_validate(merged)
    except ValueError as exc:
        _log.warning("could not validate %s update: %s", type(before).__name__, exc)
        return before.model_copy(update=merged)
