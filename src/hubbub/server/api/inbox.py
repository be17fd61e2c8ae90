"""Invitations addressed to a user and global notifications (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inbox"])
