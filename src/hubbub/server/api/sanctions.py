"""Sanctions: room bans (kick-mute, bounce, ban) and platform suspensions (issue 6)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sanctions"])
