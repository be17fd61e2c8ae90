"""Embeds appended to a message after it was sent (EVENTS.md MS-10, D.33).

Who may append: the message's author, or a bot that is a member of the room. Bots are how
integrations add rich results and link previews (a self-hosted server fetches nothing
itself); membership keeps bots from decorating rooms they were never let into. Other
members cannot: an embed renders as part of someone else's message. Webhooks come later.

Embeds are plain data, validated here: sizes bounded, only http(s) URLs, at most 10 per
message. Text fields are plain text, never HTML, so clients render them as text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from hubbub.errors import Conflict, Forbidden, ValidationError
from hubbub.server.events import room_event
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.messages import _message_for
from hubbub.server.store import embeds as store
from hubbub.server.store import messages as store_messages
from hubbub.server.store.log import Tx

MAX_PER_MESSAGE = 10
MAX_FIELDS = 25
TEXT_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}
MAX_URL = 2048
# Total characters of text in one embed, as Discord bounds it, so one embed stays readable.
MAX_TOTAL_TEXT = 6000
KEYS = frozenset({"title", "description", "url", "image_url", "colour", "fields"})


def _bad(index: int, field: str, message: str) -> ValidationError:
    return ValidationError(
        f"embeds[{index}].{field}: {message}",
        code="invalid_embed",
        details={"index": index, "field": field},
    )


def _url(index: int, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise _bad(index, field, f"a URL of at most {MAX_URL} characters")
    parts = urlsplit(value)
    # Only http(s): javascript:, data: and file: URLs are how embeds get weaponised.
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _bad(index, field, "only http and https URLs are allowed")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise _bad(index, field, "URLs must not contain spaces or control characters")
    return value


def _text(index: int, field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(index, field, f"text of at most {limit} characters")
    return value


def clean_embed(index: int, raw: Any) -> dict[str, Any]:
    """One embed with only known, valid keys; ValidationError (`invalid_embed`) else."""
    if not isinstance(raw, dict):
        raise _bad(index, "", "an embed is an object")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise _bad(index, unknown[0], "unknown field")
    out: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        if raw.get(key) is not None:
            out[key] = _text(index, key, raw[key], limit)
    for key in ("url", "image_url"):
        if raw.get(key) is not None:
            out[key] = _url(index, key, raw[key])
    colour = raw.get("colour")
    if colour is not None:
        if isinstance(colour, bool) or not isinstance(colour, int) or not 0 <= colour <= 0xFFFFFF:
            raise _bad(index, "colour", "an RGB integer 0..16777215 (0xRRGGBB)")
        out["colour"] = colour
    fields = raw.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > MAX_FIELDS:
            raise _bad(index, "fields", f"a list of at most {MAX_FIELDS} fields")
        out["fields"] = [_field(index, i, f) for i, f in enumerate(fields)]
    if not out.keys() - {"colour"}:
        raise _bad(index, "", "an embed needs a title, description, url, image or fields")
    total = sum(len(out.get(k, "")) for k in TEXT_LIMITS) + sum(
        len(f["name"]) + len(f["value"]) for f in out.get("fields", [])
    )
    if total > MAX_TOTAL_TEXT:
        raise _bad(index, "", f"at most {MAX_TOTAL_TEXT} characters of text per embed")
    return out


def _field(index: int, i: int, raw: Any) -> dict[str, Any]:
    where = f"fields[{i}]"
    if not isinstance(raw, dict) or set(raw) - {"name", "value", "inline"}:
        raise _bad(index, where, "a field is {name, value, inline?}")
    inline = raw.get("inline", False)
    if not isinstance(inline, bool):
        raise _bad(index, f"{where}.inline", "true or false")
    return {
        "name": _text(index, f"{where}.name", raw.get("name"), FIELD_LIMITS["name"]),
        "value": _text(index, f"{where}.value", raw.get("value"), FIELD_LIMITS["value"]),
        "inline": inline,
    }


async def append(
    core: Core, ctx: Ctx, message_id: int, raw: list[Any], *, nonce: str | None = None
) -> dict[str, Any]:
    """Append embeds to a message; the message as it now is. A retry with the same `nonce`
    appends nothing again and emits no second event."""
    if nonce is not None and not 1 <= len(nonce) <= 64:
        raise ValidationError("nonce must be 1–64 characters", code="invalid_nonce")
    if not raw:
        raise ValidationError("embeds must not be empty", code="embeds_empty")
    if len(raw) > MAX_PER_MESSAGE:
        raise ValidationError(
            f"at most {MAX_PER_MESSAGE} embeds per message",
            code="too_many_embeds",
            details={"limit": MAX_PER_MESSAGE},
        )
    items = [clean_embed(i, e) for i, e in enumerate(raw)]

    def job(tx: Tx) -> dict[str, Any]:
        row, role = _message_for(tx.conn, ctx, message_id)
        is_author = row["author_id"] == ctx.user_id
        if not is_author and not (ctx.user.bot and role.member):
            raise Forbidden(
                "only the author or a bot in the room can add embeds", code="cannot_add_embeds"
            )
        if row["deleted"]:
            raise Conflict("a deleted message cannot get embeds", code="message_deleted")
        if nonce is not None and store.nonce_used(tx.conn, message_id, ctx.user_id, nonce):
            done = store_messages.get_message(tx.conn, message_id, ctx.user_id)
            assert done is not None
            return done
        existing = store.count_for(tx.conn, message_id)
        if existing + len(items) > MAX_PER_MESSAGE:
            raise ValidationError(
                f"a message has at most {MAX_PER_MESSAGE} embeds; it has {existing}",
                code="too_many_embeds",
                details={"limit": MAX_PER_MESSAGE, "existing": existing},
            )
        store.append_txn(
            tx.conn,
            message_id,
            items,
            first_position=existing,
            created_by=ctx.user_id,
            now_ms=tx.now_ms,
            nonce=nonce,
        )
        tx.emit(
            room_event(
                "message.appended",
                row["room_id"],
                ctx.user.snapshot(),
                # `position`: the index of the first of them in the message's embeds,
                # so a client places them exactly (two identical appends stay two).
                {"message_id": message_id, "embeds": items, "position": existing},
            )
        )
        message = store_messages.get_message(tx.conn, message_id, ctx.user_id)
        assert message is not None
        return message

    return await core.log.run(job)
