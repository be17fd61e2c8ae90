"""Relationships (friends, blocks), DMs and groups (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["relations"])
