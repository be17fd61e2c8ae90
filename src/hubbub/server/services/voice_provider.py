"""Where a voice participant's media goes (VC-03, D.37): a pluggable `VoiceProvider` hands
out an opaque media `node` and a signed, expiring join `token` on every join and move.

Two implementations ship:
- `SigningVoiceProvider` (the default): picks one of `settings.voice_nodes` per room (so a
  room's participants meet on one node) and signs `{user, room, node, expiry}` with
  HMAC-SHA256 under the voice secret. A media node holding the secret checks a token with
  `verify_voice_token` alone, without asking this server.
- `StaticVoiceProvider`: one fixed node and an unsigned random token, for deployments
  whose media server authenticates by itself (or none: signalling only).

An app or a test plugs another one in with `use_provider(core, provider)`. Providers run
inside the log writer's transaction: they must not await or do I/O (signing is pure).

Token format: `base64url(claims JSON) "." base64url(HMAC-SHA256(secret, first part))`,
claims `{"u": user id, "r": room id, "n": node, "exp": expiry in ms since the epoch}`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from hubbub.errors import Unauthorized
from hubbub.server.clock import iso_ms

__all__ = [
    "SigningVoiceProvider",
    "StaticVoiceProvider",
    "VoiceConnection",
    "VoiceProvider",
    "sign_voice_token",
    "verify_voice_token",
]


@dataclass(frozen=True, slots=True)
class VoiceConnection:
    """Where to connect for media: the join (or move) answer and `voice.connection.reassigned`."""

    node: str
    token: str
    expires_at: int  # ms since the epoch

    def wire(self) -> dict[str, Any]:
        return {"node": self.node, "token": self.token, "expires_at": iso_ms(self.expires_at)}


class VoiceProvider(Protocol):
    def assign(self, *, user_id: int, room_id: int, now_ms: int, secret: str) -> VoiceConnection:
        """A node and a token for `user_id` to carry `room_id`'s media, issued at `now_ms`
        (the injected clock). `secret` is the server's voice secret."""
        ...


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> bytes:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()


def sign_voice_token(secret: str, *, user_id: int, room_id: int, node: str, expires_at: int) -> str:
    claims = {"u": user_id, "r": room_id, "n": node, "exp": expires_at}
    payload = _b64(orjson.dumps(claims))
    return f"{payload}.{_b64(_mac(secret, payload))}"


def _invalid() -> Unauthorized:
    return Unauthorized("the voice token is not valid", code="invalid_voice_token")


def verify_voice_token(secret: str, token: str, *, now_ms: int) -> dict[str, Any]:
    """The claims `{"u", "r", "n", "exp"}` of a token signed with `secret`; raises
    Unauthorized `invalid_voice_token` (malformed, forged, another secret) or
    `voice_token_expired` (`exp` is not after `now_ms`, the caller's clock)."""
    payload, _, mac = token.partition(".")
    if not payload or not mac:
        raise _invalid()
    try:
        given = _unb64(mac)
    except ValueError:
        raise _invalid() from None
    if not hmac.compare_digest(given, _mac(secret, payload)):
        raise _invalid()
    try:
        claims = orjson.loads(_unb64(payload))
        expires = int(claims["exp"])
    except (ValueError, KeyError, TypeError):
        raise _invalid() from None
    if expires <= now_ms:
        raise Unauthorized("the voice token has expired", code="voice_token_expired")
    return dict(claims)


class SigningVoiceProvider:
    """The default provider (see the module docstring)."""

    def __init__(self, nodes: list[str], ttl_s: float) -> None:
        if not nodes:
            raise ValueError("at least one voice node is needed")
        self.nodes = nodes
        self.ttl_ms = int(ttl_s * 1000)

    @classmethod
    def from_settings(cls, nodes: str, ttl_s: float) -> SigningVoiceProvider:
        return cls([n.strip() for n in nodes.split(",") if n.strip()] or ["voice-1"], ttl_s)

    def node_for(self, room_id: int) -> str:
        # Stable across nodes and restarts (unlike hash()): a room's media stays together.
        return self.nodes[zlib.crc32(str(room_id).encode()) % len(self.nodes)]

    def assign(self, *, user_id: int, room_id: int, now_ms: int, secret: str) -> VoiceConnection:
        node = self.node_for(room_id)
        expires = now_ms + self.ttl_ms
        token = sign_voice_token(
            secret, user_id=user_id, room_id=room_id, node=node, expires_at=expires
        )
        return VoiceConnection(node, token, expires)


class StaticVoiceProvider:
    """One fixed node and an opaque random token (see the module docstring)."""

    def __init__(self, node: str, ttl_s: float = 300.0) -> None:
        self.node = node
        self.ttl_ms = int(ttl_s * 1000)

    def assign(self, *, user_id: int, room_id: int, now_ms: int, secret: str) -> VoiceConnection:
        return VoiceConnection(self.node, secrets.token_urlsafe(24), now_ms + self.ttl_ms)
