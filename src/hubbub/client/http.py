"""Typed REST over httpx: one method per endpoint, returning wire models.

Foreign exceptions stop here: HTTP errors become the `HubbubError` subclass named by the
server's `error.code`/status (via `errors.error_from_wire`), and httpx transport failures
become `ServiceUnavailable(code="network_error")`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import uuid
from typing import Any, Literal
from urllib.parse import quote

import httpx

from hubbub.client.http_extras import ExtrasAPI
from hubbub.client.http_feeds import FeedsAPI
from hubbub.client.http_inbox import InboxAPI
from hubbub.client.http_moderation import ModerationAPI
from hubbub.client.http_music import MusicAPI
from hubbub.client.http_presence import PresenceAPI
from hubbub.client.http_profiles import ProfilesAPI
from hubbub.client.http_relations import RelationsAPI
from hubbub.client.http_reports import ReportsAPI
from hubbub.client.http_sanctions import SanctionsAPI
from hubbub.client.http_schedule import ScheduleAPI
from hubbub.client.http_sessions import SessionsAPI
from hubbub.client.http_spaces import SpacesAPI
from hubbub.client.http_voice import VoiceAPI
from hubbub.client.network import NetworkHooks
from hubbub.errors import RateLimited, ServiceUnavailable, error_from_wire
from hubbub.protocol.models import (
    AccessLevel,
    AccessMode,
    Attachment,
    AuthResult,
    CommandResult,
    EventPage,
    Member,
    Message,
    MessagePage,
    Notification,
    NotificationPage,
    ReadState,
    RevisionList,
    Room,
    RoomKind,
    SearchPage,
    User,
    WireModel,
)
from hubbub.protocol.models_rooms import AccessRequest, AccessState

__all__ = ["API_PREFIX", "MEMBER_PAGE_MAX", "HTTPClient", "MemberPage", "RoomPage"]

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
_UNSET: Any = object()
# The most members one GET /rooms/{id}/members answers with.
MEMBER_PAGE_MAX = 1000
# Answers after which a send carrying a nonce is tried again: the server failed or a proxy
# in front of it did, and the nonce makes a second attempt harmless.
_RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


@functools.cache
def default_tls() -> ssl.SSLContext:
    """One verifying TLS context per process, shared by every client: building one loads
    the CA bundle (~30 ms), which would otherwise be paid per `Client`."""
    return httpx.create_ssl_context()


class MemberPage(WireModel):
    members: list[Member]
    has_more: bool = False


class RoomPage:
    __slots__ = ("has_more", "rooms")

    def __init__(self, rooms: list[Room], has_more: bool) -> None:
        self.rooms = rooms
        self.has_more = has_more


class HTTPClient(
    SpacesAPI,
    ExtrasAPI,
    ProfilesAPI,
    SessionsAPI,
    RelationsAPI,
    PresenceAPI,
    InboxAPI,
    ModerationAPI,
    ReportsAPI,
    SanctionsAPI,
    MusicAPI,
    FeedsAPI,
    VoiceAPI,
    ScheduleAPI,
):
    """REST client (rooms, messages and the rest here; spaces and extras in mixins).
    `http_transport` lets tests plug in `httpx.MockTransport` or an ASGI app (`transport=`,
    its old name, is still accepted).

    429 responses are retried after `Retry-After` while the wait stays under
    `max_rate_limit_wait` seconds (a 429 means the request was not applied, so any method
    is safe to retry); otherwise `RateLimited` is raised with `retry_after`.

    Calls marked `idempotent` (sends carrying a nonce, which the server applies once) are
    also retried after a network error or a 5xx, `max_send_retries` times with backoff:
    the response to a send that was applied may be what got lost, and the same nonce
    then returns the same message.

    `hooks` (set by `Client`) hears of every response and transport failure.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_rate_limit_wait: float = 10.0,
        max_rate_limit_retries: int = 3,
        max_send_retries: int = 2,
        send_retry_delay: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if transport is not None:
            if not isinstance(transport, httpx.AsyncBaseTransport):
                raise TypeError(
                    f"transport must be an httpx.AsyncBaseTransport, not {transport!r}"
                    " (use http_transport=)"
                )
            if http_transport is not None:
                raise TypeError("pass http_transport= or transport=, not both")
            http_transport = transport
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.max_rate_limit_wait = max_rate_limit_wait
        self.max_rate_limit_retries = max_rate_limit_retries
        self.max_send_retries = max_send_retries
        self.send_retry_delay = send_retry_delay
        self.hooks: NetworkHooks | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX,
            transport=http_transport,
            timeout=timeout,
            verify=default_tls(),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        files: Any = None,
        data: Any = None,
        idempotent: bool = False,
    ) -> Any:
        """Send one request; the decoded JSON body (None for 204), or a typed error.
        `files`/`data` send a multipart form instead of JSON (uploads)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        if files is not None:
            extra.update(files=files, data=data)
        rate_retries = send_retries = 0
        while True:
            try:
                response = await self._http.request(
                    method, path, json=json, params=clean, headers=headers, **extra
                )
            except httpx.TransportError as exc:
                failure = ServiceUnavailable(
                    f"{method} {path}: {type(exc).__name__}: {exc}", code="network_error"
                )
                if self.hooks is not None:
                    self.hooks.error(failure, method, path)
                if idempotent and send_retries < self.max_send_retries:
                    send_retries += 1
                    await self._send_backoff(method, path, send_retries, failure)
                    continue
                raise failure from exc
            if self.hooks is not None:
                self.hooks.response(
                    method, path, response.status_code, functools.partial(_decoded, response)
                )
            if response.status_code < 400:
                return (
                    None
                    if response.status_code == 204 or not response.content
                    else (response.json())
                )
            body = _json_or_none(response)
            error = error_from_wire(response.status_code, body, _retry_after(response, body))
            if (
                isinstance(error, RateLimited)
                and rate_retries < self.max_rate_limit_retries
                and error.retry_after <= self.max_rate_limit_wait
            ):
                rate_retries += 1
                _log.info("%s %s rate limited; retrying in %.2fs", method, path, error.retry_after)
                await asyncio.sleep(error.retry_after)
                continue
            if (
                idempotent
                and response.status_code in _RETRYABLE_STATUS
                and send_retries < self.max_send_retries
            ):
                send_retries += 1
                await self._send_backoff(method, path, send_retries, error)
                continue
            raise error

    async def _send_backoff(self, method: str, path: str, attempt: int, error: Exception) -> None:
        delay = self.send_retry_delay * 2 ** (attempt - 1)
        _log.info("%s %s failed (%s); retrying in %.2fs", method, path, error, delay)
        await asyncio.sleep(delay)

    # -- auth ------------------------------------------------------------------------

    async def register(
        self,
        username: str,
        password: str,
        *,
        display_name: str | None = None,
        session_name: str | None = None,
        client: str | None = None,
    ) -> AuthResult:
        """A new account and its first session; `session_name` labels the session (a
        device name) and `client` names the software (default: the User-Agent)."""
        body = _body(
            username=username,
            password=password,
            display_name=display_name,
            session_name=session_name,
            client=client,
        )
        return AuthResult.model_validate(await self.request("POST", "/auth/register", json=body))

    async def login(
        self,
        username: str,
        password: str,
        *,
        session_name: str | None = None,
        client: str | None = None,
    ) -> AuthResult:
        """A new session; `session_name` and `client` label it as for `register`."""
        body = _body(username=username, password=password, session_name=session_name, client=client)
        return AuthResult.model_validate(await self.request("POST", "/auth/login", json=body))

    async def logout(self) -> None:
        await self.request("POST", "/auth/logout")

    async def create_bot(self, username: str, *, display_name: str | None = None) -> AuthResult:
        body = _body(username=username, display_name=display_name)
        return AuthResult.model_validate(await self.request("POST", "/bots", json=body))

    # -- users -----------------------------------------------------------------------

    async def get_me(self) -> User:
        return User.model_validate(await self.request("GET", "/users/me"))

    async def get_user(self, user_id: int) -> User:
        return User.model_validate(await self.request("GET", f"/users/{user_id}"))

    # -- rooms -----------------------------------------------------------------------

    async def create_room(
        self,
        name: str,
        *,
        description: str | None = None,
        topic: str | None = None,
        access_mode: AccessMode | None = None,
        kind: RoomKind | None = None,
        space_id: int | None = None,
        tags: list[str] | None = None,
        custom_id: str | None = None,
        allow_entry: bool | None = None,
        is_open: bool | None = None,
        max_reports: int | None = None,
        position: int | None = None,
        allow_actions: bool | None = None,
        edit_window_s: int | None = None,
    ) -> Room:
        body = _body(
            name=name,
            description=description,
            topic=topic,
            access_mode=access_mode,
            kind=kind,
            space_id=space_id,
            tags=tags,
            custom_id=custom_id,
            allow_entry=allow_entry,
            is_open=is_open,
            max_reports=max_reports,
            position=position,
            allow_actions=allow_actions,
            edit_window_s=edit_window_s,
        )
        return Room.model_validate(await self.request("POST", "/rooms", json=body))

    async def list_rooms(
        self,
        *,
        joined: bool | None = None,
        limit: int | None = None,
        after: int | None = None,
        tag: str | None = None,
        q: str | None = None,
        not_joined: bool | None = None,
    ) -> RoomPage:
        """One page of rooms by id (`after` a room id to page on); `q` keeps those whose
        name starts with it or has a word starting with it, or whose topic has such a
        word; `not_joined` the directory's rooms this user is not in."""
        params = {
            "joined": joined,
            "not_joined": not_joined,
            "limit": limit,
            "after": after,
            "tag": tag,
            "q": q,
        }
        data = await self.request("GET", "/rooms", params=params)
        rooms = [Room.model_validate(r) for r in data["rooms"]]
        return RoomPage(rooms, bool(data.get("has_more", False)))

    async def get_room(self, room_id: int) -> Room:
        return Room.model_validate(await self.request("GET", f"/rooms/{room_id}"))

    async def get_room_by_custom_id(self, custom_id: str) -> Room:
        path = f"/rooms/by-custom-id/{quote(custom_id, safe='')}"
        return Room.model_validate(await self.request("GET", path))

    async def edit_room(
        self,
        room_id: int,
        *,
        name: str = _UNSET,
        description: str | None = _UNSET,
        topic: str | None = _UNSET,
        tags: list[str] | None = _UNSET,
        custom_id: str | None = _UNSET,
        access_mode: AccessMode = _UNSET,
        allow_entry: bool = _UNSET,
        is_open: bool = _UNSET,
        max_reports: int = _UNSET,
        position: int = _UNSET,
        allow_actions: bool = _UNSET,
        edit_window_s: int = _UNSET,
    ) -> Room:
        # Only the fields the caller named are sent: PATCH semantics. None clears the
        # clearable ones (description, topic, tags, custom_id).
        fields = {
            "name": name,
            "description": description,
            "topic": topic,
            "tags": tags,
            "custom_id": custom_id,
            "access_mode": access_mode,
            "allow_entry": allow_entry,
            "is_open": is_open,
            "max_reports": max_reports,
            "position": position,
            "allow_actions": allow_actions,
            "edit_window_s": edit_window_s,
        }
        body = {k: v for k, v in fields.items() if v is not _UNSET}
        return Room.model_validate(await self.request("PATCH", f"/rooms/{room_id}", json=body))

    async def delete_room(self, room_id: int) -> None:
        await self.request("DELETE", f"/rooms/{room_id}")

    async def join_room(self, room_id: int) -> Member:
        return Member.model_validate(await self.request("POST", f"/rooms/{room_id}/join"))

    async def join_room_by_custom_id(self, custom_id: str) -> Member:
        path = f"/rooms/by-custom-id/{quote(custom_id, safe='')}/join"
        return Member.model_validate(await self.request("POST", path))

    async def leave_room(self, room_id: int) -> None:
        await self.request("POST", f"/rooms/{room_id}/leave")

    async def list_members(self, room_id: int) -> list[Member]:
        """Every member by user id, a page of 1000 at a time."""
        out: list[Member] = []
        after: int | None = None
        while True:
            page = await self.list_room_members(room_id, after=after, limit=MEMBER_PAGE_MAX)
            out += page.members
            if not page.has_more or not page.members:
                return out
            after = page.members[-1].user.id

    async def list_room_members(
        self,
        room_id: int,
        *,
        after: int | None = None,
        limit: int | None = None,
        q: str | None = None,
    ) -> MemberPage:
        """One page of members by user id (`after` a user id to page on); `q` keeps those
        whose handle, or a word of whose display name, starts with it."""
        params = {"after": after, "limit": limit, "q": q}
        data = await self.request("GET", f"/rooms/{room_id}/members", params=params)
        return MemberPage.model_validate(data)

    async def get_member(self, room_id: int, user_id: int) -> Member:
        data = await self.request("GET", f"/rooms/{room_id}/members/{user_id}")
        return Member.model_validate(data)

    # -- room access levels (standalone rooms) -----------------------------------------

    async def set_access(self, room_id: int, user_id: int, level: AccessLevel) -> AccessState:
        """Owners: `read_only`/`read_write` grant (and answer a request), `owner` adds an
        owner, `none` removes the user (and denies a request)."""
        path = f"/rooms/{room_id}/access/{user_id}"
        return AccessState.model_validate(await self.request("PUT", path, json={"level": level}))

    async def request_access(self, room_id: int) -> AccessState:
        """Ask a gallery room's owners for write access."""
        path = f"/rooms/{room_id}/access-requests"
        return AccessState.model_validate(await self.request("POST", path))

    async def list_access_requests(self, room_id: int) -> list[AccessRequest]:
        data = await self.request("GET", f"/rooms/{room_id}/access-requests")
        return [AccessRequest.model_validate(r) for r in data["requests"]]

    async def list_owners(self, room_id: int) -> list[Member]:
        data = await self.request("GET", f"/rooms/{room_id}/owners")
        return [Member.model_validate(m) for m in data["owners"]]

    # -- messages --------------------------------------------------------------------

    async def create_message(
        self,
        room_id: int,
        content: str,
        *,
        nonce: str | None = None,
        reply_to: int | None = None,
        **fields: Any,
    ) -> Message:
        """`fields`: the body's other fields (type, custom_payload, quote_of, ad, …);
        None values are left out. Without a `nonce` one is made up, so the retries after a
        lost response return the message the first attempt created."""
        body = _body(content=content, nonce=_new_nonce(nonce), reply_to=reply_to, **fields)
        path = f"/rooms/{room_id}/messages"
        data = await self.request("POST", path, json=body, idempotent=True)
        return Message.model_validate(data)

    async def list_messages(
        self,
        room_id: int,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int | None = None,
        around: int | None = None,
    ) -> MessagePage:
        params = {"before": before, "after": after, "around": around, "limit": limit}
        data = await self.request("GET", f"/rooms/{room_id}/messages", params=params)
        return MessagePage.model_validate(data)

    async def get_message(self, message_id: int) -> Message:
        return Message.model_validate(await self.request("GET", f"/messages/{message_id}"))

    async def edit_message(
        self, message_id: int, content: str | None = None, *, custom_payload: Any = None
    ) -> Message:
        body = _body(content=content, custom_payload=custom_payload)
        data = await self.request("PATCH", f"/messages/{message_id}", json=body)
        return Message.model_validate(data)

    async def delete_message(self, message_id: int) -> None:
        await self.request("DELETE", f"/messages/{message_id}")

    async def search(
        self,
        q: str,
        *,
        room_id: int | None = None,
        author_id: int | None = None,
        before: int | str | None = None,
        after: int | str | None = None,
        sort: Literal["relevance", "newest"] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SearchPage:
        """One page of full-text search results; `before`/`after` take a message id or an
        ISO 8601 date/time."""
        params = {
            "q": q,
            "room_id": room_id,
            "author_id": author_id,
            "before": before,
            "after": after,
            "sort": sort,
            "limit": limit,
            "cursor": cursor,
        }
        return SearchPage.model_validate(await self.request("GET", "/search", params=params))

    # -- content: revisions, notifications -------------------------------------------

    async def message_revisions(self, message_id: int) -> RevisionList:
        data = await self.request("GET", f"/messages/{message_id}/revisions")
        return RevisionList.model_validate(data)

    async def list_notifications(
        self, *, before: int | None = None, limit: int | None = None, unread: bool | None = None
    ) -> NotificationPage:
        params = {"before": before, "limit": limit, "unread": unread}
        data = await self.request("GET", "/notifications", params=params)
        return NotificationPage.model_validate(data)

    async def read_notification(self, notification_id: int) -> Notification:
        data = await self.request("POST", f"/notifications/{notification_id}/read")
        return Notification.model_validate(data)

    async def read_all_notifications(self) -> int:
        """Mark every notification read; how many were unread."""
        data = await self.request("POST", "/notifications/read-all")
        return int(data["marked"])

    # -- lifecycle: bulk delete, purge, move, embeds, attachments --------------------

    async def bulk_delete_messages(self, room_id: int, message_ids: list[int]) -> list[int]:
        body = {"message_ids": message_ids}
        data = await self.request("POST", f"/rooms/{room_id}/messages/bulk-delete", json=body)
        return [int(i) for i in data["message_ids"]]

    async def purge_messages(self, room_id: int, user_id: int) -> int:
        data = await self.request("POST", f"/rooms/{room_id}/purge", json={"user_id": user_id})
        return int(data["deleted_count"])

    async def move_messages(
        self, room_id: int, message_ids: list[int], to_room_id: int
    ) -> list[Message]:
        body = {"message_ids": message_ids, "to_room_id": to_room_id}
        data = await self.request("POST", f"/rooms/{room_id}/messages/move", json=body)
        return [Message.model_validate(m) for m in data["messages"]]

    async def append_embeds(
        self, message_id: int, embeds: list[dict[str, Any]], *, nonce: str | None = None
    ) -> Message:
        body = _body(embeds=embeds, nonce=_new_nonce(nonce))
        path = f"/messages/{message_id}/embeds"
        data = await self.request("POST", path, json=body, idempotent=True)
        return Message.model_validate(data)

    async def upload_attachment(
        self,
        room_id: int,
        content: bytes,
        *,
        filename: str,
        content_type: str,
        nonce: str | None = None,
    ) -> Attachment:
        files = {"file": (filename, content, content_type)}
        fields = {"nonce": _new_nonce(nonce)}
        path = f"/rooms/{room_id}/attachments"
        data = await self.request("POST", path, files=files, data=fields, idempotent=True)
        return Attachment.model_validate(data)

    async def download_attachment(self, url: str) -> bytes:
        """The bytes of an attachment, by the `url` the server gave it."""
        path = url.removeprefix(API_PREFIX)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = await self._http.get(path, headers=headers)
        except httpx.TransportError as exc:
            raise ServiceUnavailable(f"GET {path}: {exc}", code="network_error") from exc
        if response.status_code >= 400:
            raise error_from_wire(response.status_code, _json_or_none(response))
        return response.content

    # -- reactions, stars, pins, read state --------------------------------------------

    async def add_reaction(self, message_id: int, emoji: str) -> Message:
        path = f"/messages/{message_id}/reactions/{quote(emoji, safe='')}"
        return Message.model_validate(await self.request("PUT", path))

    async def remove_reaction(
        self, message_id: int, emoji: str, *, everyone: bool = False
    ) -> Message:
        """Your reaction; with `everyone`, all users' reactions of this emoji (moderators)."""
        path = f"/messages/{message_id}/reactions/{quote(emoji, safe='')}"
        params = {"all": True} if everyone else None
        return Message.model_validate(await self.request("DELETE", path, params=params))

    async def clear_reactions(self, message_id: int) -> Message:
        data = await self.request("DELETE", f"/messages/{message_id}/reactions")
        return Message.model_validate(data)

    async def star_message(self, message_id: int, starred: bool = True) -> Message:
        method = "PUT" if starred else "DELETE"
        return Message.model_validate(await self.request(method, f"/messages/{message_id}/star"))

    async def clear_stars(self, message_id: int) -> Message:
        data = await self.request("DELETE", f"/messages/{message_id}/stars")
        return Message.model_validate(data)

    async def pin_message(self, message_id: int, pinned: bool = True) -> Message:
        method = "PUT" if pinned else "DELETE"
        return Message.model_validate(await self.request(method, f"/messages/{message_id}/pin"))

    async def list_pins(self, room_id: int, *, limit: int | None = None) -> list[Message]:
        data = await self.request("GET", f"/rooms/{room_id}/pins", params={"limit": limit})
        return [Message.model_validate(m) for m in data["messages"]]

    async def starboard(self, room_id: int, *, limit: int | None = None) -> list[Message]:
        data = await self.request("GET", f"/rooms/{room_id}/starboard", params={"limit": limit})
        return [Message.model_validate(m) for m in data["messages"]]

    async def ack(self, room_id: int, message_id: int) -> ReadState:
        body = {"message_id": message_id}
        data = await self.request("POST", f"/rooms/{room_id}/ack", json=body)
        return ReadState.model_validate(data)

    async def get_read_state(self, room_id: int) -> ReadState:
        data = await self.request("GET", f"/rooms/{room_id}/read-state")
        return ReadState.model_validate(data)

    async def list_read_states(self) -> list[ReadState]:
        data = await self.request("GET", "/read-states")
        return [ReadState.model_validate(r) for r in data["read_states"]]

    # -- chat commands ---------------------------------------------------------------

    async def run_command(
        self, room_id: int, command: str, *, nonce: str | None = None
    ) -> CommandResult:
        """Not retried after a lost response: only the commands that post (`/me`,
        `/shrug`) are deduplicated by the nonce; the others would run twice."""
        body = _body(command=command, nonce=_new_nonce(nonce))
        data = await self.request("POST", f"/rooms/{room_id}/commands", json=body)
        return CommandResult.model_validate(data)

    # -- event log (long-poll) -------------------------------------------------------

    async def get_events(
        self, *, cursor: str | None = None, wait: float | None = None, limit: int | None = None
    ) -> EventPage:
        params = {"cursor": cursor, "wait": wait, "limit": limit}
        # The long-poll may legitimately hold the request for `wait` seconds.
        timeout = None if wait is None else wait + 10.0
        data = await self.request("GET", "/events", params=params, timeout=timeout)
        return EventPage.model_validate(data)


def _body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _param(value: Any) -> Any:
    # httpx renders True as "True"; the API expects JSON-style booleans.
    return ("true" if value else "false") if isinstance(value, bool) else value


def _decoded(response: httpx.Response) -> Any:
    """The JSON body of any shape, for NetworkResponse; None when there is none."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _new_nonce(nonce: str | None) -> str:
    # Fixed before the first attempt, so that every retry carries the same one.
    return nonce or uuid.uuid4().hex


def _json_or_none(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None  # e.g. an HTML 502 page from a proxy
    return data if isinstance(data, dict) else None


def _retry_after(response: httpx.Response, body: dict[str, Any] | None) -> float | None:
    """The wait a 429 asks for: the body's exact `details.retry_after` when there is one
    (hubbub's `Retry-After` header is that rounded up to whole seconds), else the header."""
    details = ((body or {}).get("error") or {}).get("details") or {}
    exact = details.get("retry_after") if isinstance(details, dict) else None
    if isinstance(exact, int | float) and not isinstance(exact, bool) and exact >= 0:
        return float(exact)
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        return None  # an HTTP-date: error_from_wire falls back to 1 s
