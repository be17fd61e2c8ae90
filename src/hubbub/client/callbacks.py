"""A callback-config object, SportsTalk style (SDK-11).

    callbacks = hubbub.EventCallbacks(
        on_chat=show_message,          # message.created outside DMs
        on_goal=celebrate,             # message.created, type custom / custom_type goal
        on_chat_event=log_the_rest,    # any room event no callback above took
        on_network_error=warn,
    )
    client.use_callbacks(callbacks)

Every field but `on_chat_event` and `by_type` is a handler alias of EVENTS.md C.3, routed by
`aliases.ALIASES` exactly as `@client.event async def on_goal(e)` would be. `by_type` adds
per-class callbacks (`{hubbub.ReactionAdded: on_reaction}`). `on_chat_event` is the
fallback: it gets every room event (an event with a `room_id`) that no set callback
matched. Callbacks take the event; sync or async, like handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from hubbub.client.aliases import ALIASES, AliasContext, Route
from hubbub.client.handlers import check_event_class, check_one_argument
from hubbub.protocol.events import Event, ServerEvent

if TYPE_CHECKING:
    from hubbub.client.dispatch import EventDispatcher

__all__ = ["Callback", "EventCallbacks"]

Callback = Callable[[Any], Any]


@dataclass(kw_only=True)
class EventCallbacks:
    on_chat_event: Callback | None = None
    """Fallback: any room event that no other set callback matched."""
    on_chat_start: Callback | None = None
    on_network_response: Callback | None = None
    on_network_error: Callback | None = None
    on_ready: Callback | None = None
    on_joined_room: Callback | None = None
    on_member_presence: Callback | None = None
    on_chat: Callback | None = None
    on_chat_delete: Callback | None = None
    on_dub: Callback | None = None
    on_playlist_song_add: Callback | None = None
    on_member_join: Callback | None = None
    on_member_update: Callback | None = None
    on_private_message: Callback | None = None
    on_goal: Callback | None = None
    on_ad: Callback | None = None
    on_announcement: Callback | None = None
    on_reply: Callback | None = None
    on_replace: Callback | None = None
    on_remove: Callback | None = None
    on_admin_command: Callback | None = None
    on_help: Callback | None = None
    on_mention: Callback | None = None
    on_reply_notification: Callback | None = None
    by_type: Mapping[type[Event], Callback] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Fail at construction, where the mistake was made, not at the first event.
        for name, callback in self.specific().items():
            check_one_argument(callback, f"callback {name}")
        if self.on_chat_event is not None:
            check_one_argument(self.on_chat_event, "callback on_chat_event")
        for cls, callback in self.by_type.items():
            check_event_class(cls)
            check_one_argument(callback, f"callback for {cls.__name__}")

    def specific(self) -> dict[str, Callback]:
        """The alias callbacks that are set, by alias name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name in ALIASES and getattr(self, f.name) is not None
        }

    def install(
        self, dispatcher: EventDispatcher, ctx: AliasContext
    ) -> list[tuple[type[Event] | str, Callback]]:
        """Register every set callback; returns the registrations (to remove them)."""
        done: list[tuple[type[Event] | str, Callback]] = []
        matchers: list[Callable[[Event], bool]] = []
        for name, callback in self.specific().items():
            for route in ALIASES[name]:
                key, when = route.resolve(), _bind(route, ctx)
                dispatcher.subscribe(key, callback, when=when, expand=route.expand)
                done.append((key, callback))
                matchers.append(_matcher(key, route, ctx))
        for cls, callback in self.by_type.items():
            dispatcher.subscribe(cls, callback)
            done.append((cls, callback))
            matchers.append(_matcher(cls, Route(cls.type_name), ctx))
        if self.on_chat_event is not None:

            def unclaimed(event: Event) -> bool:
                in_room = isinstance(event, ServerEvent) and event.room_id is not None
                return in_room and not any(m(event) for m in matchers)

            dispatcher.subscribe(Event, self.on_chat_event, when=unclaimed)
            done.append((Event, self.on_chat_event))
        return done


def _bind(route: Route, ctx: AliasContext) -> Callable[[Event], bool] | None:
    condition = route.when
    if condition is None:
        return None
    return lambda event: condition(event, ctx)


def _matcher(key: type[Event] | str, route: Route, ctx: AliasContext) -> Callable[[Event], bool]:
    """Whether a callback registered as (key, route) takes `event`."""

    def matches(event: Event) -> bool:
        if isinstance(key, str):
            wire = event.type if isinstance(event, ServerEvent) else event.type_name
            if wire != key:
                return False
        elif not isinstance(event, key):
            return False
        found = list(route.expand(event)) if route.expand is not None else [event]
        return any(route.when is None or route.when(e, ctx) for e in found)

    return matches
