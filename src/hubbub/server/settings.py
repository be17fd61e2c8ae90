"""Typed settings. Precedence: CLI flags > environment (HUBBUB_*) > hubbub.toml > defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from hubbub.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    database: str = "sqlite:///hubbub.db"
    bus: str = "memory://"
    # SQLite `synchronous`: NORMAL survives a killed process (not a power cut) and is fast.
    sqlite_synchronous: str = "NORMAL"
    max_message_chars: int = 4000
    max_frame_bytes: int = 64 * 1024
    max_body_bytes: int = 1024 * 1024
    # Attachments: the largest upload, where the local storage keeps files, and the
    # content types accepted (comma-separated; `type/*` allows a whole family).
    max_upload_bytes: int = 25 * 1024 * 1024
    storage_dir: str = "./hubbub-files"
    # Profile pictures (issue 5): the largest avatar image accepted.
    max_avatar_bytes: int = 1024 * 1024
    upload_content_types: str = (
        "image/png,image/jpeg,image/gif,image/webp,text/plain,text/markdown,text/csv,"
        "application/pdf,application/json,application/zip,application/gzip,"
        "application/octet-stream,audio/*,video/*"
    )
    rate_limits: bool = True
    messages_per_second: float = 5.0
    messages_burst: int = 10
    idle_timeout_s: float = 60.0
    hello_timeout_s: float = 10.0
    typing_ttl_s: float = 10.0
    # Events older than this many days are pruned; 0 keeps the log forever.
    retention_days: float = 0.0
    # How often a node checks the log head, catching events a lost pub/sub message hid.
    gap_poll_s: float = 1.0
    # A connection whose unsent frames exceed this is closed; it resumes from its cursor.
    max_send_queue: int = 20_000
    # Presence (issue 5): going offline is logged only after this grace, so a quick
    # reconnect logs nothing; a scale-out node silent this long is presumed dead and its
    # connections are dropped by the others; pingable users (D.100) were active within
    # this many days.
    presence_offline_grace_s: float = 10.0
    presence_node_ttl_s: float = 30.0
    pingable_window_days: float = 14.0
    # The user settings document (ST-01): the largest value of one key, as encoded JSON.
    max_setting_bytes: int = 64 * 1024
    # Anonymous read-only clients (ID-03): without a token, public rooms' info, history and
    # events (REST, long-poll, gateway) can be read; false makes every request need a token.
    allow_anonymous: bool = True
    # Reputation at which a user reviews spam/offensive flags (TRUSTED audience, D.17).
    flag_review_min_reputation: int = 10_000
    # Flags (MD-05): the reputation needed to raise one (staff and moderators always may);
    # the net count (spam + offensive) that deletes the message, 0 = never; and how long
    # that auto-suspends its author, 0 = no suspension (Stack Exchange: 15, 6, 30 min).
    flag_min_reputation: int = 15
    flag_delete_threshold: int = 6
    flag_suspend_minutes: int = 30
    log_level: str = "info"
    # argon2id cost: "standard" (the library's recommended parameters, ~0.2 s per hash
    # here) or "fast" (minimal cost, for throwaway test servers only: hubbub.testing).
    password_hashing: str = "standard"
    # "text" (key=value lines for people) or "json" (one object per line for collectors).
    log_format: str = "text"
    # Groups (D.50): the most members a group may have, its owner included.
    group_max_recipients: int = 50
    # Rate limits (issue 6; all off with rate_limits = false). REST token buckets per
    # user (authenticated requests) and per client IP (every /api request), for reads
    # (GET, HEAD, OPTIONS) and writes: `*_per_second` refill, `*_burst` the most saved up.
    rest_user_read_per_second: float = 20.0
    rest_user_read_burst: int = 120
    rest_user_write_per_second: float = 5.0
    rest_user_write_burst: int = 40
    rest_ip_read_per_second: float = 50.0
    rest_ip_read_burst: int = 300
    rest_ip_write_per_second: float = 10.0
    rest_ip_write_burst: int = 100
    # Proxies whose X-Forwarded-For is believed (comma-separated CIDRs, e.g.
    # "10.0.0.0/8,127.0.0.1/32"); otherwise the client IP is the socket's peer.
    trusted_proxies: str = ""
    # Gateway: every client frame takes a token from its connection's bucket and its
    # user's; `gateway_max_refusals` refused frames within the window close it (4008).
    gateway_frames_per_second: float = 5.0
    gateway_frames_burst: int = 30
    gateway_user_frames_per_second: float = 10.0
    gateway_user_frames_burst: int = 60
    gateway_max_refusals: int = 10
    # New gateway connections per client IP (each costs a handshake, `ready` and replay).
    gateway_connects_per_second: float = 1.0
    gateway_connects_burst: int = 30
    gateway_refusal_window_s: float = 10.0
    # Brute force: after this many failed logins for one username (or from one IP)
    # within the window, logins are refused (429) for the window; 0 switches a check off.
    login_max_failures_per_user: int = 5
    login_max_failures_per_ip: int = 20
    login_window_s: float = 900.0
    # Registrations per client IP within the window (0: unlimited).
    registrations_per_ip: int = 5
    registration_window_s: float = 3600.0
    # Feeds (D.23): the RSS/Atom poller is off by default (a self-hosted server may have
    # no outbound network); when on, each feed with a URL is fetched this often.
    feed_poller: bool = False
    feed_poll_interval_s: float = 900.0
    # Voice (issue 8): the default VoiceProvider signs join tokens with this secret (empty:
    # one generated on first use and kept in the database, so every node shares it),
    # hands out one of these media nodes (comma-separated, opaque to the server) and
    # makes tokens expire after this long.
    voice_secret: str = ""
    voice_nodes: str = "voice-1"
    voice_token_ttl_s: float = 300.0

    @classmethod
    def load(
        cls, overrides: dict[str, Any] | None = None, toml_path: str | None = None
    ) -> Settings:
        values: dict[str, Any] = {}
        path = Path(toml_path or os.environ.get("HUBBUB_CONFIG", "hubbub.toml"))
        if path.is_file():
            with path.open("rb") as fh:
                values.update(tomllib.load(fh).get("hubbub", {}))
        for f in fields(cls):
            env = os.environ.get(f"HUBBUB_{f.name.upper()}")
            if env is not None:
                values[f.name] = env
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        settings = replace(cls(), **_coerce(values))
        for key, allowed in CHOICES.items():
            if getattr(settings, key) not in allowed:
                raise ValidationError(
                    f"setting {key!r} must be one of {', '.join(allowed)}", code="invalid_setting"
                )
        return settings


# Settings whose value is one of a few words.
CHOICES = {"password_hashing": ("standard", "fast"), "log_format": ("text", "json")}


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for key, value in values.items():
        if key not in types:
            raise ValidationError(f"unknown setting {key!r}", code="unknown_setting")
        kind = types[key]
        try:
            if kind == "bool" and isinstance(value, str):
                out[key] = value.strip().lower() in ("1", "true", "yes", "on")
            elif kind == "int":
                out[key] = int(value)
            elif kind == "float":
                out[key] = float(value)
            else:
                out[key] = value if kind == "bool" else str(value)
        except ValueError as exc:
            raise ValidationError(f"setting {key!r}: {exc}", code="invalid_setting") from exc
    return out
