"""REST rate limits: one ASGI middleware in front of every route.

Every request under /api takes one token from its client IP's bucket and, when it
carries a valid token, one from its user's, both of its class (reads: GET, HEAD,
OPTIONS; writes: the rest), or from none and is answered 429 `rate_limited` with
`Retry-After`. /healthz, /metrics, /docs and its assets are outside /api and exempt.
A request is counted once, here; the per-action buckets of services (sends, reactions,
uploads, …) are separate budgets on top.

The client IP is the socket's peer, or, when that peer is a trusted proxy
(settings.trusted_proxies), the right-most X-Forwarded-For address that is not one.
It replaces the scope's `client`, so sessions record it and login throttling keys on it.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Hashable

from starlette.types import ASGIApp, Receive, Scope, Send

from hubbub.errors import HubbubError, RateLimited, ValidationError
from hubbub.server.api import errors
from hubbub.server.services import auth
from hubbub.server.services.core import Core
from hubbub.server.services.ratelimit import Rule
from hubbub.server.settings import Settings

log = logging.getLogger("hubbub.api.throttle")
READS = frozenset({"GET", "HEAD", "OPTIONS"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(value: str) -> tuple[Network, ...]:
    """settings.trusted_proxies: comma-separated CIDRs (or bare addresses)."""
    nets = []
    for part in value.split(","):
        if part.strip():
            try:
                nets.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as exc:
                raise ValidationError(
                    f"setting 'trusted_proxies': {exc}", code="invalid_setting"
                ) from exc
    return tuple(nets)


def client_ip(peer: str, forwarded_for: list[str], proxies: tuple[Network, ...]) -> str:
    """The client's address: `peer` unless it is a trusted proxy, then the right-most
    X-Forwarded-For hop that is not one (hops to the left of it could be forged)."""
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for header in forwarded_for for h in header.split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: trust nothing further left
        client = hop
        if not _trusted(hop, proxies):
            break
    return client


def _trusted(addr: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


class Throttle:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self._app = app
        self._proxies = parse_proxies(settings.trusted_proxies)
        s = settings
        self._ip = {
            "read": Rule(s.rest_ip_read_per_second, s.rest_ip_read_burst),
            "write": Rule(s.rest_ip_write_per_second, s.rest_ip_write_burst),
        }
        self._user = {
            "read": Rule(s.rest_user_read_per_second, s.rest_user_read_burst),
            "write": Rule(s.rest_user_write_per_second, s.rest_user_write_burst),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        peer, port = scope.get("client") or ("", 0)
        if self._proxies:
            forwarded = [
                v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"
            ]
            ip = client_ip(peer, forwarded, self._proxies)
            if ip != peer:
                scope = {**scope, "client": (ip, port)}
                peer = ip
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            core: Core = scope["app"].state.core
            kind = "read" if scope["method"] in READS else "write"
            items: list[tuple[Hashable, Rule]] = [(("ip", kind, peer), self._ip[kind])]
            user_id = await _user_id(core, scope)
            if user_id is not None:
                items.append((("user", kind, user_id), self._user[kind]))
            try:
                await core.rate_limiter.take_all(items, "requests")
            except RateLimited as err:
                response = errors.error_response(429, err.code, err.message, err.details)
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)


async def _user_id(core: Core, scope: Scope) -> int | None:
    """The bearer token's user (through the token cache the route will hit next), or
    None: anonymous, malformed or invalid tokens only draw on the IP bucket."""
    if not core.rate_limiter.enabled:
        return None
    header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if header is None:
        return None
    scheme, _, token = header.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        ctx = await auth.authenticate(core, token.strip())
    except HubbubError:
        return None
    except Exception:  # e.g. the database briefly down: limit by IP, let the route answer
        log.warning("could not resolve a token for rate limiting", exc_info=True)
        return None
    return ctx.user_id
