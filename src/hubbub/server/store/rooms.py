"""Rooms and room membership."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.store.schema import room_members, rooms, users
from hubbub.server.store.schema_moderation import room_bans
from hubbub.server.store.textfold import fold


@dataclass(frozen=True, slots=True)
class RoomRow:
    id: int
    name: str
    description: str
    topic: str
    kind: str
    access_mode: str
    owner_id: int | None
    space_id: int | None
    created_at: int
    deleted_at: int | None
    member_count: int = 0
    allow_actions: bool = True
    edit_window_s: int = 0
    tags: list[str] = field(default_factory=list)
    custom_id: str | None = None
    allow_entry: bool = True
    is_open: bool = True
    max_reports: int = 3
    position: int = 0
    # The message pipeline (issue 6, migration 0008).
    moderation: str = "none"  # none | pre | post
    profanity_filter: bool = True
    throttle_seconds: int = 0
    delay_message_seconds: int = 0
    hide_on_report_threshold: bool = False
    timeout_until: int | None = None  # a freeze (room timeout) ends then (ms)

    @classmethod
    def of(cls, row: RowMapping, member_count: int = 0) -> RoomRow:
        return cls(
            id=row["id"],
            name=row["name"],
            description=row["description"],
            topic=row["topic"],
            kind=row["kind"],
            access_mode=row["access_mode"],
            owner_id=row["owner_id"],
            space_id=row["space_id"],
            created_at=row["created_at"],
            deleted_at=row["deleted_at"],
            member_count=member_count,
            allow_actions=bool(row["allow_actions"]),
            edit_window_s=int(row["edit_window_s"]),
            tags=orjson.loads(row["tags"]),
            custom_id=row["custom_id"],
            allow_entry=bool(row["allow_entry"]),
            is_open=bool(row["is_open"]),
            max_reports=int(row["max_reports"]),
            position=int(row["position"]),
            moderation=row.get("moderation") or "none",
            profanity_filter=bool(row.get("profanity_filter", True)),
            throttle_seconds=int(row.get("throttle_seconds") or 0),
            delay_message_seconds=int(row.get("delay_message_seconds") or 0),
            hide_on_report_threshold=bool(row.get("hide_on_report_threshold") or False),
            timeout_until=row.get("timeout_until"),
        )

    @property
    def public(self) -> bool:
        return self.access_mode == "public"

    @property
    def listed(self) -> bool:
        """In everyone's room directory: a standalone public or gallery room."""
        return (
            self.space_id is None
            and self.kind not in ("dm", "group")
            and self.access_mode in ("public", "gallery")
        )

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "topic": self.topic,
            "kind": self.kind,
            "access_mode": self.access_mode,
            "owner_id": self.owner_id,
            "space_id": self.space_id,
            "member_count": self.member_count,
            "created_at": iso_ms(self.created_at),
            "allow_actions": self.allow_actions,
            "edit_window_s": self.edit_window_s,
            "tags": self.tags,
            "custom_id": self.custom_id,
            "slug": self.custom_id,  # D.82: a read/write alias of custom_id
            "allow_entry": self.allow_entry,
            "is_open": self.is_open,
            "max_reports": self.max_reports,
            "position": self.position,
            "moderation": self.moderation,
            "profanity_filter": self.profanity_filter,
            "throttle_seconds": self.throttle_seconds,
            "delay_message_seconds": self.delay_message_seconds,
            "hide_on_report_threshold": self.hide_on_report_threshold,
            "timeout_ends_at": None if self.timeout_until is None else iso_ms(self.timeout_until),
        }


_count = (
    select(func.count())
    .where(room_members.c.room_id == rooms.c.id)
    .correlate(rooms)
    .scalar_subquery()
    .label("member_count")
)


def insert_room_txn(conn: Connection, **values: Any) -> RoomRow:
    row = (conn.execute(insert(rooms).values(**values).returning(*rooms.c))).mappings().one()
    return RoomRow.of(row)


def get_room(conn: Connection, room_id: int) -> RoomRow | None:
    q = select(rooms, _count).where(rooms.c.id == room_id, rooms.c.deleted_at.is_(None))
    row = (conn.execute(q)).mappings().first()
    return None if row is None else RoomRow.of(row, row["member_count"])


