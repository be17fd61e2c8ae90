"""What a handler is allowed to be, checked when it is registered, and the event that
reports a handler's failure.

Registration is the one moment a bot author is sure to be looking: a handler that can
never be called (wrong signature, not an event class, a typo'd name) fails there, with
TypeError/ValueError, instead of silently never running.
"""

from __future__ import annotations

import difflib
import inspect
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hubbub.protocol.events import Event, event_class

__all__ = [
    "HandlerError",
    "all_event_classes",
    "annotated_event_classes",
    "check_event_class",
    "check_no_argument",
    "check_one_argument",
    "close_matches",
    "local_event_class",
]


@dataclass(kw_only=True, eq=False)
class HandlerError(Event):
    """A handler or hook raised: `handler` failed on `event` with `exception`.

    LOCAL (never on the wire). The failure was already logged; this event lets an app
    report it its own way. A failing HandlerError handler is only logged: it never
    produces another HandlerError."""

    type_name = "client.handler_error"
    event: Event
    handler: Callable[..., Any]
    exception: BaseException


def all_event_classes() -> list[type[Event]]:
    """Every Event subclass defined so far (wire, local and abstract ones)."""
    found: list[type[Event]] = []
    pending: list[type[Event]] = [Event]
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return found


def local_event_class(type_name: str) -> type[Event] | None:
    """The class of a wire or LOCAL name (`message.created`, `client.network_error`), or
    None when no class is known for it (yet)."""
    found = event_class(type_name)
    if found.type_name == type_name:
        return found
    for cls in all_event_classes():
        if cls.type_name == type_name:
            return cls
    return None


def check_event_class(cls: object) -> type[Event]:
    if not (isinstance(cls, type) and issubclass(cls, Event)):
        raise TypeError(f"{cls!r} is not an Event class (expected e.g. hubbub.MessageCreated)")
    return cls


def check_one_argument(fn: object, what: str = "handler") -> None:
    """`fn` must be callable with exactly one positional argument (the event)."""
    if not callable(fn):
        raise TypeError(f"{what} {fn!r} is not callable")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin without a signature: trust it
    try:
        signature.bind(object())
    except TypeError:
        name = getattr(fn, "__qualname__", repr(fn))
        raise TypeError(
            f"{what} {name}{signature} must take exactly one positional argument (the event)"
        ) from None


def check_no_argument(fn: object, what: str) -> None:
    """`fn` must be callable without arguments (a setup hook)."""
    if not callable(fn):
        raise TypeError(f"{what} {fn!r} is not callable")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind()
    except TypeError:
        raise TypeError(f"{what} {fn!r} must take no arguments") from None


def annotated_event_classes(fn: Callable[..., Any]) -> tuple[type[Event], ...]:
    """The event class(es) named by the annotation of `fn`'s first parameter (hikari
    style: `@client.on() async def h(e: MessageCreated)`); `A | B` gives both."""
    check_one_argument(fn)
    params = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    name = getattr(fn, "__qualname__", repr(fn))
    if not params or params[0].annotation is inspect.Parameter.empty:
        raise TypeError(f"@on() without a class needs an annotated event parameter on {name}")
    annotation = _resolve(fn, params[0].name, params[0].annotation)
    classes = tuple(
        c for c in _union_members(annotation) if isinstance(c, type) and issubclass(c, Event)
    )
    if not classes or len(classes) != len(_union_members(annotation)):
        raise TypeError(f"the annotation {params[0].annotation!r} of {name} is not an Event class")
    return classes


def _resolve(fn: Callable[..., Any], param: str, annotation: object) -> object:
    if not isinstance(annotation, str):
        return annotation
    try:
        return typing.get_type_hints(fn)[param]
    except Exception:
        # A string annotation naming a class local to a function, or a module-level one
        # written as `hubbub.X`: evaluate it against the event classes themselves.
        namespace: dict[str, Any] = {c.__name__: c for c in all_event_classes()}
        namespace.update(getattr(fn, "__globals__", {}))
        try:
            return eval(annotation, namespace)  # the author's own annotation, evaluated once
        except Exception:
            raise TypeError(f"cannot resolve the annotation {annotation!r}") from None


def _union_members(annotation: object) -> tuple[object, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def close_matches(name: str, known: Iterable[str]) -> str:
    """`; did you mean on_message_created, …?` or an empty string."""
    matches = difflib.get_close_matches(name, list(known), n=5, cutoff=0.6)
    return f"; did you mean {', '.join(matches)}?" if matches else ""
