"""Client state folded from events, and the identity maps behind every object.

The client applies each event here BEFORE any handler runs (hikari's consumer pattern:
read old from cache → build event with old → update cache → dispatch), so a handler
sees the new state and gets the old one in `event.before`. `before`/`after` are
immutable wire snapshots: the live object is updated by swapping its snapshot, so the
old one stays a faithful copy (the stoat.py lesson).

What is kept alive: the rooms this user can see (from Ready, room.created, joins and
fetches), the spaces they belong to and those spaces' roles (cache_spaces.py), the
logged-in user, and the `max_messages` most recently seen messages
(deleted ones stay, marked `deleted=True`, also after bulk deletes and purges).
Everything else lives as long as the app holds a reference to it (members, emojis,
webhooks, notifications: cache_members.py).

Lookups (`get_room`, `get_user`, `get_message`, `get_space`) return loaded objects only;
the `*_ref` methods return the one object for an id, bare if nothing else is known, for
navigation (`message.room`, `message.reply_to`) and `client.room(id)`.

A platform wipe (`user.wiped`) purges the user's DMs, messages (objects still held are
marked deleted), relationship, presence and memberships; a merge (`user.merged`)
re-points the old id to the surviving account (`merged_ids`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from hubbub.client.cache_members import MemberCache
from hubbub.client.cache_music import MusicStates
from hubbub.client.cache_presence import PresenceCache
from hubbub.client.cache_spaces import SpaceCache
from hubbub.client.cache_voice import VoiceCache
from hubbub.client.objects import IdentityMap, Message, Room, User
from hubbub.client.snapshots import patched
from hubbub.protocol import models
from hubbub.protocol.events import (
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    RoomCreated,
    RoomDeleted,
    RoomUpdated,
    ServerEvent,
)
from hubbub.protocol.events_lifecycle import (
    MessageAppended,
    MessagesBulkDeleted,
    MessagesMovedIn,
    MessagesMovedOut,
)
from hubbub.protocol.events_profiles import UserMerged, UserUpdated, UserWiped
from hubbub.protocol.events_reactions import MessageStateEvent
from hubbub.protocol.events_relations import RelationshipUpdated
from hubbub.protocol.events_rooms import RoomSubscribed

if TYPE_CHECKING:
    from hubbub.client.client import Client

__all__ = ["Cache"]

_log = logging.getLogger(__name__)


class Cache(SpaceCache, PresenceCache, MemberCache, VoiceCache):
    def __init__(self, client: Client, *, max_messages: int = 1000) -> None:
        self._client = client
        self.max_messages = max_messages
        self._users: IdentityMap[User] = IdentityMap()
        self._room_map: IdentityMap[Room] = IdentityMap()
        self._message_map: IdentityMap[Message] = IdentityMap()
        self._rooms: dict[int, Room] = {}
        self._recent: OrderedDict[int, Message] = OrderedDict()
        self.me: User | None = None
        # user id → this user's relationship with them (D.31); absent = none.
        self.relationships: dict[int, str] = {}
        # user.merged: an old id → the surviving account's (D.8).
        self.merged_ids: dict[int, int] = {}
        self._init_spaces()
        self._init_presence()
        self._init_voice()
        self.music = MusicStates()  # music rooms' state, once fetched (cache_music)
        self._init_members()

    # -- lookups ---------------------------------------------------------------------

    @property
    def rooms(self) -> list[Room]:
        return list(self._rooms.values())

    # Lookups hand out loaded objects only: a bare one (`room_ref`) knows nothing yet.

    def get_room(self, room_id: int) -> Room | None:
        found = self._rooms.get(room_id) or self._room_map.get(room_id)
        return found if found is not None and found.loaded else None

    def get_user(self, user_id: int) -> User | None:
        found = self._users.get(self.merged_ids.get(user_id, user_id))
        return found if found is not None and found.loaded else None

    def get_message(self, message_id: int) -> Message | None:
        found = self._message_map.get(message_id)
        return found if found is not None and found.loaded else None

    # -- identity-mapped upserts (REST results and events) ---------------------------

    def store_user(self, data: models.User) -> User:
        user, created = self._users.get_or_create(data.id, lambda: User(self._client, data))
        if not created:
            user._update(data)
        return user

    def user_from_actor(self, actor: models.Actor) -> User:
        """The user for an author/member snapshot. An existing object is not overwritten:
        a snapshot inside an old message may be older than what we already know."""
        if actor.id in self.merged_ids:  # a snapshot from before a merge
            actor = actor.model_copy(update={"id": self.merged_ids[actor.id]})
        user, _ = self._users.get_or_create(actor.id, lambda: User(self._client, actor))
        if not user.loaded:
            user._update(actor)
        return user

    def store_room(self, data: models.Room) -> Room:
        room, created = self._room_map.get_or_create(data.id, lambda: Room(self._client, data))
        if not created:
            room._update(data)
        self._rooms[room.id] = room
        return room

    def keep_room(self, room: Room) -> None:
        self._rooms[room.id] = room

    def store_message(self, data: models.Message) -> Message:
        message, created = self._message_map.get_or_create(
            data.id, lambda: Message(self._client, data)
        )
        if not created:
            message._update(data)
        self._remember(message)
        return message

    def mark_deleted(self, message_id: int) -> models.Message | None:
        """Flag a cached message deleted; its snapshot from before, or None if uncached."""
        message = self.get_message(message_id)
        if message is None:
            return None
        before = message.data
        message._update(before.model_copy(update={"deleted": True}))
        return before

    def _remember(self, message: Message) -> None:
        self._recent[message.id] = message
        self._recent.move_to_end(message.id)
        while len(self._recent) > self.max_messages:
            self._recent.popitem(last=False)

    # -- folding gateway state -------------------------------------------------------

    def apply_ready(self, frame: dict[str, Any]) -> tuple[User | None, list[Room]]:
        """Adopt the `ready` frame. The room set is replaced: after a re-sync, rooms we
        lost access to while away must disappear. An anonymous reader's has no user."""
        user = frame.get("user")
        self.me = None if user is None else self.store_user(models.User.model_validate(user))
        rooms = [models.Room.model_validate(r) for r in frame.get("rooms") or []]
        self._rooms = {}
        self.relationships = {
            int(r["user_id"]): str(r["status"]) for r in frame.get("relationships") or []
        }
        self.apply_ready_spaces(frame)
        self.apply_ready_presence(frame)
        self.apply_ready_voice(frame)
        return self.me, [self.store_room(r) for r in rooms]

    def apply(self, event: ServerEvent) -> None:
        """Fold one event into the cache and fill its `before`/`after` (or `message`/`room`
        snapshot for deletions). Events of types the cache does not track pass through."""
        if self.music.apply(event, None if self.me is None else self.me.id):
            return
        if isinstance(event, MessageCreated):
            self.store_message(event.message)
        elif isinstance(event, MessageStateEvent):  # reactions, stars, pins
            message = self.get_message(event.message_id)
            if message is not None:
                event.before = message.data
                event.after = event.fold(message.data, None if self.me is None else self.me.id)
                message._update(event.after)
        elif isinstance(event, MessageUpdated):
            message = self.get_message(event.message_id)
            if message is not None:
                extra: dict[str, Any] = {"edited_by_moderator": event.edited_by_moderator}
                if event.edit_count is not None:
                    extra["edit_count"] = event.edit_count
                if event.modified_at is not None:
                    extra["modified_at"] = event.modified_at
                    if "content" in event.changes:
                        extra["edited_at"] = event.modified_at
                event.before = message.data
                event.after = patched(message.data, event.changes, event.cleared, extra)
                message._update(event.after)
                self._remember(message)
        elif isinstance(event, MessageDeleted):
            event.message = self.mark_deleted(event.message_id)
        elif isinstance(event, MessagesBulkDeleted):
            snapshots = (self.mark_deleted(i) for i in event.message_ids)
            event.messages = [m for m in snapshots if m is not None]
        elif isinstance(event, MessagesMovedOut):
            # Seen from the source room only: the cached copies follow to the new room.
            for message_id in event.message_ids:
                known = self.get_message(message_id)
                if known is not None:
                    known._update(known.data.model_copy(update={"room_id": event.to_room_id}))
        elif isinstance(event, MessagesMovedIn):
            for moved in event.messages:  # same ids, new room_id: the objects follow
                self.store_message(moved)
        elif isinstance(event, MessageAppended):
            message = self.get_message(event.message_id)
            if message is not None:
                event.before = message.data
                embeds = list(message.data.embeds)
                if event.position is not None and event.position <= len(embeds):
                    # Placed where the server put them: the REST answer to our own
                    # append, folded in already, is replaced, not repeated.
                    embeds = embeds[: event.position] + event.embeds
                elif embeds[len(embeds) - len(event.embeds) :] != event.embeds:
                    # An older server gives no position; the REST answer to our own
                    # append may have been folded in already.
                    embeds += event.embeds
                event.after = message.data.model_copy(update={"embeds": embeds})
                message._update(event.after)
        elif isinstance(event, RoomSubscribed):  # the subscribe op's answer (#39)
            self.store_room(event.room)
            for data in event.messages:
                self.store_message(data)
        elif isinstance(event, RoomCreated):
            self.store_room(event.room)
        elif isinstance(event, RoomUpdated):
            room = self.get_room(event.room_id)
            if room is not None:
                event.before = room.data
                event.after = patched(room.data, event.changes, event.cleared, {})
                room._update(event.after)
        elif isinstance(event, RoomDeleted):
            self.voice_states.pop(event.room_id, None)  # its voice ended with it
            gone = self._rooms.pop(event.room_id, None) or self._room_map.get(event.room_id)
            event.room = None if gone is None or not gone.loaded else gone.data
        elif isinstance(event, MemberJoined):
            self.store_member(event.member)
            self._bump_members(event.room_id, +1)
        elif isinstance(event, MemberLeft):
            self.forget_member(event.room_id, event.user_id)
            self._bump_members(event.room_id, -1)
        elif isinstance(event, RelationshipUpdated):
            self.user_from_actor(event.user)
            self.set_relationship(event.user_id, event.status)
        elif isinstance(event, UserUpdated | UserWiped):
            self._apply_user_event(event)
        elif isinstance(event, UserMerged):
            self.merge_user(event.source_user_id, event.target_user_id)
        elif not (
            self.apply_presence_event(event)
            or self.apply_member_event(event)
            or self.apply_voice_event(event)
        ):
            self.apply_space_event(event)

    def _apply_user_event(self, event: UserUpdated | UserWiped) -> None:
        """A cached user's profile changed (`before`/`after` on UserUpdated) or was wiped
        (its flags follow)."""
        if isinstance(event, UserWiped):
            self.purge_user(event.user_id)
        user = self.get_user(event.user_id)
        if user is None:
            return
        if isinstance(event, UserUpdated):
            event.before = user.data
            event.after = patched(user.data, event.changes, event.cleared, {})
            user._update(event.after)
        elif isinstance(user.data, models.User):
            flags = {"flags": event.flags, "raw_flags": event.raw_flags}
            user._update(user.data.model_copy(update=flags))

    def purge_user(self, user_id: int) -> None:
        """A platform wipe (`user.wiped`): drop the user's DMs, messages, relationship,
        presence and memberships from the cache. Message objects the app still holds
        are marked `deleted=True` (a copy, never mutated), so acting on them raises
        `message_deleted`."""
        authored = [
            m
            for m in self._message_map.values()
            if m.loaded and m.data.author is not None and m.data.author.id == user_id
        ]
        talked = {m.room_id for m in authored} | {m.room_id for m in self.members_of_user(user_id)}
        for room_id in [r.id for r in self._rooms.values() if r.kind == "dm" and r.id in talked]:
            del self._rooms[room_id]
        for message in authored:
            message._update(message.data.model_copy(update={"deleted": True}))
            self._recent.pop(message.id, None)
            self._message_map.pop(message.id)
        for member in self.members_of_user(user_id):
            self.forget_member(member.room_id, user_id)
        self.forget_space_memberships(user_id)
        self.relationships.pop(user_id, None)
        self.presences.pop(user_id, None)

    def merge_user(self, source_id: int, target_id: int) -> None:
        """`user.merged`: the old id now resolves to the surviving account (D.8), and
        what the cache knew under it (relationship, presence) moves there."""
        self.merged_ids[source_id] = target_id
        for old, new in list(self.merged_ids.items()):  # merges of merges
            if new == source_id:
                self.merged_ids[old] = target_id
        target = self.user_ref(target_id)
        status = self.relationships.pop(source_id, None)
        if status is not None:
            self.relationships.setdefault(target_id, status)
        self.presences.pop(source_id, None)
        if self.me is not None and self.me.id == source_id:
            self.me = target

    def purge_room_messages(self, room_id: int, user_id: int) -> list[int]:
        """After a purge of `user_id`'s messages in a room: mark the cached ones deleted
        (the `message.bulk_deleted` event does the same for every client)."""
        ids = [
            m.id
            for m in self._message_map.values()
            if m.loaded
            and m.room_id == room_id
            and m.data.author is not None
            and m.data.author.id == user_id
            and not m.deleted
        ]
        for message_id in ids:
            self.mark_deleted(message_id)
        return ids

    def set_relationship(self, user_id: int, status: str) -> None:
        if status == "none":
            self.relationships.pop(user_id, None)
        else:
            self.relationships[user_id] = status

    def _bump_members(self, room_id: int, delta: int) -> None:
        room = self.get_room(room_id)
        if room is not None:
            count = max(0, room.member_count + delta)
            room._update(room.data.model_copy(update={"member_count": count}))