# Where a word of a room's name or topic may begin besides the start: "dev-ops" and
# "team_chat" are words apart as much as "dev ops".
WORD_BREAKS = (" ", "-", "_", "/")


def _like_escaped(text: str) -> str:
    """`text` for a LIKE pattern with "/" as its escape: `%` and `_` typed are characters."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _has_word_starting(column: Any, text: str) -> Any:
    """`column` starts with `text` or has a word that does, any case: both sides folded
    in SQL by `fold` (all of Unicode, on either database)."""
    escaped = _like_escaped(text)
    patterns = [f"{escaped}%", *(f"%{_like_escaped(sep)}{escaped}%" for sep in WORD_BREAKS)]
    folded = fold(column)
    return or_(*(folded.like(fold(p), escape="/") for p in patterns))


def list_rooms(
    conn: Connection,
    *,
    user_id: int,
    joined_only: bool,
    after: int | None,
    limit: int,
    tag: str | None = None,
    text: str | None = None,
    not_joined: bool = False,
) -> list[RoomRow]:
    """Rooms a user can see (the directory's public and gallery rooms, and their own, but
    not those they are banned from), ordered by id, one page; `tag` keeps the rooms
    carrying that tag; `text` those whose name starts with it or has a word starting with
    it, or whose topic has such a word; `not_joined` the directory's rooms the user is
    not in (the caller does not combine it with `joined_only`)."""
    mine = select(room_members.c.room_id).where(room_members.c.user_id == user_id)
    listed = and_(
        rooms.c.space_id.is_(None),
        rooms.c.access_mode.in_(("public", "gallery")),
        rooms.c.kind.not_in(("dm", "group")),
    )
    visible: ColumnElement[bool]
    if joined_only:
        visible = rooms.c.id.in_(mine)
    elif not_joined:
        visible = and_(listed, rooms.c.id.not_in(mine))
    else:
        visible = or_(listed, rooms.c.id.in_(mine))
    # A room the user is banned from (services.room_bans) is not theirs to browse.
    banned = select(room_bans.c.room_id).where(
        room_bans.c.user_id == user_id, room_bans.c.lifted_at.is_(None)
    )
    q = select(rooms, _count).where(
        visible, rooms.c.deleted_at.is_(None), rooms.c.id.not_in(banned)
    )
    if tag is not None:
        # Tags are stored as a JSON list of normalised words, so the quoted word matches
        # exactly one element.
        q = q.where(rooms.c.tags.contains(f'"{tag}"', autoescape=True))
    if text is not None:
        q = q.where(
            or_(
                _has_word_starting(rooms.c.name, text),
                _has_word_starting(rooms.c.topic, text),
            )
        )
    if after is not None:
        q = q.where(rooms.c.id > after)
    q = q.order_by(rooms.c.id).limit(limit)
    return [RoomRow.of(r, r["member_count"]) for r in (conn.execute(q)).mappings()]


def get_room_by_custom_id(conn: Connection, custom_id: str) -> RoomRow | None:
    q = select(rooms, _count).where(
        rooms.c.custom_id_key == custom_id.casefold(), rooms.c.deleted_at.is_(None)
    )
    row = (conn.execute(q)).mappings().first()
    return None if row is None else RoomRow.of(row, row["member_count"])


def custom_id_taken(conn: Connection, custom_id: str, except_room: int | None) -> bool:
    q = select(rooms.c.id).where(rooms.c.custom_id_key == custom_id.casefold())
    if except_room is not None:
        q = q.where(rooms.c.id != except_room)
    return conn.execute(q).first() is not None


def space_rooms(conn: Connection, space_id: int) -> list[RoomRow]:
    q = (
        select(rooms, _count)
        .where(rooms.c.space_id == space_id, rooms.c.deleted_at.is_(None))
        .order_by(rooms.c.position, rooms.c.id)
    )
    return [RoomRow.of(r, r["member_count"]) for r in (conn.execute(q)).mappings()]


def update_room_txn(conn: Connection, room_id: int, changes: dict[str, Any]) -> None:
    conn.execute(update(rooms).where(rooms.c.id == room_id).values(**changes))


def soft_delete_room_txn(conn: Connection, room_id: int, now_ms: int) -> None:
    conn.execute(update(rooms).where(rooms.c.id == room_id).values(deleted_at=now_ms))


def membership(
    conn: Connection, room_id: int, user_id: int
) -> tuple[RoomRow, str | None, str | None, int | None] | None:
    """(room, the user's role, access level and materialised bits, each None for a
    non-member) for a live room, in one query; None if there is no such room."""
    q = (
        select(
            rooms,
            room_members.c.role.label("m_role"),
            room_members.c.level.label("m_level"),
            room_members.c.perms.label("m_perms"),
        )
        .select_from(
            rooms.outerjoin(
                room_members,
                and_(room_members.c.room_id == rooms.c.id, room_members.c.user_id == user_id),
            )
        )
        .where(rooms.c.id == room_id, rooms.c.deleted_at.is_(None))
    )
    row = (conn.execute(q)).mappings().first()
    if row is None:
        return None
    perms = row["m_perms"]
    return RoomRow.of(row), row["m_role"], row["m_level"], None if perms is None else int(perms)


def member_role(conn: Connection, room_id: int, user_id: int) -> str | None:
    q = select(room_members.c.role).where(
        and_(room_members.c.room_id == room_id, room_members.c.user_id == user_id)
    )
    return (conn.execute(q)).scalar()


def add_member_txn(
    conn: Connection,
    *,
    room_id: int,
    user_id: int,
    role: str,
    now_ms: int,
    level: str = "read_write",
    perms: int | None = None,
) -> None:
    conn.execute(
        insert(room_members).values(
            room_id=room_id,
            user_id=user_id,
            role=role,
            joined_at=now_ms,
            level=level,
            perms=perms,
        )
    )


def owner_ids(conn: Connection, room_id: int) -> list[int]:
    q = (
        select(room_members.c.user_id)
        .where(room_members.c.room_id == room_id, room_members.c.role == "owner")
        .order_by(room_members.c.user_id)
    )
    return [int(u) for u in conn.execute(q).scalars()]


def grants(
    conn: Connection, room_id: int, users: frozenset[int] | None = None
) -> dict[int, tuple[str, int]]:
    """user → (role, materialised bits; -1 if none) of a room's members (or of `users`)."""
    q = select(room_members.c.user_id, room_members.c.role, room_members.c.perms)
    q = q.where(room_members.c.room_id == room_id)
    if users is not None:
        q = q.where(room_members.c.user_id.in_(sorted(users)))
    return {int(u): (str(r), -1 if p is None else int(p)) for u, r, p in conn.execute(q).all()}


