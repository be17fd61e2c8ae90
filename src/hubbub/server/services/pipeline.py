"""The moderation pipeline (EVENTS.md summary 8): the ordered checks every message passes,
whatever sent it (REST, gateway commands, webhooks, imports), inside the send's
transaction, before anything is written:

1. profanity filter (services.profanity): listed words masked, `censored`, the original
   kept for moderators;
2. shadowban (services.shadowbans): stored `shadowbanned`, delivered only to its author
   and the moderators;
3. room state (services.room_state): closed rooms (services.rooms.may_post), the freeze
   and slow mode refuse non-moderators;
4. pre-moderation (`moderation: pre`): `pending`, queued for the moderators
   (services.moderation_queue);
5. broadcast delay (`delay_message_seconds`): held until `release_at` (services.held).

Who receives what: services.message_audience.

Moderators (owners, moderators, manage bits, staff) pass steps 3–5 untouched; the
profanity filter and shadowbans apply to them too. Imports skip slow mode only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection

from hubbub.server.services import moderation_queue, profanity, room_state
from hubbub.server.services.access import RoomAccess
from hubbub.server.services.core import Ctx
from hubbub.server.services.message_audience import split_events
from hubbub.server.store import moderation as store
from hubbub.server.store.log import Tx
from hubbub.server.store.rooms import RoomRow


@dataclass(slots=True)
class Decision:
    """What the pipeline made of one message: the columns to store and who sees it."""

    columns: dict[str, Any]
    author_is_mod: bool
    queued: bool = False  # pre-moderation: a `moderation.queued` follows the insert
    mod_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def restricted(self) -> bool:
        """Only the author and the moderators see it (for now, or for good)."""
        c = self.columns
        return (
            bool(c["shadowbanned"]) or c["moderation_state"] == "pending" or bool(c["release_at"])
        )


# Word sets built from the lists as stored, keyed by their text: a message costs one small
# read, and the set is built again only when a list changed (on any node).
_SETS: dict[tuple[str, str], profanity.WordSet] = {}
_MAX_SETS = 512


def word_set(conn: Connection, room_id: int) -> profanity.WordSet:
    """The bundled, server-wide and room word lists of a room, as one set."""
    return _word_set(store.raw_lists(conn, room_id))


def _word_set(key: tuple[str, str]) -> profanity.WordSet:
    if key == ("", ""):
        return profanity.BUNDLED
    found = _SETS.get(key)
    if found is None:
        server, own = (orjson.loads(raw) if raw else [] for raw in key)
        found = profanity.WordSet.of(profanity.BUNDLED.words, server, own)
        if len(_SETS) >= _MAX_SETS:
            _SETS.clear()
        _SETS[key] = found
    return found


def filtered(
    conn: Connection,
    room: RoomRow,
    content: str,
    html: str,
    text: str,
    words: profanity.WordSet | None = None,
) -> profanity.Masked:
    """Step 1 alone (also for edits): the three renderings, masked if the room filters
    (with `words`, or the room's lists read now)."""
    if not room.profanity_filter:
        return profanity.Masked(content, html, text, False)
    return profanity.mask(content, html, text, words or word_set(conn, room.id))


def decide_txn(
    tx: Tx,
    ctx: Ctx,
    access: RoomAccess,
    content: str,
    content_html: str,
    content_text: str,
    *,
    imported: bool = False,
) -> Decision:
    """Run the pipeline for a message `ctx` is about to post with `access` to its room;
    raises the refusal (room_timed_out 403, slow_mode 429) before anything is written."""
    room = access.room
    mod = access.moderator
    now = tx.now_ms
    if not mod:
        room_state.check_post_txn(tx.conn, room, ctx.user_id, now, imported=imported)
    lists, shadowbanned = store.pipeline_facts(tx.conn, room.id, ctx.user_id, now)
    masked = filtered(tx.conn, room, content, content_html, content_text, _word_set(lists))
    pending = not mod and not shadowbanned and room.moderation == "pre"
    held = not mod and not shadowbanned and not pending and room.delay_message_seconds > 0
    columns = {
        "content": masked.content,
        "content_html": masked.content_html,
        "content_text": masked.content_text,
        "censored": masked.censored,
        "original_content": content if masked.censored else None,
        "shadowbanned": shadowbanned,
        "moderation_state": "pending" if pending else "na",
        "release_at": now + room.delay_message_seconds * 1000 if held else None,
    }
    extra: dict[str, Any] = {}
    if masked.censored:
        extra["original_content"] = content
    if shadowbanned:
        extra["shadowbanned"] = True
    return Decision(columns, author_is_mod=mod, queued=pending, mod_fields=extra)


def created_txn(
    tx: Tx, room: RoomRow, decision: Decision, message: dict[str, Any], actor: dict[str, Any]
) -> dict[str, Any]:
    """Log `message.created` for a message the pipeline decided on (and queue it for
    pre-moderation); returns the author's copy."""
    author_id = int(message["author"]["id"])
    mod_copy = {**message, **decision.mod_fields} if decision.mod_fields else None
    for ev in split_events(
        "message.created",
        room,
        actor,
        {"message": message},
        None if mod_copy is None else {"message": mod_copy},
        restricted=decision.restricted,
        author_id=author_id,
        author_is_mod=decision.author_is_mod,
    ):
        tx.emit(ev)
    if decision.queued:
        moderation_queue.enqueue_txn(tx, room, mod_copy or message, "pre_moderation", 0)
    return mod_copy if (mod_copy is not None and decision.author_is_mod) else message
