"""Typed SDK events of issue 6's reports and flags (EVENTS.md C.2 #65–66), registered in
protocol.events' registry.

    ServerEvent
    ├── ReportEvent               report (audience MODS of its room/space — staff for a
    │   │                         user report — plus the reporter, one copy each)
    │   ├── ReportCreated         a new report; the reporter's copy is their ack (D.27)
    │   └── ReportUpdated         resolved or rejected by a moderator (status, note)
    └── RoomEvent
        └── MessageEvent
            └── MessageFlagged    flag counts changed (anonymous): spam/offensive changes
                                  to TRUSTED without `counts.mod_attention`, mod_attention
                                  changes to MODS with it
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import MessageEvent, ServerEvent, register
from hubbub.protocol.models import Envelope
from hubbub.protocol.models_reports import FlagCounts, Report

__all__ = ["MessageFlagged", "ReportCreated", "ReportEvent", "ReportUpdated"]


@dataclass(kw_only=True, eq=False)
class ReportEvent(ServerEvent):
    report: Report

    @property
    def report_id(self) -> int:
        return self.report.id

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        return {"report": Report.model_validate(envelope.data["report"])}


@register
@dataclass(kw_only=True, eq=False)
class ReportCreated(ReportEvent):
    """A report was filed: moderators of its scope get it, and so does the reporter."""

    type_name = "report.created"


@register
@dataclass(kw_only=True, eq=False)
class ReportUpdated(ReportEvent):
    """A moderator resolved or rejected a report (`report.status`, `report.note`)."""

    type_name = "report.updated"


@register
@dataclass(kw_only=True, eq=False)
class MessageFlagged(MessageEvent):
    """A message's flags changed. `change` is added, retracted or cleared; `flag_type`
    the kind that changed (None when a moderator cleared them all); `flag_count` that
    kind's count now; `net` the spam + offensive count. Nobody is ever named."""

    type_name = "message.flagged"
    flag_type: str | None
    change: str
    flag_count: int
    counts: FlagCounts
    net: int

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "message_id": int(d["message_id"]),
            "flag_type": d.get("flag_type"),
            "change": str(d["change"]),
            "flag_count": int(d.get("flag_count") or 0),
            "counts": FlagCounts.model_validate(d.get("counts") or {}),
            "net": int(d.get("net") or 0),
        }
