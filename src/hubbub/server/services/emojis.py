"""Custom emojis of a space (EM-01, EM-02, D.34): upload, list, delete, and their use by
id in reactions and in message content (`<:name:id>`).

The image type is sniffed from the bytes, never taken from the client's content type: the
image is served without authentication (rendered HTML embeds it), so only the four image
formats browsers display inertly are kept. Deleting an emoji hides it everywhere at once:
the image answers 404, reactions and new messages refuse its id, and messages rendered
from now on show the source text instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hubbub.errors import Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationError
from hubbub.server.events import Audience, LogEvent
from hubbub.server.permissions import Perm
from hubbub.server.services import audit
from hubbub.server.services.access import SpaceAccess, space_access
from hubbub.server.services.attachments import storage_of
from hubbub.server.services.core import Core, Ctx
from hubbub.server.storage import new_key
from hubbub.server.store import emojis as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow

MAX_BYTES = 256 * 1024
MAX_PER_SPACE = 100
NAME = re.compile(r"[a-z0-9_]{2,32}")
# The id as a reaction key: a decimal number (no Unicode emoji is made of digits alone).
ID_KEY = re.compile(r"[1-9][0-9]{0,18}")
# `<:name:id>` as it appears in rendered HTML, where the parser escaped the brackets.
_IN_HTML = re.compile(r"&lt;:([a-z0-9_]{2,32}):([1-9][0-9]{0,18})&gt;")
# Code is shown literally: no emoji inside `<pre>` or `<code>`.
_CODE = re.compile(r"(<pre>.*?</pre>|<code[^>]*>.*?</code>)", re.DOTALL)


# -- images ---------------------------------------------------------------------------


def sniff(data: bytes) -> tuple[str, bool]:
    """(content type, animated) from the bytes; UnsupportedMediaType otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        idat = data.find(b"IDAT")
        return "image/png", b"acTL" in data[: idat if idat > 0 else len(data)]
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", _gif_frames(data) > 1
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        # VP8X header: flag 0x02 marks an animation (ANIM/ANMF chunks follow).
        animated = data[12:16] == b"VP8X" and bool(data[20:21] and data[20] & 0x02)
        return "image/webp", animated
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", False
    raise UnsupportedMediaType(
        "an emoji must be a PNG, GIF, WebP or JPEG image", code="unsupported_emoji_type"
    )


def _gif_frames(data: bytes, stop: int = 2) -> int:
    """Image descriptors in a GIF, counted up to `stop`; a truncated file counts what
    was read (best effort: a damaged GIF is at worst not marked animated)."""
    frames, pos = 0, 13
    if len(data) > 10 and data[10] & 0x80:  # global colour table
        pos += 3 * (2 ** ((data[10] & 0x07) + 1))
    while pos < len(data) and frames < stop:
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor, optional local table, LZW size, data
            frames += 1
            if pos + 10 > len(data):
                break
            flags = data[pos + 9]
            pos += 10
            if flags & 0x80:
                pos += 3 * (2 ** ((flags & 0x07) + 1))
            pos = _skip_sub_blocks(data, pos + 1)
        else:
            break
    return frames


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] != 0:
        pos += data[pos] + 1
    return pos + 1


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ValidationError(
            "an emoji name is 2–32 characters: a–z, 0–9 and _",
            code="invalid_emoji_name",
            details={"name": name[:40]},
        )
    return name


def check_image(data: bytes) -> tuple[str, bool]:
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(
            f"an emoji image is at most {MAX_BYTES} bytes",
            code="emoji_too_large",
            details={"limit": MAX_BYTES, "size": len(data)},
        )
    if not data:
        raise ValidationError("the file is empty", code="file_empty")
    return sniff(data)


# -- use cases ------------------------------------------------------------------------


def _managed_txn(conn: Connection, ctx: Ctx, space_id: int) -> SpaceAccess:
    access = space_access(conn, ctx.user, space_id)
    access.require(Perm.MANAGE_EMOJIS)
    return access


def _not_found(emoji_id: int) -> NotFound:
    return NotFound(f"emoji {emoji_id} not found", code="emoji_not_found")


async def create(core: Core, ctx: Ctx, space_id: int, name: str, data: bytes) -> dict[str, Any]:
    """Upload an emoji; needs manage_emojis in the space. Bytes are stored first and
    removed again if the transaction refuses the emoji, so nothing is half-written."""
    check_name(name)
    content_type, animated = check_image(data)
    await core.db.read(lambda c: _managed_txn(c, ctx, space_id))  # before storing bytes
    await core.rate_limiter.take(("emoji", ctx.user_id), "uploads")
    storage = storage_of(core)
    key = new_key()
    await asyncio.to_thread(storage.put, key, io.BytesIO(data))

    def job(tx: Tx) -> dict[str, Any]:
        _managed_txn(tx.conn, ctx, space_id)
        if store.count_in_space(tx.conn, space_id) >= MAX_PER_SPACE:
            raise Conflict(
                f"a space has at most {MAX_PER_SPACE} emojis",
                code="too_many_emojis",
                details={"limit": MAX_PER_SPACE},
            )
        if store.name_taken(tx.conn, space_id, name):
            raise Conflict(f"the space already has an emoji :{name}:", code="emoji_name_taken")
        row = store.insert_txn(
            tx.conn,
            space_id=space_id,
            name=name,
            creator_id=ctx.user_id,
            animated=animated,
            content_type=content_type,
            storage_key=key,
            created_at=tx.now_ms,
        )
        emoji = store.emoji_wire(row)
        tx.emit(
            LogEvent(
                type="emoji.created",
                audience=Audience.SPACE,
                space_id=space_id,
                actor=ctx.user.snapshot(),
                data={"emoji": emoji},
            )
        )
        audit.record_txn(
            tx,
            action="emoji.created",
            actor=ctx.user.snapshot(),
            space_id=space_id,
            target_type="emoji",
            target_id=emoji["id"],
            after=emoji,
        )
        return emoji

    try:
        return await core.log.run(job)
    except BaseException:
        await asyncio.to_thread(storage.delete, key)
        raise


