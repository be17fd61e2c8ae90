"""REST routes of issue 3's content area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["content"])