def remove_members_txn(conn: Connection, room_id: int, user_ids: list[int]) -> None:
    conn.execute(
        delete(room_members).where(
            room_members.c.room_id == room_id, room_members.c.user_id.in_(user_ids)
        )
    )


def space_rooms_of(conn: Connection, user_id: int, space_id: int) -> list[tuple[int, str]]:
    """(room, role) for every room of a space the user receives, by room id."""
    q = (
        select(room_members.c.room_id, room_members.c.role)
        .join(rooms, rooms.c.id == room_members.c.room_id)
        .where(room_members.c.user_id == user_id, rooms.c.space_id == space_id)
        .order_by(room_members.c.room_id)
    )
    return [(int(r), str(role)) for r, role in conn.execute(q).all()]


def add_members_txn(
    conn: Connection, room_id: int, grants: list[tuple[int, str, int]], now_ms: int
) -> None:
    """Many space room members at once: (user, role, materialised bits) each."""
    if grants:
        conn.execute(
            insert(room_members),
            [
                {"room_id": room_id, "user_id": u, "role": r, "perms": p, "joined_at": now_ms}
                for u, r, p in grants
            ],
        )


def set_access_many_txn(conn: Connection, room_id: int, grants: list[tuple[int, str, int]]) -> None:
    """Space room members' roles and materialised bits (services.viewers), one
    executemany."""
    q = (
        update(room_members)
        .where(room_members.c.room_id == room_id, room_members.c.user_id == bindparam("uid"))
        .values(role=bindparam("new_role"), perms=bindparam("new_perms"))
    )
    conn.execute(q, [{"uid": u, "new_role": r, "new_perms": p} for u, r, p in grants])


