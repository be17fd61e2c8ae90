"""Spaces, their members, roles, room overrides and bans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from hubbub.server.clock import iso_ms
from hubbub.server.permissions import Override, RoomOverrides, SpaceFacts
from hubbub.server.store.schema import users
from hubbub.server.store.schema_spaces import (
    roles,
    room_overrides,
    space_bans,
    space_member_roles,
    space_members,
    spaces,
)


@dataclass(frozen=True, slots=True)
class SpaceRow:
    id: int
    name: str
    description: str
    icon_url: str | None
    owner_id: int
    system_room_id: int | None
    flags: int
    default_permissions: int
    open: bool
    categories: list[dict[str, Any]]
    created_at: int

    @classmethod
    def of(cls, row: RowMapping) -> SpaceRow:
        return cls(
            id=row["id"],
            name=row["name"],
            description=row["description"],
            icon_url=row["icon_url"],
            owner_id=row["owner_id"],
            system_room_id=row["system_room_id"],
            flags=int(row["flags"]),
            default_permissions=int(row["default_permissions"]),
            open=bool(row["open"]),
            categories=orjson.loads(row["categories"]),
            created_at=row["created_at"],
        )

    def wire(self, member_count: int | None = None) -> dict[str, Any]:
        out = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "icon_url": self.icon_url,
            "owner_id": self.owner_id,
            "system_room_id": self.system_room_id,
            "flags": self.flags,
            "default_permissions": self.default_permissions,
            "open": self.open,
            "categories": self.categories,
            "created_at": iso_ms(self.created_at),
        }
        if member_count is not None:
            out["member_count"] = member_count
        return out


# -- spaces ---------------------------------------------------------------------------


def insert_space_txn(conn: Connection, **values: Any) -> SpaceRow:
    values.setdefault("categories", "[]")
    row = conn.execute(insert(spaces).values(**values).returning(*spaces.c)).mappings().one()
    return SpaceRow.of(row)


def get_space(conn: Connection, space_id: int) -> SpaceRow | None:
    q = select(spaces).where(spaces.c.id == space_id, spaces.c.deleted_at.is_(None))
    row = conn.execute(q).mappings().first()
    return None if row is None else SpaceRow.of(row)


def update_space_txn(conn: Connection, space_id: int, values: dict[str, Any]) -> None:
    if "categories" in values:
        values = {**values, "categories": orjson.dumps(values["categories"]).decode()}
    conn.execute(update(spaces).where(spaces.c.id == space_id).values(**values))


def soft_delete_space_txn(conn: Connection, space_id: int, now_ms: int) -> None:
    conn.execute(update(spaces).where(spaces.c.id == space_id).values(deleted_at=now_ms))


def spaces_of(conn: Connection, user_id: int) -> list[SpaceRow]:
    mine = select(space_members.c.space_id).where(space_members.c.user_id == user_id)
    q = (
        select(spaces)
        .where(spaces.c.id.in_(mine), spaces.c.deleted_at.is_(None))
        .order_by(spaces.c.id)
    )
    return [SpaceRow.of(r) for r in conn.execute(q).mappings()]


def open_spaces(conn: Connection, *, after: int | None, limit: int) -> list[SpaceRow]:
    """Spaces anyone may join (`open`), by id, after `after`: the space directory."""
    q = select(spaces).where(spaces.c.open.is_(True), spaces.c.deleted_at.is_(None))
    if after is not None:
        q = q.where(spaces.c.id > after)
    q = q.order_by(spaces.c.id).limit(limit)
    return [SpaceRow.of(r) for r in conn.execute(q).mappings()]


def space_ids_of(conn: Connection, user_id: int) -> set[int]:
    q = select(space_members.c.space_id).where(space_members.c.user_id == user_id)
    return {int(s) for s in conn.execute(q).scalars()}


def member_count(conn: Connection, space_id: int) -> int:
    q = select(func.count()).where(space_members.c.space_id == space_id)
    return int(conn.execute(q).scalar() or 0)


# -- members --------------------------------------------------------------------------


def add_member_txn(conn: Connection, space_id: int, user_id: int, now_ms: int) -> None:
    conn.execute(insert(space_members).values(space_id=space_id, user_id=user_id, joined_at=now_ms))


def remove_member_txn(conn: Connection, space_id: int, user_id: int) -> None:
    conn.execute(
        delete(space_member_roles).where(
            space_member_roles.c.space_id == space_id, space_member_roles.c.user_id == user_id
        )
    )
    conn.execute(
        delete(space_members).where(
            space_members.c.space_id == space_id, space_members.c.user_id == user_id
        )
    )


def is_member(conn: Connection, space_id: int, user_id: int) -> bool:
    q = select(space_members.c.user_id).where(
        space_members.c.space_id == space_id, space_members.c.user_id == user_id
    )
    return conn.execute(q).first() is not None


def member_ids(conn: Connection, space_id: int) -> list[int]:
    q = (
        select(space_members.c.user_id)
        .where(space_members.c.space_id == space_id)
        .order_by(space_members.c.user_id)
    )
    return [int(u) for u in conn.execute(q).scalars()]


def update_member_txn(
    conn: Connection, space_id: int, user_id: int, values: dict[str, Any]
) -> None:
    conn.execute(
        update(space_members)
        .where(space_members.c.space_id == space_id, space_members.c.user_id == user_id)
        .values(**values)
    )


def member_roles(conn: Connection, space_id: int, user_id: int) -> list[int]:
    q = select(space_member_roles.c.role_id).where(
        space_member_roles.c.space_id == space_id, space_member_roles.c.user_id == user_id
    )
    return sorted(int(r) for r in conn.execute(q).scalars())


def roles_by_user(conn: Connection, space_id: int) -> dict[int, list[int]]:
    q = select(space_member_roles.c.user_id, space_member_roles.c.role_id).where(
        space_member_roles.c.space_id == space_id
    )
    out: dict[int, list[int]] = {}
    for user_id, role_id in conn.execute(q).all():
        out.setdefault(int(user_id), []).append(int(role_id))
    return out


def list_members(
    conn: Connection,
    space_id: int,
    *,
    user_id: int | None = None,
    after: int | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Member objects `{space_id, user, nickname, avatar_url, roles, joined_at}` by user id."""
    q = (
        select(
            space_members,
            users.c.handle,
            users.c.display_name,
            users.c.avatar_url.label("user_avatar_url"),
            users.c.bot,
        )
        .join(users, users.c.id == space_members.c.user_id)
        .where(space_members.c.space_id == space_id)
    )
    if user_id is not None:
        q = q.where(space_members.c.user_id == user_id)
    if after is not None:
        q = q.where(space_members.c.user_id > after)
    q = q.order_by(space_members.c.user_id).limit(limit)
    rows = conn.execute(q).mappings().all()
    held = (
        {user_id: member_roles(conn, space_id, user_id)}
        if user_id is not None
        else roles_by_user(conn, space_id)
    )
    return [member_wire(r, sorted(held.get(int(r["user_id"]), []))) for r in rows]


