"""Reports (MD-03, MD-04; D.27, D.66, D.89): anyone reports a message, a user, a room or
a space they can see, with a reason code and optional text; moderators list, resolve or
reject them; enough reports on one message put it in the moderation queue.

One shape: `POST /reports {target_type, target_id, reason, detail?}`. Whom a report
concerns decides who handles it:

    target   room_id / space_id stored    handled by (MODS)
    message  its room, the room's space   the room's moderators (and the space's), staff
    room     the room, its space          the same
    space    -, the space                 the space's moderators (moderate / manage_space), staff
    user     -, -                         global staff

Events (each ONE logged event, audience MODS with `target_user_id` = the reporter, so the
moderators and the reporter's sessions each get exactly one copy, live and on resume):
- `report.created {report}` (EVENTS.md #66): the reporter's copy is their ack (D.27); it
  names them too (`reporter_id`): they know it is them, and nobody else gets that copy.
- `report.updated {report}` when a moderator resolves or rejects it (status `resolved` /
  `rejected`, `resolver_id`, `note`).

Threshold (D.89): each report on a message adds one to `messages.report_count`; the report
that makes it reach the room's `max_reports` (0 = never) queues the message once for
review through services.moderation_queue (`moderation.queued`, reason report_threshold).

Refusals, all before any write: 422 `invalid_report_target` / `invalid_report_reason` /
`report_detail_too_long`; 404 when the reporter cannot see the target (`message_not_found`,
`user_not_found`, `room_not_found`, `space_not_found`); 409 `message_deleted`; 400
`cannot_report_self` (yourself or your own message); 409 `already_reported` (one report per
reporter and target, ever); resolving: 404 `report_not_found`, 403 `not_moderator`, 409
`report_closed`, 422 `note_too_long`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from hubbub.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationError
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services import audit, moderation_queue
from hubbub.server.services.access import RoomAccess, room_access, space_access
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.message_audience import is_restricted
from hubbub.server.services.system_users import is_system
from hubbub.server.store import messages as messages_store
from hubbub.server.store import reports as store
from hubbub.server.store import rooms as rooms_store
from hubbub.server.store import spaces as spaces_store
from hubbub.server.store import users as users_store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

TARGETS = ("message", "user", "room", "space")
REASONS = ("spam", "abuse", "harassment", "illegal", "inappropriate", "impersonation", "other")
STATUSES = ("created", "resolved", "rejected")
MAX_DETAIL = 1000
MAX_NOTE = 1000
MAX_PAGE = 100
DEFAULT_PAGE = 50


# -- what may be seen -----------------------------------------------------------------


def message_not_found(message_id: int) -> NotFound:
    return NotFound(f"message {message_id} not found", code="message_not_found")


def hidden_from_others(row: RowMapping) -> bool:
    """A message only its author and the room's moderators see: shadowbanned, pending or
    rejected by pre-moderation, or still held by the broadcast delay."""
    return is_restricted(row)


def visible_message_txn(
    conn: Connection, ctx: Ctx, message_id: int
) -> tuple[RowMapping, RoomAccess]:
    """The message row and the caller's access to its room; NotFound unless the caller
    sees it, Conflict `message_deleted` for a tombstone."""
    row = messages_store.get_message_row(conn, message_id)
    if row is None:
        raise message_not_found(message_id)
    try:
        access = room_access(conn, ctx.user, row["room_id"])
    except NotFound:
        raise message_not_found(message_id) from None
    mine = row["author_id"] == ctx.user_id
    if hidden_from_others(row) and not (mine or access.moderator):
        raise message_not_found(message_id)
    if row["deleted"]:
        raise Conflict("the message was deleted", code="message_deleted")
    return row, access


def _space_moderator(conn: Connection, ctx: Ctx, space_id: int) -> bool:
    access = space_access(conn, ctx.user, space_id)
    return access.owner or access.can(Perm.MODERATE) or access.can(Perm.MANAGE_SPACE)


# -- filing ---------------------------------------------------------------------------


def _checked(target_type: str, reason: str, detail: str | None) -> str | None:
    if target_type not in TARGETS:
        raise ValidationError(
            f"target_type must be one of {', '.join(TARGETS)}",
            code="invalid_report_target",
            details={"allowed": list(TARGETS)},
        )
    if reason not in REASONS:
        raise ValidationError(
            f"reason must be one of {', '.join(REASONS)}",
            code="invalid_report_reason",
            details={"allowed": list(REASONS)},
        )
    if detail is not None:
        detail = detail.strip() or None
    if detail is not None and len(detail) > MAX_DETAIL:
        raise ValidationError(
            f"detail is at most {MAX_DETAIL} characters",
            code="report_detail_too_long",
            details={"limit": MAX_DETAIL},
        )
    return detail


def _self() -> BadRequest:
    return BadRequest("you cannot report yourself or your own messages", code="cannot_report_self")


def _scope_txn(
    tx: Tx, ctx: Ctx, target_type: str, target_id: int
) -> tuple[int | None, int | None, RoomRow | None, RowMapping | None]:
    """(room_id, space_id, room, message row) of a target the reporter can see."""
    conn = tx.conn
    if target_type == "message":
        row, access = visible_message_txn(conn, ctx, target_id)
        if row["author_id"] == ctx.user_id:
            raise _self()
        room = access.room
        return room.id, room.space_id, room, row
    if target_type == "room":
        room = room_access(conn, ctx.user, target_id).room
        return room.id, room.space_id, room, None
    if target_type == "space":
        return None, space_access(conn, ctx.user, target_id).space.id, None, None
    if target_id == ctx.user_id:
        raise _self()
    user = None if is_system(target_id) else users_store.get_user(conn, target_id)
    if user is None or user.deleted_at is not None:
        raise NotFound(f"user {target_id} not found", code="user_not_found")
    return None, None, None, None


def _event(type_: str, report: dict[str, Any], actor: dict[str, Any] | None) -> LogEvent:
    """One MODS event for the report's scope, the reporter included (target_user_id)."""
    return LogEvent(
        type=type_,
        audience=Audience.MODS,
        room_id=report["room_id"],
        space_id=report["space_id"],
        actor=actor,
        target_user_id=report["reporter_id"],
        data={"report": report},
    )


