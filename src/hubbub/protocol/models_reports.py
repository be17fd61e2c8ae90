"""Wire models of reports and flags (issue 6; EVENTS.md C.2 #65–66, D.66)."""

from __future__ import annotations

from typing import Any, Literal

from hubbub.protocol.models import Actor, Timestamp, WireModel

__all__ = [
    "FlagCounts",
    "FlagKind",
    "FlagState",
    "Report",
    "ReportPage",
    "ReportReason",
    "ReportStatus",
    "ReportTarget",
]

ReportTarget = Literal["message", "user", "room", "space"]
ReportReason = Literal[
    "spam", "abuse", "harassment", "illegal", "inappropriate", "impersonation", "other"
]
ReportStatus = Literal["created", "resolved", "rejected"]
FlagKind = Literal["spam", "offensive", "mod_attention"]


class Report(WireModel):
    """A report as its reporter and the moderators of its room or space see it."""

    id: int
    target_type: str
    target_id: int
    room_id: int | None = None
    space_id: int | None = None
    reason: str
    detail: str | None = None
    status: str = "created"
    # Reports on the same target so far, from every reporter.
    report_count: int = 1
    reporter_id: int | None = None
    created_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    resolver_id: int | None = None
    note: str | None = None
    # Moderators' lists only: what was reported (a message's `author`, `excerpt`,
    # `deleted`; a user's snapshot; a room's or space's `name`), None once it is gone,
    # and who reported it.
    target: dict[str, Any] | None = None
    reporter: Actor | None = None


class FlagCounts(WireModel):
    """Flags on a message by kind; `mod_attention` only for moderators (None otherwise)."""

    spam: int = 0
    offensive: int = 0
    mod_attention: int | None = None


class FlagState(WireModel):
    """A message's flags as the caller may see them: their own flag always; `counts` and
    `net` (spam + offensive) for trusted users and moderators only."""

    message_id: int
    room_id: int
    flag: str | None = None
    counts: FlagCounts | None = None
    net: int | None = None


class ReportPage(WireModel):
    """One page of reports, newest first; page back with `before` = the last id."""

    reports: list[Report]
    has_more: bool = False
