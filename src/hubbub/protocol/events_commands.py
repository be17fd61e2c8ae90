"""Typed SDK events of the chat commands (MS-17), registered in protocol.events' registry.

ServerEvent
└── RoomEvent
    └── CommandCompleted   command.completed  (ephemeral; to the issuing connection only)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.errors import HubbubError, error_from_wire
from hubbub.protocol.events import RoomEvent, register
from hubbub.protocol.models import CommandResult, Envelope

__all__ = ["CommandCompleted"]


@register
@dataclass(kw_only=True, eq=False)
class CommandCompleted(RoomEvent):
    """The answer to a chat command this connection sent with the gateway's `command` op
    (EVENTS.md #71). `id` is the correlation id the command carried, if any. A refused
    command answers with `ok` false and `error` `{code, message, details}` (the code REST
    would answer, e.g. `missing_permission`, `invalid_command_arguments`); `op` is then
    empty if the text named no command. `raise_for_error()` turns it into the typed error."""

    type_name = "command.completed"
    op: str
    ok: bool = True
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    id: str | int | None = None
    error: dict[str, Any] | None = None

    def raise_for_error(self) -> None:
        """Raise the typed HubbubError of a refused command; nothing if it succeeded."""
        if self.ok or self.error is None:
            return
        raise error_from_code(self.error)

    @property
    def command_result(self) -> CommandResult:
        """The same answer as `Room.command` returns over REST."""
        return CommandResult(op=self.op, ok=self.ok, message=self.message, result=self.result)

    @classmethod
    def _parse_data(cls, envelope: Envelope) -> dict[str, Any]:
        d = envelope.data
        return {
            **super()._parse_data(envelope),
            "op": str(d.get("op") or ""),
            "ok": bool(d.get("ok", True)),
            "message": str(d.get("message") or ""),
            "result": dict(d.get("result") or {}),
            "id": d.get("id"),
            "error": None if d.get("error") is None else dict(d["error"]),
        }


def error_from_code(error: dict[str, Any]) -> HubbubError:
    """The typed error of a refused command's `error` object (its `status` is the HTTP
    status REST would have answered)."""
    status = error.get("status")
    return error_from_wire(int(status) if isinstance(status, int) else 400, {"error": error})
