"""Attachments: upload to a room, download by its readers, attach to a message, collect
uploads nobody attached.

An upload is checked three ways before its bytes are kept: size (`max_upload_bytes`),
declared content type (the `upload_content_types` allow-list; HTML, SVG and scripts are
never accepted, whatever the list says, because a browser would run them on our origin),
and the first bytes: an image must really be the image type it claims and native
executables are refused whatever they claim. Downloads add `nosniff` and send everything
but verified images as `attachment`, so nothing uploaded renders as a page.

Until a message carries it, an upload is visible to its uploader only (ids are sequential
and must not let a room's readers browse other people's unsent files); after that, to
everyone who can read the message's room, unless the message was deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote

from sqlalchemy import Connection

from hubbub.errors import (
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationError,
)
from hubbub.server.permissions import Perm
from hubbub.server.services.core import Core, Ctx
from hubbub.server.services.rooms import room_role, visible_room
from hubbub.server.storage import LocalStorage, Storage, new_key
from hubbub.server.store import attachments as store
from hubbub.server.store import messages as store_messages
from hubbub.server.store.log import Tx

MAX_NONCE = 64
MAX_FILENAME = 255
MAX_PER_MESSAGE = 10
GC_AGE_S = 24 * 3600
GC_BATCH = 500
_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$")
# Rendered or run by browsers: never stored, whatever the allow-list says.
NEVER = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-msdownload",
        "application/x-executable",
        "application/x-dosexec",
    }
)
# The only types served inline, each verified by its magic bytes at upload.
IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),  # and b"WEBP" at offset 8, checked below
}
INLINE = frozenset(IMAGE_MAGIC)
# PE (Windows), ELF, Mach-O (both byte orders, 32/64-bit, universal).
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)


def storage_of(core: Core) -> Storage:
    """The configured storage, made on first use (an app that never stores a file never
    creates the directory). Tests or deployments may put another `Storage` in extras."""
    storage: Storage | None = core.extras.get("storage")
    if storage is None:
        storage = LocalStorage(core.settings.storage_dir)
        core.extras["storage"] = storage
    return storage


def clean_filename(raw: str | None) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if name in ("", ".", ".."):
        name = "file"
    if len(name) > MAX_FILENAME:
        _stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 16 else ""
        name = name[: MAX_FILENAME - len(keep) - 1] + "." + keep if keep else name[:MAX_FILENAME]
    return name


def _allowed(settings_value: str, content_type: str) -> bool:
    family = content_type.split("/", 1)[0] + "/*"
    allowed = {t.strip().lower() for t in settings_value.split(",") if t.strip()}
    return content_type in allowed or family in allowed


def check_content_type(core: Core, declared: str | None, filename: str, head: bytes) -> str:
    """The normalised content type to store; UnsupportedMediaType if it is refused."""
    content_type = (declared or "").split(";", 1)[0].strip().lower()
    if not content_type:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not _TYPE.match(content_type):
        raise ValidationError(
            f"{content_type!r} is not a content type", code="invalid_content_type"
        )
    if content_type in NEVER or not _allowed(core.settings.upload_content_types, content_type):
        raise UnsupportedMediaType(
            f"{content_type} files are not accepted here",
            code="content_type_not_allowed",
            details={"content_type": content_type},
        )
    if head.startswith(EXECUTABLE_MAGIC):
        raise UnsupportedMediaType(
            "executable files are not accepted",
            code="content_type_not_allowed",
            details={"content_type": content_type, "detected": "executable"},
        )
    magic = IMAGE_MAGIC.get(content_type)
    if magic is not None and not (
        head.startswith(magic) and (content_type != "image/webp" or head[8:12] == b"WEBP")
    ):
        raise UnsupportedMediaType(
            f"the file is not a {content_type} image",
            code="content_type_mismatch",
            details={"content_type": content_type},
        )
    return content_type


def _size_of(source: BinaryIO) -> int:
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    return size


async def upload(
    core: Core,
    ctx: Ctx,
    room_id: int,
    source: BinaryIO,
    *,
    filename: str | None,
    content_type: str | None,
    nonce: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """(attachment, created). A nonce this user already used returns the first upload."""
    if nonce is not None and (not 1 <= len(nonce) <= MAX_NONCE or "\x00" in nonce):
        raise ValidationError(
            f"nonce must be 1–{MAX_NONCE} characters, without NUL", code="invalid_nonce"
        )
    if nonce is not None:
        existing = await core.db.read(lambda c: store.find_by_nonce(c, ctx.user_id, nonce))
        if existing is not None:
            return store.attachment_wire(existing), False
    size = _size_of(source)
    limit = core.settings.max_upload_bytes
    if size > limit:
        raise PayloadTooLarge(
            f"the file is {size} bytes; the limit is {limit}",
            code="file_too_large",
            details={"limit": limit, "size": size},
        )
    if size == 0:
        raise ValidationError("the file is empty", code="file_empty")
    name = clean_filename(filename)
    head = source.read(64)
    source.seek(0)
    stored_type = check_content_type(core, content_type, name, head)

    def member(conn: Connection) -> None:
        access = room_role(conn, ctx, room_id)
        access.require_member()
        access.require(Perm.ATTACH)

    await core.db.read(member)  # before writing any bytes
    await core.rate_limiter.take(("upload", ctx.user_id), "uploads")
    storage = storage_of(core)
    key = new_key()
    await asyncio.to_thread(storage.put, key, source)

    def job(tx: Tx) -> tuple[dict[str, Any], bool]:
        member(tx.conn)
        if nonce is not None:
            again = store.find_by_nonce(tx.conn, ctx.user_id, nonce)
            if again is not None:
                return store.attachment_wire(again), False
        row = store.insert_txn(
            tx.conn,
            room_id=room_id,
            uploader_id=ctx.user_id,
            message_id=None,
            filename=name,
            content_type=stored_type,
            size=size,
            storage_key=key,
            nonce=nonce,
            created_at=tx.now_ms,
        )
        return store.attachment_wire(row), True

    try:
        result = await core.log.run(job)
    except BaseException:
        await asyncio.to_thread(storage.delete, key)
        raise
    if not result[1]:  # a concurrent retry won: its bytes are the ones kept
        await asyncio.to_thread(storage.delete, key)
    return result


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    content_type: str
    size: int
    file: BinaryIO

    @property
    def disposition(self) -> str:
        return content_disposition(self.content_type, self.filename)


def content_disposition(content_type: str, filename: str) -> str:
    """`inline` only for verified images; the name as RFC 6266/5987 want it: an ASCII
    fallback for old clients and the exact UTF-8 name in `filename*`."""
    kind = "inline" if content_type in INLINE else "attachment"
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def download(core: Core, ctx: Ctx, attachment_id: int) -> Download:
    def read(conn: Connection) -> Any:
        gone = NotFound(f"attachment {attachment_id} not found", code="attachment_not_found")
        row = store.get_row(conn, attachment_id)
        if row is None:
            raise gone
        if row["message_id"] is None:
            if row["uploader_id"] != ctx.user_id:
                raise gone
        elif store.message_deleted(conn, row["message_id"]):
            raise gone
        try:
            visible_room(conn, ctx, row["room_id"])
        except NotFound:
            raise gone from None
        return row

    row = await core.db.read(read)
    try:
        file = await asyncio.to_thread(storage_of(core).open, row["storage_key"])
    except FileNotFoundError:
        raise NotFound(
            f"attachment {attachment_id} not found", code="attachment_not_found"
        ) from None
    return Download(row["filename"], row["content_type"], row["size"], file)


def attach_txn(
    conn: Connection, message_id: int, attachment_ids: Sequence[int], author_id: int
) -> list[dict[str, Any]]:
    """Inside the send job: give the new message `message_id` the uploads `attachment_ids`
    and return its `attachments[]` (set it on the message before emitting the event).

    Each upload must be the author's own, in the message's room and not yet attached;
    otherwise ValidationError `invalid_attachments` names the offending ids and the
    job (so the message too) is rolled back."""
    ids = list(dict.fromkeys(attachment_ids))
    if not ids:
        return []
    if len(ids) > MAX_PER_MESSAGE:
        raise ValidationError(
            f"at most {MAX_PER_MESSAGE} attachments per message",
            code="too_many_attachments",
            details={"limit": MAX_PER_MESSAGE},
        )
    message = store_messages.get_message_row(conn, message_id)
    room_id = None if message is None else message["room_id"]
    found = {r["id"]: r for r in store.rows(conn, ids)}
    bad = [
        i
        for i in ids
        if i not in found
        or found[i]["uploader_id"] != author_id
        or found[i]["message_id"] is not None
        or found[i]["room_id"] != room_id
    ]
    if bad:
        raise ValidationError(
            "attachments must be your own unsent uploads to this room",
            code="invalid_attachments",
            details={"attachment_ids": bad},
        )
    store.set_message_txn(conn, ids, message_id)
    return [store.attachment_wire(found[i]) for i in ids]


async def collect_garbage(core: Core, *, older_than_s: float = GC_AGE_S) -> int:
    """Delete uploads no message carried within `older_than_s`; how many. The rows go in
    one job per batch, then their bytes (a crash in between leaves only unreferenced bytes)."""
    total = 0
    storage = storage_of(core)
    while True:
        cutoff = core.clock.now_ms() - int(older_than_s * 1000)

        def job(tx: Tx, cutoff: int = cutoff) -> list[str]:
            rows = store.unattached_before(tx.conn, cutoff, GC_BATCH)
            store.delete_unattached_txn(tx.conn, [r["id"] for r in rows])
            return [str(r["storage_key"]) for r in rows]

        keys = await core.log.run(job)
        for key in keys:
            with contextlib.suppress(OSError):
                await asyncio.to_thread(storage.delete, key)
        total += len(keys)
        if len(keys) < GC_BATCH:
            return total
