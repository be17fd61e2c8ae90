"""REST methods: relationships (friends, blocks), DMs and groups (issue 5). Each returns
wire models or raises the typed error the server named (e.g. Conflict `already_friends`,
Forbidden `blocked`, BadRequest `cannot_relate_to_self`)."""

from __future__ import annotations

from typing import Any

from hubbub.client.http_base import Requester
from hubbub.protocol.models import Member, Room
from hubbub.protocol.models_relations import Relationship

__all__ = ["RelationsAPI"]


class RelationsAPI(Requester):
    # -- relationships --------------------------------------------------------------

    async def relationships(self) -> list[Relationship]:
        """This user's relationships: friends, requests both ways, and blocks."""
        body = await self.request("GET", "/relationships")
        return [Relationship.model_validate(r) for r in body["relationships"]]

    async def send_friend_request(self, user: int | str) -> Relationship:
        """Send a friend request to a user id or handle; accepts their request if they
        already sent one. Returns this user's view afterwards (`outgoing` or `friend`)."""
        if isinstance(user, str):
            body = await self.request("POST", "/relationships", json={"handle": user})
        else:
            body = await self.request("PUT", f"/users/{user}/friend")
        return Relationship.model_validate(body)

    async def accept_friend_request(self, user_id: int) -> Relationship:
        """Accept `user_id`'s incoming request (the same call as sending one)."""
        return await self.send_friend_request(user_id)

    async def remove_friend(self, user_id: int) -> Relationship:
        """Remove a friend, cancel an outgoing request or decline an incoming one."""
        body = await self.request("DELETE", f"/users/{user_id}/friend")
        return Relationship.model_validate(body)

    async def decline_friend_request(self, user_id: int) -> Relationship:
        """Decline `user_id`'s incoming request (the same call as `remove_friend`)."""
        return await self.remove_friend(user_id)

    async def block(self, user_id: int) -> Relationship:
        """Block a user: they cannot befriend this user, open or write in a DM with them,
        and their mentions and replies no longer notify this user."""
        return Relationship.model_validate(await self.request("PUT", f"/users/{user_id}/block"))

    async def unblock(self, user_id: int) -> Relationship:
        body = await self.request("DELETE", f"/users/{user_id}/block")
        return Relationship.model_validate(body)

    # -- DMs and groups -------------------------------------------------------------

    async def open_dm(self, user_id: int) -> Room:
        """The DM room with `user_id`, opened if needed (idempotent); this user's own id
        gives their saved-notes room."""
        return Room.model_validate(await self.request("POST", f"/users/{user_id}/dm"))

    async def create_group(self, user_ids: list[int], name: str | None = None) -> Room:
        """A new group owned by this user with `user_ids` as its other members."""
        body: dict[str, Any] = {"user_ids": list(user_ids)}
        if name is not None:
            body["name"] = name
        return Room.model_validate(await self.request("POST", "/groups", json=body))

    async def add_recipient(self, group_id: int, user_id: int) -> Member:
        """Add someone to a group (any member may); their membership."""
        body = await self.request("PUT", f"/groups/{group_id}/recipients/{user_id}")
        return Member.model_validate(body)

    async def remove_recipient(self, group_id: int, user_id: int) -> None:
        """Remove a member from a group (the owner only; one's own id leaves)."""
        await self.request("DELETE", f"/groups/{group_id}/recipients/{user_id}")

    async def leave_group(self, group_id: int) -> None:
        """Leave a group; an owner who leaves hands it to the longest-standing member."""
        await self.request("DELETE", f"/groups/{group_id}/recipients/me")

    async def transfer_group(self, group_id: int, user_id: int) -> Room:
        """Hand a group over to another of its members (the owner only)."""
        body = await self.request("PATCH", f"/groups/{group_id}", json={"owner_id": user_id})
        return Room.model_validate(body)