async def delete(core: Core, ctx: Ctx, emoji_id: int) -> None:
    def job(tx: Tx) -> str:
        row = store.get_row(tx.conn, emoji_id)
        if row is None:
            raise _not_found(emoji_id)
        try:
            _managed_txn(tx.conn, ctx, row["space_id"])
        except NotFound:
            raise _not_found(emoji_id) from None
        store.soft_delete_txn(tx.conn, emoji_id, tx.now_ms)
        tx.emit(
            LogEvent(
                type="emoji.deleted",
                audience=Audience.SPACE,
                space_id=row["space_id"],
                actor=ctx.user.snapshot(),
                data={"space_id": row["space_id"], "emoji_id": emoji_id},
            )
        )
        audit.record_txn(
            tx,
            action="emoji.deleted",
            actor=ctx.user.snapshot(),
            space_id=row["space_id"],
            target_type="emoji",
            target_id=emoji_id,
            before=store.emoji_wire(row),
        )
        return str(row["storage_key"])

    key = await core.log.run(job)
    # After the commit: the image is already unreachable, so losing these bytes is safe.
    with contextlib.suppress(OSError):
        await asyncio.to_thread(storage_of(core).delete, key)


async def list_space(core: Core, ctx: Ctx, space_id: int) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        access = space_access(conn, ctx.user, space_id)
        if not ctx.user.is_moderator:
            access.require_member()
        return store.list_in_space(conn, space_id)

    return await core.db.read(read)


async def get(core: Core, ctx: Ctx, emoji_id: int) -> dict[str, Any]:
    """Any signed-in user may look an emoji up: messages anywhere may show it."""

    def read(conn: Connection) -> dict[str, Any]:
        row = store.get_row(conn, emoji_id)
        if row is None:
            raise _not_found(emoji_id)
        return store.emoji_wire(row)

    return await core.db.read(read)


@dataclass(frozen=True, slots=True)
class Image:
    content_type: str
    data: bytes


async def image(core: Core, emoji_id: int) -> Image:
    """The image bytes, for anyone (no caller: see the module docstring)."""
    row = await core.db.read(lambda c: store.get_row(c, emoji_id))
    if row is None:
        raise _not_found(emoji_id)

    def load() -> bytes:
        with storage_of(core).open(row["storage_key"]) as f:
            return f.read(MAX_BYTES + 1)

    try:
        data = await asyncio.to_thread(load)
    except FileNotFoundError:
        raise _not_found(emoji_id) from None
    return Image(str(row["content_type"]), data)


# -- use by id ------------------------------------------------------------------------


def is_custom_key(raw: str) -> bool:
    return ID_KEY.fullmatch(raw) is not None


def check_usable_txn(conn: Connection, user_id: int, room: RoomRow, emoji_id: int) -> None:
    """A reaction's custom emoji (D.34): a live emoji of the room's space, or, in a
    standalone room, of any space the user belongs to; ValidationError otherwise."""
    if room.space_id is not None:
        row = store.get_row(conn, emoji_id)
        usable = row is not None and row["space_id"] == room.space_id
    else:
        usable = store.usable_by(conn, emoji_id, user_id) is not None
    if not usable:
        raise ValidationError(
            f"{emoji_id} is not a custom emoji you can use here",
            code="invalid_emoji",
            details={"emoji": str(emoji_id)},
        )


def render_txn(conn: Connection, html: str) -> str:
    """`html` with each `<:name:id>` of a live emoji shown as its image. Every attribute
    is the server's: the id and name come from the emoji row, never from the text."""
    if "&lt;:" not in html:
        return html
    parts = _CODE.split(html)
    wanted = {int(m.group(2)) for part in parts[::2] for m in _IN_HTML.finditer(part)}
    names = store.live_names(conn, wanted)
    if not names:
        return html

    def img(match: re.Match[str]) -> str:
        emoji_id = int(match.group(2))
        name = names.get(emoji_id)
        if name is None:
            return match.group(0)
        return f'<img class="emoji" alt=":{name}:" src="{store.url_of(emoji_id)}">'

    # Odd parts are the code spans and blocks the split kept: left as they are.
    return "".join(p if i % 2 else _IN_HTML.sub(img, p) for i, p in enumerate(parts))
