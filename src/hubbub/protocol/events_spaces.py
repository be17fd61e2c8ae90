"""Typed SDK events of issue 4 (spaces). Registered on import (see protocol.events)."""

from __future__ import annotations