def set_level_txn(conn: Connection, room_id: int, user_id: int, level: str) -> None:
    conn.execute(
        update(room_members)
        .where(room_members.c.room_id == room_id, room_members.c.user_id == user_id)
        .values(level=level)
    )


def member_ids(conn: Connection, room_id: int) -> set[int]:
    q = select(room_members.c.user_id).where(room_members.c.room_id == room_id)
    return {int(u) for u in conn.execute(q).scalars()}


def set_role_txn(conn: Connection, room_id: int, user_id: int, role: str) -> None:
    conn.execute(
        update(room_members)
        .where(room_members.c.room_id == room_id, room_members.c.user_id == user_id)
        .values(role=role)
    )


def remove_member_txn(conn: Connection, room_id: int, user_id: int) -> None:
    conn.execute(
        delete(room_members).where(
            room_members.c.room_id == room_id, room_members.c.user_id == user_id
        )
    )


def _members_query(room_id: int) -> Select[Any]:
    return (
        select(
            room_members.c.role,
            room_members.c.level,
            room_members.c.joined_at,
            users.c.id,
            users.c.handle,
            users.c.display_name,
            users.c.avatar_url,
        )
        .join(users, users.c.id == room_members.c.user_id)
        .where(room_members.c.room_id == room_id)
    )


def list_members(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    """Every member, in joining order: for the server's own use (a DM's recipients, the
    owners); clients page with `page_members`."""
    q = _members_query(room_id).order_by(room_members.c.joined_at, users.c.id)
    return [member_wire(room_id, r) for r in (conn.execute(q)).mappings()]


def page_members(
    conn: Connection, room_id: int, *, after: int | None, limit: int, text: str | None = None
) -> list[dict[str, Any]]:
    """Up to `limit` members by user id after `after` (the primary key's order, so a page
    is an index range). `text` (lower case) keeps those whose handle starts with it or
    whose display name has a word starting with it."""
    q = _members_query(room_id)
    if after is not None:
        q = q.where(room_members.c.user_id > after)
    if text is not None:
        # autoescape: a typed % or _ is a character, not a wildcard, on either dialect.
        name = fold(users.c.display_name)
        q = q.where(
            or_(
                users.c.handle_key.startswith(text, autoescape=True),
                name.startswith(text, autoescape=True),
                name.contains(" " + text, autoescape=True),
            )
        )
    q = q.order_by(room_members.c.user_id).limit(limit)
    return [member_wire(room_id, r) for r in (conn.execute(q)).mappings()]


def get_member(conn: Connection, room_id: int, user_id: int) -> dict[str, Any] | None:
    q = _members_query(room_id).where(room_members.c.user_id == user_id)
    found = conn.execute(q).mappings().first()
    return None if found is None else member_wire(room_id, found)


def member_wire(room_id: int, r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "room_id": room_id,
        "user": {
            "id": r["id"],
            "handle": r["handle"],
            "display_name": r["display_name"],
            "avatar_url": r["avatar_url"],
        },
        "role": r["role"],
        "level": "owner" if r["role"] == "owner" else r.get("level", "read_write"),
        "joined_at": iso_ms(r["joined_at"]),
    }


def scope_rows(conn: Connection, user_id: int) -> list[tuple[int, int | None, str]]:
    """(room, its space, the user's role) for every room the user receives, deleted rooms
    included (see schema.rooms)."""
    q = (
        select(room_members.c.room_id, rooms.c.space_id, room_members.c.role)
        .join(rooms, rooms.c.id == room_members.c.room_id)
        .where(room_members.c.user_id == user_id)
    )
    return [(int(r), s, str(role)) for r, s, role in conn.execute(q).all()]


def joined_rooms(conn: Connection, user_id: int) -> list[RoomRow]:
    mine = select(room_members.c.room_id).where(room_members.c.user_id == user_id)
    q = (
        select(rooms, _count)
        .where(rooms.c.id.in_(mine), rooms.c.deleted_at.is_(None))
        .order_by(rooms.c.id)
    )
    return [RoomRow.of(r, r["member_count"]) for r in (conn.execute(q)).mappings()]
