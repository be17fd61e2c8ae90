"""LOCAL events about the SDK's own REST traffic (EVENTS.md C.2 #4–5, SportsTalk's
`onNetworkResponse` / `onNetworkError`).

`HTTPClient` reports each response and each transport failure to a `NetworkHooks`;
the `Client`'s hooks turn them into these events only when something listens for them
(a handler, a waiter or a stream), so an app that never asks pays one dictionary scan per
request and builds nothing.

They derive from `Event` but not from `LifecycleEvent`: they say nothing about the
connection's state, and a lifecycle logger should not get one per REST call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hubbub.errors import HubbubError
from hubbub.protocol.events import Event

if TYPE_CHECKING:
    from hubbub.client.dispatch import EventDispatcher

__all__ = [
    "NetworkError",
    "NetworkEvent",
    "NetworkHooks",
    "NetworkResponse",
    "network_hooks",
]


@dataclass(kw_only=True, eq=False)
class NetworkEvent(Event):
    """Root of the REST traffic events."""

    method: str = ""
    path: str = ""
    """The path under the API prefix (`/rooms/1/messages`), without the query."""


@dataclass(kw_only=True, eq=False)
class NetworkResponse(NetworkEvent):
    """The server answered a REST call (any status: 2xx, or an error the SDK raises next).
    A 429 retried by the SDK shows once per attempt."""

    type_name = "client.network_response"
    status: int
    body: Any = None
    """The decoded JSON body; None for 204, an empty or a non-JSON body."""


@dataclass(kw_only=True, eq=False)
class NetworkError(NetworkEvent):
    """A REST call got no answer (connection refused or reset, timeout): `error` is the
    `ServiceUnavailable(code="network_error")` the call raises, unless it is retried."""

    type_name = "client.network_error"
    error: HubbubError


ResponseHook = Callable[[str, str, int, Any], None]
ErrorHook = Callable[[HubbubError, str, str], None]


@dataclass(frozen=True, slots=True)
class NetworkHooks:
    """What `HTTPClient` calls after each request; `wanted()` is asked first so that the
    body of a response nobody listens to is not even looked at."""

    wanted: Callable[[type[NetworkEvent]], bool]
    on_response: ResponseHook
    on_error: ErrorHook

    def response(self, method: str, path: str, status: int, body: Callable[[], Any]) -> None:
        if self.wanted(NetworkResponse):
            self.on_response(method, path, status, body())

    def error(self, error: HubbubError, method: str, path: str) -> None:
        if self.wanted(NetworkError):
            self.on_error(error, method, path)


def listened(dispatcher: EventDispatcher, cls: type[Event]) -> bool:
    """Whether dispatching an event of `cls` would reach anyone: a handler (on it or a
    base class), a pending waiter or an open stream for it (or a pipeline hook)."""
    return dispatcher.has_listeners(cls)


def network_hooks(dispatcher: EventDispatcher) -> NetworkHooks:
    """The hooks a `Client` gives its `HTTPClient`: events into `dispatcher`, when wanted."""

    # Dispatched at once (handlers start, waiters resolve) rather than through the async
    # pipeline: the event is out before the call that caused it returns.
    def on_response(method: str, path: str, status: int, body: Any) -> None:
        dispatcher.dispatch(NetworkResponse(method=method, path=path, status=status, body=body))

    def on_error(error: HubbubError, method: str, path: str) -> None:
        dispatcher.dispatch(NetworkError(error=error, method=method, path=path))

    return NetworkHooks(
        wanted=lambda cls: listened(dispatcher, cls), on_response=on_response, on_error=on_error
    )
