"""The moderation pipeline: profanity filter, shadowbans, room freeze and slow mode, pre-moderation
queue, broadcast delay (issue 6)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["moderation"])
