"""Presence (global and per room) and the user settings document (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["presence"])
