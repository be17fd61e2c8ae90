"""Typed SDK events of the chat commands (MS-17), registered in protocol.events' registry.

ServerEvent
└── RoomEvent
    └── CommandCompleted   command.completed  (ephemeral; to the issuing connection only)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import CommandResult, Envelope

__all__ = ["CommandCompleted"]


@register
@dataclass(kw_only=True, eq=False)
class CommandCompleted(RoomEvent):
    """The answer to a chat command this connection sent with the gateway's `command` op
    (EVENTS.md #71). `id` is the correlation id the command carried, if any. Refused
    commands come back as gateway error frames instead, so `ok` is true."""

    type_name = "command.completed"
    op: str
    ok: bool = True
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    id: str | int | None = None

    @property
    def command_result(self) -> CommandResult:
        """The same answer as `Room.command` returns over REST."""
        return CommandResult(op=self.op, ok=self.ok, message=self.message, result=self.result)

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "op": str(d["op"]),
            "ok": bool(d.get("ok", True)),
            "message": str(d.get("message") or ""),
            "result": dict(d.get("result") or {}),
            "id": d.get("id"),
        }