async def create(
    core: Core, ctx: Ctx, target_type: str, target_id: int, reason: str, detail: str | None
) -> dict[str, Any]:
    """File a report; the report as moderators see it (the caller is its reporter)."""
    detail = _checked(target_type, reason, detail)

    def job(tx: Tx) -> dict[str, Any]:
        room_id, space_id, room, message = _scope_txn(tx, ctx, target_type, target_id)
        if store.already_reported(tx.conn, ctx.user_id, target_type, target_id):
            raise Conflict("you have already reported this", code="already_reported")
        row = store.insert_txn(
            tx.conn,
            target_type=target_type,
            target_id=target_id,
            room_id=room_id,
            space_id=space_id,
            reporter_id=ctx.user_id,
            reason=reason,
            detail=detail,
            status="created",
            created_at=tx.now_ms,
        )
        if message is not None:
            assert room is not None
            count = store.bump_message_count_txn(tx.conn, target_id)
        else:
            count = store.count_for_target(tx.conn, target_type, target_id)
        report = store.report_wire(row, count)
        tx.emit(_event("report.created", report, ctx.user.snapshot()))
        if message is not None and room is not None and 0 < room.max_reports == count:
            moderation_queue.enqueue_txn(
                tx, room, dict(message), reason="report_threshold", report_count=count
            )
        return report

    try:
        return await core.log.run(job)
    except IntegrityError as exc:  # the same reporter, twice at once
        raise Conflict("you have already reported this", code="already_reported") from exc


# -- handling -------------------------------------------------------------------------


def _not_found(report_id: int) -> NotFound:
    return NotFound(f"report {report_id} not found", code="report_not_found")


def _moderates(conn: Connection, ctx: Ctx, row: RowMapping) -> bool:
    if ctx.user.is_moderator:
        return True
    try:
        if row["room_id"] is not None:
            return room_access(conn, ctx.user, row["room_id"]).moderator
        if row["space_id"] is not None:
            return _space_moderator(conn, ctx, row["space_id"])
    except NotFound:
        return False
    return False


def _readable_txn(conn: Connection, ctx: Ctx, report_id: int) -> tuple[RowMapping, bool]:
    """The report row and whether the caller moderates it; its reporter and moderators
    see it, nobody else (NotFound)."""
    row = store.get_row(conn, report_id)
    if row is None:
        raise _not_found(report_id)
    moderates = _moderates(conn, ctx, row)
    if not moderates and row["reporter_id"] != ctx.user_id:
        raise _not_found(report_id)
    return row, moderates


async def get(core: Core, ctx: Ctx, report_id: int) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        row, _mod = _readable_txn(conn, ctx, report_id)
        count = store.count_for_target(conn, row["target_type"], row["target_id"])
        return store.report_wire(row, count)

    return await core.db.read(read)