def member_wire(r: RowMapping | dict[str, Any], role_ids: list[int]) -> dict[str, Any]:
    return {
        "space_id": r["space_id"],
        "user": {
            "id": r["user_id"],
            "handle": r["handle"],
            "display_name": r["display_name"],
            "avatar_url": r["user_avatar_url"],
        },
        "nickname": r["nickname"],
        "avatar_url": r["avatar_url"],
        "roles": role_ids,
        "joined_at": iso_ms(r["joined_at"]),
    }


def get_member(conn: Connection, space_id: int, user_id: int) -> dict[str, Any] | None:
    found = list_members(conn, space_id, user_id=user_id, limit=1)
    return found[0] if found else None


# -- roles ----------------------------------------------------------------------------


def role_wire(r: RowMapping) -> dict[str, Any]:
    return {
        "id": r["id"],
        "space_id": r["space_id"],
        "name": r["name"],
        "permissions": int(r["permissions"]),
        "colour": r["colour"],
        "hoist": bool(r["hoist"]),
        "rank": int(r["rank"]),
    }


def list_roles(conn: Connection, space_id: int) -> list[dict[str, Any]]:
    q = select(roles).where(roles.c.space_id == space_id).order_by(roles.c.rank, roles.c.id)
    return [role_wire(r) for r in conn.execute(q).mappings()]


def get_role(conn: Connection, space_id: int, role_id: int) -> dict[str, Any] | None:
    q = select(roles).where(roles.c.id == role_id, roles.c.space_id == space_id)
    row = conn.execute(q).mappings().first()
    return None if row is None else role_wire(row)


def insert_role_txn(conn: Connection, **values: Any) -> dict[str, Any]:
    row = conn.execute(insert(roles).values(**values).returning(*roles.c)).mappings().one()
    return role_wire(row)


def update_role_txn(conn: Connection, role_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(roles).where(roles.c.id == role_id).values(**values))


def delete_role_txn(conn: Connection, role_id: int) -> None:
    conn.execute(delete(space_member_roles).where(space_member_roles.c.role_id == role_id))
    conn.execute(
        delete(room_overrides).where(
            room_overrides.c.target_type == "role", room_overrides.c.target_id == role_id
        )
    )
    conn.execute(delete(roles).where(roles.c.id == role_id))


def set_ranks_txn(conn: Connection, ordered: list[int]) -> None:
    for rank, role_id in enumerate(ordered):
        conn.execute(update(roles).where(roles.c.id == role_id).values(rank=rank))


