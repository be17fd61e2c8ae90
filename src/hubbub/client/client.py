"""`hubbub.Client`: the facade joining REST, gateway, cache and dispatch.

    client = hubbub.Client("http://localhost:8000", token=TOKEN)

    @client.on(hubbub.MessageCreated)
    async def echo(event: hubbub.MessageCreated) -> None:
        if event.message.content == "!ping":
            await client.message(event).reply("pong")

    client.run()          # or: async with client: await client.wait_closed()

Pipeline for each gateway event: dedupe by seq (gateway) → parse (protocol.events) →
before-dispatch hooks → fold into the cache, filling before/after (unless a hook
canceled the event) → handlers → waiters and streams → process hooks (dispatch.py) →
advance the cursor. Handler registration lives in `handlers_api.HandlersMixin`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, Literal

import httpx

from hubbub.client.cache import Cache
from hubbub.client.callbacks import Callback
from hubbub.client.dispatch import EventDispatcher
from hubbub.client.gateway import Gateway, gateway_url
from hubbub.client.handlers_api import HandlersMixin, SetupHook
from hubbub.client.http import HTTPClient
from hubbub.client.lifecycle import Authenticated, LoggedOut, Ready, Resumed
from hubbub.client.network import network_hooks
from hubbub.client.notifications import Notification, NotificationList
from hubbub.client.objects import Message, Room, SearchHit, Space, User
from hubbub.client.poll import DEFAULT_POLL_WAIT, PollConnection
from hubbub.client.session import Backoff
from hubbub.client.subscriptions import subscribe
from hubbub.errors import NotFound, ServiceUnavailable
from hubbub.protocol.events import (
    Event,
    MessageCreated,
    MessageEvent,
    parse_event,
)
from hubbub.protocol.events_content import NotificationCreated
from hubbub.protocol.events_relations import PrivateMessage
from hubbub.protocol.events_rooms import RoomSubscribed
from hubbub.protocol.events_sessions import SessionLoggedOut
from hubbub.protocol.frames import HEARTBEAT_INTERVAL_S
from hubbub.protocol.models import AccessMode, RoomKind
from hubbub.protocol.models_presence import RoomPresence, SettingsChange, UserPresence

__all__ = ["Client"]

_log = logging.getLogger(__name__)

TransportName = Literal["websocket", "poll"]


class Client(HandlersMixin):
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: TransportName | httpx.AsyncBaseTransport = "websocket",
        http_transport: httpx.AsyncBaseTransport | None = None,
        gateway: str | None = None,
        max_messages: int = 1000,
        reconnect: bool = True,
        backoff: Backoff | None = None,
        heartbeat_interval: float = HEARTBEAT_INTERVAL_S,
        sequential_handlers: bool = False,
        poll_wait: float = DEFAULT_POLL_WAIT,
    ) -> None:
        """`transport` chooses how events arrive: `"websocket"` (the gateway) or `"poll"`
        (long-polling `GET /events`: the same events, cache and dispatch, for networks
        where WebSockets do not pass; typing needs the WebSocket). `gateway` overrides the
        WebSocket URL (default: ws(s)://<base_url>/gateway); `poll_wait` is how long one
        poll may be held. `http_transport` is handed to httpx (tests, proxies, ASGI apps;
        an httpx transport passed as `transport`, its old name, still works)."""
        if isinstance(transport, httpx.AsyncBaseTransport):
            if http_transport is not None:
                raise TypeError("pass the httpx transport as http_transport= only")
            http_transport, transport = transport, "websocket"
        elif transport not in ("websocket", "poll"):
            raise ValueError(f"transport must be 'websocket' or 'poll', not {transport!r}")
        if not poll_wait > 0:  # 0 would turn the long-poll into a busy loop
            raise ValueError(f"poll_wait must be a number of seconds > 0, not {poll_wait!r}")
        self.base_url = base_url.rstrip("/")
        self.transport: TransportName = transport
        self.http = HTTPClient(self.base_url, token=token, http_transport=http_transport)
        self.cache = Cache(self, max_messages=max_messages)
        self.dispatcher = EventDispatcher()
        self.http.hooks = network_hooks(self.dispatcher)
        self.gateway_url = gateway or gateway_url(self.base_url)
        self.sequential_handlers = sequential_handlers
        self._gateway_options: dict[str, Any] = {
            "reconnect": reconnect,
            "backoff": backoff,
            "heartbeat_interval": heartbeat_interval,
        }
        self._poll_wait = poll_wait
        self._gateway: Gateway | PollConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._first_ready: asyncio.Future[None] | None = None
        self._closed = False
        # Handler-side state (dispatch pipeline, callbacks, lifecycle).
        self._callbacks: list[tuple[type[Event] | str, Callback]] = []
        self._setup_hooks: list[SetupHook] = []
        self._setup_done = False
        self._lifecycle_tail: asyncio.Future[None] | None = None
        self._logged_out = False

    @classmethod
    async def login(cls, base_url: str, username: str, password: str, **options: Any) -> Client:
        """A client holding a fresh session token for `username` (not yet connected)."""
        client = cls(base_url, **options)
        try:
            result = await client.http.login(username, password)
        except BaseException:
            await client.http.aclose()
            raise
        client.http.token = result.token
        client.cache.me = client.cache.store_user(result.user)
        return client

    # -- state -----------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        return self.http.token

    @property
    def user(self) -> User | None:
        """The logged-in user; known after login or the first Ready."""
        return self.cache.me

    @property
    def rooms(self) -> list[Room]:
        """The rooms this user can see, as of the last Ready plus events since."""
        return self.cache.rooms

    @property
    def cursor(self) -> str | None:
        """The resume position: the seq of the last event processed, as a string."""
        return None if self._gateway is None else self._gateway.cursor.wire

    @property
    def is_ready(self) -> bool:
        return self._first_ready is not None and self._first_ready.done()

    # -- objects ---------------------------------------------------------------------

    def get_room(self, room_id: int) -> Room | None:
        return self.cache.get_room(room_id)

    def get_user(self, user_id: int) -> User | None:
        return self.cache.get_user(user_id)

    def get_message(self, message_id: int) -> Message | None:
        return self.cache.get_message(message_id)

    # -- objects by id, without a request (bare until loaded, D.97); users and messages
    # take `_ref` names because `user` and `message()` already mean something here ------

    def room(self, room_id: int) -> Room:
        """The one `Room` for this id: the cached one, else a bare one that loads on
        `await room.load()` (its properties raise NotLoaded until then)."""
        return self.cache.room_ref(room_id)

    def user_ref(self, user_id: int) -> User:
        """The one `User` for this id (bare until `await user.load()` if not cached)."""
        return self.cache.user_ref(user_id)

    def message_ref(self, message_id: int) -> Message:
        """The one `Message` for this id (bare until `await message.load()`)."""
        return self.cache.message_ref(message_id)

    def space(self, space_id: int) -> Space:
        """The one `Space` for this id (bare until `await space.load()`)."""
        return self.cache.space_ref(space_id)

    def message(self, event: MessageEvent) -> Message:
        """The live `Message` for a message event, to act on it (`reply`, `edit`, …).

        MessageCreated always has one. For updates/deletes of a message the cache never
        saw, raises NotFound (code `message_not_cached`): use
        `await client.fetch_message(event.message_id)`.
        """
        if isinstance(event, MessageCreated):
            return self.cache.store_message(event.message)
        found = self.cache.get_message(event.message_id)
        if found is None:
            raise NotFound(
                f"message {event.message_id} is not cached; fetch it with fetch_message()",
                code="message_not_cached",
            )
        return found

    async def fetch_user(self, user_id: int) -> User:
        return self.cache.store_user(await self.http.get_user(user_id))

    async def fetch_me(self) -> User:
        self.cache.me = self.cache.store_user(await self.http.get_me())
        return self.cache.me

    async def fetch_room(self, room_id: int) -> Room:
        return self.cache.store_room(await self.http.get_room(room_id))

    async def fetch_message(self, message_id: int) -> Message:
        return self.cache.store_message(await self.http.get_message(message_id))

    async def search(
        self,
        q: str,
        *,
        room: int | Room | None = None,
        author: int | User | None = None,
        before: int | str | None = None,
        after: int | str | None = None,
        sort: Literal["relevance", "newest"] = "relevance",
        limit: int | None = None,
        page_size: int = 20,
    ) -> AsyncIterator[SearchHit]:
        """Full-text search over the messages this user can read (joined rooms, or `room`):
        words and "quoted phrases", best match first (or newest), `limit` hits at most,
        fetched a page at a time."""
        room_id = room.id if isinstance(room, Room) else room
        author_id = author.id if isinstance(author, User) else author
        cursor: str | None = None
        remaining = limit
        while remaining is None or remaining > 0:
            size = page_size if remaining is None else min(page_size, remaining)
            page = await self.http.search(
                q,
                room_id=room_id,
                author_id=author_id,
                before=before,
                after=after,
                sort=sort,
                limit=size,
                cursor=cursor,
            )
            for result in page.results[:remaining]:
                yield SearchHit(self.cache.store_message(result.message), result.highlight)
            if remaining is not None:
                remaining -= len(page.results)
            if not page.has_more or page.cursor is None:
                return
            cursor = page.cursor

    async def fetch_rooms(
        self,
        *,
        joined: bool | None = None,
        tag: str | None = None,
        query: str | None = None,
        not_joined: bool | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[Room]:
        """Every room visible to this user (or only joined ones, or only the directory's
        rooms they are not in; those with a tag; those with a word of the name or topic
        starting with `query`), paging by id."""
        after: int | None = None
        while True:
            page = await self.http.list_rooms(
                joined=joined,
                not_joined=not_joined,
                limit=page_size,
                after=after,
                tag=tag,
                q=query,
            )
            for data in page.rooms:
                yield self.cache.store_room(data)
            if not page.has_more or not page.rooms:
                return
            after = page.rooms[-1].id

    async def create_room(
        self,
        name: str,
        *,
        space_id: int | None = None,
        kind: RoomKind | None = None,
        access_mode: AccessMode | None = None,
        description: str | None = None,
        topic: str | None = None,
        tags: list[str] | None = None,
        custom_id: str | None = None,
        allow_entry: bool | None = None,
        is_open: bool | None = None,
        max_reports: int | None = None,
        position: int | None = None,
        allow_actions: bool | None = None,
        edit_window_s: int | None = None,
    ) -> Room:
        """Create a room: standalone, or in a space with `space_id` (manage_room there)."""
        data = await self.http.create_room(
            name,
            space_id=space_id,
            kind=kind,
            access_mode=access_mode,
            description=description,
            topic=topic,
            tags=tags,
            custom_id=custom_id,
            allow_entry=allow_entry,
            is_open=is_open,
            max_reports=max_reports,
            position=position,
            allow_actions=allow_actions,
            edit_window_s=edit_window_s,
        )
        return self.cache.store_room(data)

    async def get_room_by_custom_id(self, custom_id: str) -> Room:
        """Look a room up by its external id (`custom_id`, alias `slug`)."""
        return self.cache.store_room(await self.http.get_room_by_custom_id(custom_id))

    # -- relationships, DMs and groups (issue 5) -------------------------------------

    async def relationships(self) -> dict[User, str]:
        """Every user this one has a relationship with → its status (friend, outgoing,
        incoming, blocked, blocked_other); also refreshes `User.relationship`."""
        found = await self.http.relationships()
        self.cache.relationships = {r.user_id: r.status for r in found}
        return {self.cache.user_from_actor(r.user): r.status for r in found}

    async def open_dm(self, user: int | User) -> Room:
        """The DM room with a user (opened if needed: idempotent); one's own id gives
        the saved-notes room."""
        user_id = user.id if isinstance(user, User) else user
        return self.cache.store_room(await self.http.open_dm(user_id))

    async def create_group(self, users: list[int | User], *, name: str | None = None) -> Room:
        """A new group owned by this user with `users` as its other members."""
        ids = [u.id if isinstance(u, User) else u for u in users]
        return self.cache.store_room(await self.http.create_group(ids, name=name))

    async def create_bot(
        self, username: str, *, display_name: str | None = None
    ) -> tuple[User, str]:
        """Create a bot account owned by this user; returns it and its token."""
        result = await self.http.create_bot(username, display_name=display_name)
        return self.cache.store_user(result.user), result.token

    # -- spaces ----------------------------------------------------------------------

    def get_space(self, space_id: int) -> Space | None:
        """A space from the cache (no request): yours, or one you fetched."""
        return self.cache.get_space(space_id)

    async def fetch_space(self, space_id: int) -> Space:
        return self.cache.store_space(await self.http.get_space(space_id))

    async def spaces(self) -> list[Space]:
        """The spaces you belong to, fetched now."""
        return [self.cache.store_space(s) for s in await self.http.list_spaces()]

    async def create_space(
        self,
        name: str,
        *,
        description: str | None = None,
        icon_url: str | None = None,
        open: bool | None = None,
    ) -> Space:
        """A new space you own, with a `general` room as its system room."""
        data = await self.http.create_space(
            name, description=description, icon_url=icon_url, open=open
        )
        return self.cache.store_space(data)

    async def join_space(self, space_id: int) -> Space:
        """Join an open space; its rooms and roles are cached at once."""
        state = self.cache.apply_space_state(await self.http.join_space(space_id))
        return self.cache.store_space(state.space)

    async def accept_invite(self, code: str) -> Space:
        """Join a space by invite code."""
        state = self.cache.apply_space_state(await self.http.accept_invite(code))
        return self.cache.store_space(state.space)

    # -- presence and settings (issue 5) ---------------------------------------------

    async def set_presence(self, status: str) -> UserPresence:
        """Choose `online` (automatic), `idle`, `busy` or `invisible` (others see you
        offline); your own view comes back. Other users hear of it as `PresenceUpdated`."""
        mine = await self.http.set_presence(status)
        self.cache.own_presence = mine.chosen or status
        return mine

    async def fetch_presence(self, user_ids: Iterable[int | User]) -> dict[int, UserPresence]:
        """Several users' presence now (≤ 100); the cache's `presences` follows."""
        ids = [u.id if isinstance(u, User) else int(u) for u in user_ids]
        found = await self.http.fetch_presence(ids)
        for user_id, presence in found.items():
            if self.user is None or user_id != self.user.id:
                self.cache.presences[user_id] = presence.status
        return found

    async def room_presence(self, room: int | Room) -> RoomPresence:
        """`current_users` (connected now) and `pingable_users` (D.100) of a room."""
        return await self.http.room_presence(room.id if isinstance(room, Room) else room)

    async def mute_room(self, room: int | Room, muted: bool = True) -> bool:
        """Mute (or unmute) a room you belong to: you leave its `pingable_users`."""
        return await self.http.mute_room(room.id if isinstance(room, Room) else room, muted)

    async def settings(self) -> dict[str, Any]:
        """Your settings document (key → value), fetched now; the cache holds it from then
        on, so `UserSettingsUpdated` carries `before`/`after` (D.49). Not for bots."""
        self.cache.adopt_settings(await self.http.get_settings())
        return dict(self.cache.settings or {})

    async def update_settings(
        self, changes: Mapping[str, Any] | None = None, /, **more: Any
    ) -> SettingsChange:
        """Set keys (`update_settings(theme="dark")` or with a mapping); None clears a key.
        Your sessions, this one included, get `UserSettingsUpdated`."""
        return await self.http.update_settings(changes, **more)

    async def clear_settings(self, keys: Iterable[str]) -> SettingsChange:
        """Remove keys from your settings document."""
        return await self.http.clear_settings(keys)

    # -- notifications (content area) ------------------------------------------------

    async def notifications(
        self, *, unread: bool = False, before: int | None = None, limit: int = 50
    ) -> NotificationList:
        """One page of this user's notifications, newest first (`before` an id to page
        back from); `.has_more` and `.unread_count` come with it."""
        page = await self.http.list_notifications(before=before, limit=limit, unread=unread)
        items = [self.cache.store_notification(n) for n in page.notifications]
        return NotificationList(items, page.has_more, page.unread_count)

    def notification(self, event: NotificationCreated) -> Notification:
        """The `Notification` object for a live event, to act on it (`mark_read`)."""
        return self.cache.store_notification(event.notification)

    async def mark_all_notifications_read(self) -> int:
        """Mark every notification read; how many were unread."""
        return await self.http.read_all_notifications()

    async def subscribe(
        self, room: int | Room, *, limit: int = 50, timeout: float = 10.0
    ) -> RoomSubscribed:
        """Subscribe this connection to a room (#39; S2 on_joined_room, S3 onChatStart,
        S4 Room.join()): joins a public room the user is not in, and answers with the
        room, the membership and its newest `limit` messages, dispatched as
        `RoomSubscribed` before it is returned. Refusals raise the typed error
        (NotFound, Forbidden `banned_from_room`, …); needs the WebSocket transport."""
        room_id = room if isinstance(room, int) else room.id
        return await subscribe(self, room_id, limit=limit, timeout=timeout)

    async def send_typing(self, room_id: int) -> None:
        if self._gateway is None:
            raise ServiceUnavailable("the gateway is not connected", code="gateway_not_ready")
        await self._gateway.send_typing(room_id)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Connect the gateway and return once the first Ready was dispatched.

        The connection then lives in a background task that reconnects and resumes on
        its own. Raises Unauthorized (bad token) or another HubbubError when connecting
        cannot succeed; transient failures are retried with backoff.
        """
        if self._closed:
            raise RuntimeError("this client was closed; create a new one")
        if self._task is not None and not self._task.done():
            raise RuntimeError("start() was already called")
        # Once per client, before the first connect: a retried start() skips it.
        await self._run_setup_once()
        # Without a token the gateway connects as an anonymous reader (ID-03): read-only,
        # following the server's public rooms (a server may refuse it: Unauthorized).
        self._first_ready = asyncio.get_running_loop().create_future()
        self._gateway = self._connection()
        self._task = asyncio.create_task(self._gateway.run(), name="hubbub-gateway")
        await asyncio.wait({self._first_ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if not self._first_ready.done():
            await self._task  # raises the fatal error that ended the gateway
            raise ServiceUnavailable("the gateway stopped before ready", code="gateway_closed")

    def _connection(self) -> Gateway | PollConnection:
        """The event source `transport` names, wired to the same callbacks."""
        if self.transport == "poll":
            return PollConnection(
                self.http,
                on_ready=self._on_ready,
                on_event=self._on_event,
                on_lifecycle=self._on_lifecycle,
                on_resumed=self._on_resumed,
                backoff=self._gateway_options["backoff"],
                reconnect=self._gateway_options["reconnect"],
                wait=self._poll_wait,
            )
        return Gateway(
            self.gateway_url,
            self.token,
            on_ready=self._on_ready,
            on_event=self._on_event,
            on_lifecycle=self._on_lifecycle,
            on_resumed=self._on_resumed,
            **self._gateway_options,
        )

    async def wait_closed(self) -> None:
        """Block until the client is closed; re-raises a fatal gateway error (a revoked
        token, for instance)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._gateway is not None:
            await self._gateway.close()
        # Called from a handler, the gateway task may be waiting on that very handler
        # (sequential mode): awaiting it here would deadlock. It ends on its own once the
        # handler returns, because its socket is closed.
        current = asyncio.current_task()
        in_handler = current is self._task or self.dispatcher.is_handler(current)
        if self._task is not None and not in_handler:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
        # Lifecycle events still queued (the final Disconnected) reach handlers first.
        tail = self._lifecycle_tail
        if tail is not None and not in_handler and current is not tail:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await tail
        await self.dispatcher.close()
        await self.http.aclose()

    async def logout(self) -> None:
        """Revoke this token on the server, dispatch `LoggedOut`, then close."""
        session_id = None if self._gateway is None else self._gateway.session_id
        if self._gateway is not None:
            # Hang up first: the server's own close (4001) after the revoke would
            # otherwise end the connection as a failure (Unauthorized).
            await self._gateway.close()
        try:
            await self.http.logout()
        finally:
            await self._logged_out_once("logout", session_id)
            await self.close()

    async def _logged_out_once(self, reason: str, session_id: str | None) -> None:
        if self._logged_out or self._closed:
            return
        self._logged_out = True
        # Awaited handlers: the client closes right after, which would cancel them.
        await self._deliver(LoggedOut(reason=reason, session_id=session_id), sequential=True)

    def run(self) -> None:
        """Start and block until closed (or Ctrl-C): the entry point for bots."""

        async def main() -> None:
            async with self:
                await self.wait_closed()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())

    async def __aenter__(self) -> Client:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- gateway callbacks -----------------------------------------------------------

    async def _on_ready(self, frame: dict[str, Any], resumed: bool) -> None:
        me, rooms = self.cache.apply_ready(frame)
        session_id = str(frame.get("session_id") or "")
        cursor = frame.get("cursor")
        await self._deliver(Authenticated.from_ready(frame))
        await self._deliver(
            Ready(
                raw=frame,
                user=me,
                rooms=rooms,
                session_id=session_id,
                cursor=None if cursor is None else str(cursor),
                resumed=resumed,
            )
        )
        # A server that marks the end of the replay gets Resumed after it (`_on_resumed`);
        # an older one only tells us it accepted the cursor.
        legacy = "resumed" not in frame
        if resumed and legacy and self._gateway is not None and self._gateway.cursor.wire:
            await self._deliver(Resumed(cursor=self._gateway.cursor.wire, session_id=session_id))
        if self._first_ready is not None and not self._first_ready.done():
            self._first_ready.set_result(None)

    async def _on_resumed(self, frame: dict[str, Any]) -> None:
        session_id = self._gateway.session_id if self._gateway is not None else None
        replayed = frame.get("replayed")
        await self._deliver(
            Resumed(
                cursor=str(frame.get("cursor")),
                session_id=session_id or "",
                replayed=replayed if isinstance(replayed, int) else None,
            )
        )

    async def _on_event(self, frame: dict[str, Any]) -> None:
        try:
            event = parse_event(frame)
        except ValueError:
            _log.warning("dropping a malformed event frame: %.200r", frame)
            return
        # The cache update is the pipeline's second step: a before-dispatch hook may
        # cancel it, and handlers see the cache already updated.
        await self._deliver(event, apply=self.cache.apply)
        if isinstance(event, MessageCreated) and self._is_private(event):
            await self._deliver(PrivateMessage(raw=event.raw, event=event, message=event.message))
        if isinstance(event, SessionLoggedOut):
            # The server closes us next with 4001, which the connection treats as fatal:
            # no reconnect, and `wait_closed()` raises Unauthorized.
            await self._logged_out_once(event.reason, str(event.session_id))

    def _is_private(self, event: MessageCreated) -> bool:
        """DM-03: a message someone else wrote in one of this user's DMs."""
        room, me, author = self.cache.get_room(event.room_id), self.cache.me, event.message.author
        mine = me is not None and author is not None and author.id == me.id
        return room is not None and room.kind == "dm" and not mine

    def _on_lifecycle(self, event: Event) -> None:
        """The connection reports from sync code; the pipeline (async hooks) runs in a
        task chained behind the previous one, so lifecycle events keep their order and
        come before any later gateway event (`_deliver` waits for the chain)."""
        previous = self._lifecycle_tail
        self._lifecycle_tail = asyncio.ensure_future(self._deliver_after(previous, event))

    async def _deliver_after(self, previous: asyncio.Future[None] | None, event: Event) -> None:
        if previous is not None and not previous.done():
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(previous)
        await self.dispatcher.process(event, sequential=self.sequential_handlers)

    async def _deliver(
        self,
        event: Event,
        *,
        apply: Callable[[Any], object] | None = None,
        sequential: bool = False,
    ) -> None:
        tail = self._lifecycle_tail
        if tail is not None and not tail.done() and tail is not asyncio.current_task():
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(tail)
        await self.dispatcher.process(
            event, apply=apply, sequential=sequential or self.sequential_handlers
        )
