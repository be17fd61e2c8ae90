"""spaces (issue 4). Filled in by its area's change."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["spaces"])
