"""REST routes of issue 3's lifecycle area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["lifecycle"])
