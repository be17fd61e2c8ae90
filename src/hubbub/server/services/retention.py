"""Pruning the event log to the configured retention."""

from __future__ import annotations

from hubbub.server.services.core import Core
from hubbub.server.store import eventlog
from hubbub.server.store.log import Tx


async def prune(core: Core) -> int:
    days = core.settings.retention_days
    if days <= 0:
        return 0
    cutoff = core.clock.now_ms() - int(days * 86_400_000)

    def job(tx: Tx) -> int:
        return eventlog.prune_txn(tx.conn, cutoff)

    return await core.log.run(job)
