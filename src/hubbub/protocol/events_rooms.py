"""Typed SDK events of issue 4 (rooms). Registered on import (see protocol.events)."""

from __future__ import annotations
