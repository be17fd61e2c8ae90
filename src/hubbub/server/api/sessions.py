"""Sessions as objects and anonymous read-only access (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sessions"])
