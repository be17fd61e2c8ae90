"""Profiles, statistics, account deletion/wipe and merge (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["profiles"])
