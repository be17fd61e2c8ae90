"""Reports and flags through the SDK against a real server: `Message.report/flag/unflag`,
`User.report/set_reputation`, the ReportsAPI methods, typed events (ReportCreated,
ReportUpdated, MessageFlagged) and typed errors."""

from __future__ import annotations

import pytest

import hubbub
from hubbub.errors import BadRequest, Conflict, Forbidden
from hubbub.testing import TestServer
from tests.integration.waiting import expect
from tests.integration.wire import Api, staff


async def test_reports_and_flags_through_the_sdk(lite: TestServer) -> None:
    alice, bob, carol = [await Api.register(lite) for _ in range(3)]
    boss = await staff(lite)
    room = await alice.room()
    rid = room["id"]
    for api in (bob, carol):
        await api.ok("POST", f"/rooms/{rid}/join")
    sent = await bob.send(rid, "visit my shop")
    async with (
        hubbub.Client(lite.url, token=boss.token) as admin,
        hubbub.Client(lite.url, token=alice.token) as mod,
        hubbub.Client(lite.url, token=carol.token) as reporter,
    ):
        # Staff grant carol enough reputation to flag.
        target = await admin.fetch_user(carol.id)
        granted = await target.set_reputation(100)
        assert granted.reputation == 100

        message = await reporter.fetch_message(sent["id"])
        report, created = await expect(mod, hubbub.ReportCreated, message.report("spam", "links"))
        assert isinstance(report, hubbub.Report) and report.status == "created"
        assert created.report.id == report.id and created.report.reporter_id == carol.id
        assert created.report_id == report.id and created.report.room_id == rid
        with pytest.raises(Conflict) as dup:
            await message.report("spam")
        assert dup.value.code == "already_reported"

        page = await mod.http.reports(room_id=rid)
        assert isinstance(page, hubbub.ReportPage) and [r.id for r in page.reports] == [report.id]
        closed, updated = await expect(
            reporter, hubbub.ReportUpdated, mod.http.resolve_report(report.id, "removed")
        )
        assert closed.status == "resolved" and updated.report.note == "removed"

        author = await reporter.fetch_user(bob.id)
        on_user = await author.report("harassment")
        assert on_user.target_type == "user" and on_user.room_id is None
        assert (await admin.http.reports(status="created")).reports[0].id == on_user.id
        me = await reporter.fetch_user(carol.id)
        with pytest.raises(BadRequest) as self_report:
            await me.report("other")
        assert self_report.value.code == "cannot_report_self"

        # Flags: the moderator's client gets the anonymous counts.
        state, flagged = await expect(mod, hubbub.MessageFlagged, message.flag("spam"))
        assert isinstance(state, hubbub.FlagState) and state.flag == "spam"
        assert state.counts is None  # carol is not trusted
        assert flagged.message_id == message.id and flagged.change == "added"
        assert flagged.counts.spam == 1 and flagged.counts.mod_attention is None
        assert flagged.net == 1 and flagged.flag_type == "spam"
        with pytest.raises(Conflict) as twice:
            await message.flag("offensive")
        assert twice.value.code == "already_flagged"
        seen = await mod.http.flags(message.id)
        assert seen.counts is not None and seen.counts.mod_attention == 0
        _state, retracted = await expect(mod, hubbub.MessageFlagged, message.unflag())
        assert retracted.change == "retracted" and retracted.net == 0
        cleared = await mod.http.clear_flags(message.id)
        assert cleared.net == 0

        # Too little reputation: a typed Forbidden.
        theirs = await alice.send(rid, "a moderator's message")
        async with hubbub.Client(lite.url, token=bob.token) as low_rep:
            with pytest.raises(Forbidden) as low:
                await (await low_rep.fetch_message(theirs["id"])).flag("spam")
        assert low.value.code == "reputation_too_low"
        assert low.value.details == {"required": 15, "reputation": 1}