async def close(
    core: Core, ctx: Ctx, report_id: int, status: str, note: str | None
) -> dict[str, Any]:
    """Resolve (`resolved`: acted on) or reject (`rejected`: nothing wrong) an open report."""
    assert status in ("resolved", "rejected")
    if note is not None:
        note = note.strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise ValidationError(
            f"a note is at most {MAX_NOTE} characters",
            code="note_too_long",
            details={"limit": MAX_NOTE},
        )

    def job(tx: Tx) -> dict[str, Any]:
        row, moderates = _readable_txn(tx.conn, ctx, report_id)
        if not moderates:
            raise Forbidden("only moderators handle reports", code="not_moderator")
        if row["status"] != "created" or not store.close_txn(
            tx.conn, report_id, status=status, resolver_id=ctx.user_id, note=note, now_ms=tx.now_ms
        ):
            raise Conflict(
                f"the report is already {row['status']}",
                code="report_closed",
                details={"status": row["status"]},
            )
        fresh = store.get_row(tx.conn, report_id)
        assert fresh is not None
        count = store.count_for_target(tx.conn, row["target_type"], row["target_id"])
        report = store.report_wire(fresh, count)
        actor = ctx.user.snapshot()
        tx.emit(_event("report.updated", report, actor))
        change: dict[str, Any] = {
            "action": f"report.{status}",
            "actor": actor,
            "before": {"report_id": report_id, "status": row["status"]},
            "after": {"report_id": report_id, "status": status},
            "reason": note,
        }
        if report["room_id"] is None and report["space_id"] is None:
            audit.record_txn(tx, target_type="user", target_id=report["target_id"], **change)
        else:
            audit.record_txn(
                tx,
                room_id=report["room_id"],
                space_id=report["space_id"],
                target_type="report",
                target_id=report_id,
                **change,
            )
        return report

    return await core.log.run(job)


# -- lists ----------------------------------------------------------------------------

EXCERPT = 300


def _target(conn: Connection, target_type: str, target_id: int) -> dict[str, Any] | None:
    """What a report is about, as its moderators need to judge it: a message's author
    and text (deleted or held ones too: the report may be why), a user, a room or a space
    by name; None when it no longer exists."""
    if target_type == "message":
        row = messages_store.get_message_row(conn, target_id)
        if row is None:
            return None
        text = str(row["content"] or "")
        return {
            "id": row["id"],
            "room_id": row["room_id"],
            "author": messages_store.author_of(row),
            "excerpt": text[:EXCERPT],
            "deleted": bool(row["deleted"]),
        }
    if target_type == "user":
        user = users_store.get_user(conn, target_id)
        return None if user is None else user.snapshot()
    if target_type == "room":
        room = rooms_store.get_room(conn, target_id)
        return None if room is None else {"id": room.id, "name": room.name}
    space = spaces_store.get_space(conn, target_id)
    return None if space is None else {"id": space.id, "name": space.name}


def _for_moderators(
    conn: Connection, page: tuple[list[dict[str, Any]], bool]
) -> tuple[list[dict[str, Any]], bool]:
    """A moderators' page names each report's `target` and `reporter`, so a report is
    judged from the list without a lookup per row."""
    reports, more = page
    people: dict[int, dict[str, Any] | None] = {}
    for report in reports:
        report["target"] = _target(conn, report["target_type"], int(report["target_id"]))
        rid = int(report["reporter_id"])
        if rid not in people:
            user = users_store.get_user(conn, rid)
            people[rid] = None if user is None else user.snapshot()
        report["reporter"] = people[rid]
    return reports, more


def _page_args(status: str | None, limit: int) -> None:
    if status is not None and status not in STATUSES:
        raise ValidationError(
            f"status must be one of {', '.join(STATUSES)}",
            code="invalid_report_status",
            details={"allowed": list(STATUSES)},
        )
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be 1–{MAX_PAGE}", code="invalid_limit")


async def list_room(
    core: Core, ctx: Ctx, room_id: int, status: str | None, before: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """A room's reports (on it and its messages), newest first: its moderators."""
    _page_args(status, limit)

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        if not room_access(conn, ctx.user, room_id).moderator:
            raise Forbidden("only the room's moderators read its reports", code="not_moderator")
        page = store.page(conn, room_id=room_id, status=status, before=before, limit=limit)
        return _for_moderators(conn, page)

    return await core.db.read(read)


async def list_space(
    core: Core, ctx: Ctx, space_id: int, status: str | None, before: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """A space's reports (on it, its rooms and their messages): its moderators."""
    _page_args(status, limit)

    def read(conn: Connection) -> tuple[list[dict[str, Any]], bool]:
        if not _space_moderator(conn, ctx, space_id):
            raise Forbidden("only the space's moderators read its reports", code="not_moderator")
        page = store.page(conn, space_id=space_id, status=status, before=before, limit=limit)
        return _for_moderators(conn, page)

    return await core.db.read(read)


async def list_all(
    core: Core, ctx: Ctx, status: str | None, before: int | None, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Every report (user reports live only here): global staff."""
    _page_args(status, limit)
    if not ctx.user.is_moderator:
        raise Forbidden("only global moderators read every report", code="not_global_moderator")
    return await core.db.read(
        lambda c: _for_moderators(c, store.page(c, status=status, before=before, limit=limit))
    )
