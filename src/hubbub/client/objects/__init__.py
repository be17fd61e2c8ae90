"""Live objects: `User`, `Room`, `Message`, `Space`, `Member` (room), `SpaceMember`,
`Role`, `Emoji`, `Webhook`: one instance per id per client (per container and user for
members).

An object wraps the latest wire snapshot (`.data`, an immutable pydantic model). The
cache swaps that snapshot for a new one on each update (never mutating it), so a
reference held by the app always shows current state while `event.before` stays a
faithful copy. The identity map holds objects weakly: whatever the app or the cache
keeps alive is shared; nothing else is retained.

Lazy fetch groups (D.97): an object may be bare (its id only: `client.room(123)`,
`message.reply_to`); reading a property of a group not loaded raises `NotLoaded` until
`await obj.load()`; the sync facade loads on access instead.

Action methods call REST and return the resulting (identity-mapped) object, or raise a
typed `HubbubError`; never None for "maybe". Before any request, an anonymous client's
action raises `Unauthorized(code="anonymous_read_only")` and an action on a message known
to be deleted raises `NotFound(code="message_deleted")`.

Stable codes of the errors raised by the objects themselves (the server's own codes pass
through unchanged):

| code | error | when |
|---|---|---|
| `not_loaded` | NotLoaded (400) | a property of a fetch group not loaded (async API) |
| `unknown_fetch_group` | ValidationError | `load(group)` with a group the class lacks |
| `not_fetchable` | ValidationError | `fetch()` of a kind with no endpoint of its own |
| `anonymous_read_only` | Unauthorized | an action on a client without a token |
| `message_deleted` | NotFound | an action on a message the client knows is deleted |
| `member_not_found` / `role_not_found` | NotFound | `fetch()` of a former member / deleted role |
| `webhook_token_unknown` | Unauthorized | `execute()` without the webhook's token |
| `not_an_invitation` | ValidationError | `accept()`/`decline()` of a non-invitation |
| `no_message` | NotFound | `fetch_message()` on a notification about no message |
"""

from __future__ import annotations

from hubbub.client.objects.base import IdentityMap, NotLoaded, _Entity
from hubbub.client.objects.extras import Emoji, Webhook
from hubbub.client.objects.member import Member
from hubbub.client.objects.message import Message, SearchHit
from hubbub.client.objects.room import Room
from hubbub.client.objects.space import Role, Space, SpaceMember
from hubbub.client.objects.user import User

__all__ = [
    "Emoji",
    "IdentityMap",
    "Member",
    "Message",
    "NotLoaded",
    "Role",
    "Room",
    "SearchHit",
    "Space",
    "SpaceMember",
    "User",
    "Webhook",
    "_Entity",
]
