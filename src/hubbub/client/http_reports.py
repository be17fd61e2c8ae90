"""REST methods: reports, flags and reputation (issue 6). Each returns wire models or
raises the typed error the server named (`already_reported`, `cannot_report_self`,
`already_flagged`, `cannot_flag_own_message`, `reputation_too_low`, `not_moderator`…)."""

from __future__ import annotations

from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models import User
from hubbub.protocol.models_reports import FlagState, Report, ReportPage

__all__ = ["ReportsAPI"]


class ReportsAPI(Requester):
    # -- reports ------------------------------------------------------------------------

    async def report(
        self, target_type: str, target_id: int, reason: str, detail: str | None = None
    ) -> Report:
        """Report a `message`, `user`, `room` or `space` you can see, once. `reason`:
        spam, abuse, harassment, illegal, inappropriate, impersonation or other;
        `detail`: up to 1000 characters. Its moderators (staff, for a user) are told."""
        body: dict[str, Any] = {"target_type": target_type, "target_id": target_id}
        body["reason"] = reason
        if detail is not None:
            body["detail"] = detail
        return Report.model_validate(await self.request("POST", "/reports", json=body))

    async def get_report(self, report_id: int) -> Report:
        """A report you filed, or one you moderate."""
        return Report.model_validate(await self.request("GET", f"/reports/{report_id}"))

    async def reports(
        self,
        *,
        room_id: int | None = None,
        space_id: int | None = None,
        status: str | None = None,
        before: int | None = None,
        limit: int | None = None,
    ) -> ReportPage:
        """Reports for moderators, newest first: a room's (`room_id`), a space's and its
        rooms' (`space_id`), or, with neither, every report (global staff). `status`:
        created, resolved or rejected."""
        if room_id is not None and space_id is not None:
            raise ValueError("give room_id or space_id, not both")
        path = (
            f"/rooms/{room_id}/reports"
            if room_id is not None
            else f"/spaces/{space_id}/reports"
            if space_id is not None
            else "/admin/reports"
        )
        params = {k: v for k, v in (("status", status), ("before", before), ("limit", limit)) if v}
        return ReportPage.model_validate(await self.request("GET", path, params=params))

    async def resolve_report(self, report_id: int, note: str | None = None) -> Report:
        """Close a report as acted on (its moderators); audited."""
        body = {} if note is None else {"note": note}
        data = await self.request("POST", f"/reports/{report_id}/resolve", json=body)
        return Report.model_validate(data)

    async def reject_report(self, report_id: int, note: str | None = None) -> Report:
        """Close a report as unfounded (its moderators); audited."""
        body = {} if note is None else {"note": note}
        data = await self.request("POST", f"/reports/{report_id}/reject", json=body)
        return Report.model_validate(data)

    # -- flags --------------------------------------------------------------------------

    async def flag(self, message_id: int, kind: str) -> FlagState:
        """Flag someone else's message: `spam`, `offensive` or `mod_attention`. One flag
        per message (retract it with `unflag` to change it); needs the server's
        `flag_min_reputation` unless you moderate the room. Anonymous."""
        data = await self.request("PUT", f"/messages/{message_id}/flags", json={"kind": kind})
        return FlagState.model_validate(data)

    async def unflag(self, message_id: int) -> FlagState:
        """Retract your flag."""
        return FlagState.model_validate(
            await self.request("DELETE", f"/messages/{message_id}/flags")
        )

    async def clear_flags(self, message_id: int) -> FlagState:
        """Remove every flag of a message (its room's moderators); audited."""
        data = await self.request("DELETE", f"/messages/{message_id}/flags", params={"all": "true"})
        return FlagState.model_validate(data)

    async def flags(self, message_id: int) -> FlagState:
        """Your flag on a message; its counts if you are trusted or moderate the room."""
        return FlagState.model_validate(await self.request("GET", f"/messages/{message_id}/flags"))

    # -- reputation ---------------------------------------------------------------------

    async def set_reputation(self, user_id: int, value: int) -> User:
        """Set a user's reputation (global staff). A gateway connection judges TRUSTED
        when it connects: the user's new trust applies to their next connection."""
        data = await self.request(
            "PUT", f"/admin/users/{user_id}/reputation", json={"value": value}
        )
        return User.model_validate(data)
