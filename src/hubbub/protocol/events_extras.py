"""Typed SDK events of issue 4 (extras). Registered on import (see protocol.events)."""

from __future__ import annotations
