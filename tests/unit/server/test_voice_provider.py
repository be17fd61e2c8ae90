"""The default VoiceProvider's tokens (D.37): signed claims a media node verifies with the
secret alone; forged, foreign, malformed and expired tokens refused with stable codes;
a room's participants meet on one node."""

from __future__ import annotations

import pytest

from hubbub.errors import Unauthorized
from hubbub.server.services.voice_provider import (
    SigningVoiceProvider,
    StaticVoiceProvider,
    VoiceProvider,
    sign_voice_token,
    verify_voice_token,
)

NOW = 1_700_000_000_000


def _code(secret: str, token: str, now_ms: int = NOW) -> str:
    with pytest.raises(Unauthorized) as err:
        verify_voice_token(secret, token, now_ms=now_ms)
    return err.value.code


def test_assign_signs_user_room_node_and_expiry() -> None:
    provider: VoiceProvider = SigningVoiceProvider(["a", "b", "c"], ttl_s=60)
    conn = provider.assign(user_id=7, room_id=42, now_ms=NOW, secret="s")
    assert conn.expires_at == NOW + 60_000 and conn.node in ("a", "b", "c")
    claims = verify_voice_token("s", conn.token, now_ms=NOW + 59_999)
    assert claims == {"u": 7, "r": 42, "n": conn.node, "exp": NOW + 60_000}
    assert conn.wire() == {
        "node": conn.node,
        "token": conn.token,
        "expires_at": "2023-11-14T22:14:20.000Z",
    }
    # Everyone in one room gets the same node.
    other = provider.assign(user_id=8, room_id=42, now_ms=NOW, secret="s")
    assert other.node == conn.node and other.token != conn.token


def test_refusals() -> None:
    token = sign_voice_token("s", user_id=1, room_id=2, node="n", expires_at=NOW + 1)
    assert _code("s", token, NOW + 1) == "voice_token_expired"
    assert _code("other", token) == "invalid_voice_token"
    payload, _, mac = token.partition(".")
    forged = sign_voice_token("x", user_id=1, room_id=3, node="n", expires_at=NOW + 1)
    assert _code("s", forged.partition(".")[0] + "." + mac) == "invalid_voice_token"
    for junk in ("", "abc", "abc.", ".def", "a.b.c", payload + ".!!!", "e30.e30"):
        assert _code("s", junk) == "invalid_voice_token"


def test_settings_parsing_and_the_static_provider() -> None:
    provider = SigningVoiceProvider.from_settings(" a , ,b ", 5)
    assert provider.nodes == ["a", "b"]
    assert SigningVoiceProvider.from_settings("", 5).nodes == ["voice-1"]
    static: VoiceProvider = StaticVoiceProvider("sfu.example:443", ttl_s=10)
    conn = static.assign(user_id=1, room_id=2, now_ms=NOW, secret="ignored")
    assert conn.node == "sfu.example:443" and conn.expires_at == NOW + 10_000
    assert conn.token != static.assign(user_id=1, room_id=2, now_ms=NOW, secret="").token