def role_holders(conn: Connection, role_id: int) -> list[int]:
    q = select(space_member_roles.c.user_id).where(space_member_roles.c.role_id == role_id)
    return sorted(int(u) for u in conn.execute(q).scalars())


def assign_role_txn(conn: Connection, space_id: int, user_id: int, role_id: int) -> None:
    conn.execute(
        insert(space_member_roles).values(space_id=space_id, user_id=user_id, role_id=role_id)
    )


def unassign_role_txn(conn: Connection, space_id: int, user_id: int, role_id: int) -> None:
    conn.execute(
        delete(space_member_roles).where(
            space_member_roles.c.space_id == space_id,
            space_member_roles.c.user_id == user_id,
            space_member_roles.c.role_id == role_id,
        )
    )


# -- permission facts -----------------------------------------------------------------


def role_table(conn: Connection, space_id: int) -> dict[int, tuple[int, int]]:
    q = select(roles.c.id, roles.c.rank, roles.c.permissions).where(roles.c.space_id == space_id)
    return {int(i): (int(rank), int(bits)) for i, rank, bits in conn.execute(q).all()}


def facts(conn: Connection, space: SpaceRow, user_id: int) -> SpaceFacts:
    held = member_roles(conn, space.id, user_id) if is_member(conn, space.id, user_id) else None
    return SpaceFacts(
        owner_id=space.owner_id,
        default=space.default_permissions,
        roles=role_table(conn, space.id),
        member_roles=held,
    )


def overrides(conn: Connection, room_id: int) -> RoomOverrides:
    out = RoomOverrides()
    q = select(room_overrides).where(room_overrides.c.room_id == room_id)
    for r in conn.execute(q).mappings():
        o = Override(int(r["allow"]), int(r["deny"]))
        if r["target_type"] == "everyone":
            out.everyone = o
        elif r["target_type"] == "role":
            out.roles[int(r["target_id"])] = o
        else:
            out.members[int(r["target_id"])] = o
    return out


def overrides_wire(conn: Connection, room_id: int) -> list[dict[str, Any]]:
    q = (
        select(room_overrides)
        .where(room_overrides.c.room_id == room_id)
        .order_by(room_overrides.c.target_type, room_overrides.c.target_id)
    )
    return [
        {
            "target_type": r["target_type"],
            "target_id": int(r["target_id"]),
            "allow": int(r["allow"]),
            "deny": int(r["deny"]),
        }
        for r in conn.execute(q).mappings()
    ]


def set_override_txn(
    conn: Connection, room_id: int, target_type: str, target_id: int, allow: int, deny: int
) -> None:
    where = and_(
        room_overrides.c.room_id == room_id,
        room_overrides.c.target_type == target_type,
        room_overrides.c.target_id == target_id,
    )
    conn.execute(delete(room_overrides).where(where))
    if allow or deny:
        conn.execute(
            insert(room_overrides).values(
                room_id=room_id,
                target_type=target_type,
                target_id=target_id,
                allow=allow,
                deny=deny,
            )
        )


# -- bans -----------------------------------------------------------------------------


def ban_txn(
    conn: Connection, space_id: int, user_id: int, reason: str | None, actor_id: int, now_ms: int
) -> None:
    conn.execute(
        insert(space_bans).values(
            space_id=space_id, user_id=user_id, reason=reason, actor_id=actor_id, created_at=now_ms
        )
    )


def unban_txn(conn: Connection, space_id: int, user_id: int) -> bool:
    q = delete(space_bans).where(space_bans.c.space_id == space_id, space_bans.c.user_id == user_id)
    return bool(conn.execute(q).rowcount)


def is_banned(conn: Connection, space_id: int, user_id: int) -> bool:
    q = select(space_bans.c.user_id).where(
        space_bans.c.space_id == space_id, space_bans.c.user_id == user_id
    )
    return conn.execute(q).first() is not None


def list_bans(conn: Connection, space_id: int) -> list[dict[str, Any]]:
    q = (
        select(space_bans, users.c.handle, users.c.display_name, users.c.avatar_url)
        .join(users, users.c.id == space_bans.c.user_id)
        .where(space_bans.c.space_id == space_id)
        .order_by(space_bans.c.created_at, space_bans.c.user_id)
    )
    return [
        {
            "space_id": r["space_id"],
            "user": {
                "id": r["user_id"],
                "handle": r["handle"],
                "display_name": r["display_name"],
                "avatar_url": r["avatar_url"],
            },
            "reason": r["reason"],
            "actor_id": r["actor_id"],
            "created_at": iso_ms(r["created_at"]),
        }
        for r in conn.execute(q).mappings()
    ]
