"""Where uploaded files' bytes live: a small interface and the local-directory default.

    Storage (Protocol)  put(key, source) / open(key) / delete(key)
    └── LocalStorage    one file per key under a directory (the `storage_dir` setting)

The database keeps what a file *is* (attachments table); a storage keeps only bytes under
an opaque key the server generated, so no user-supplied name ever reaches a path. The
methods are synchronous (file I/O); services call them through `asyncio.to_thread`.
"""

from __future__ import annotations

from hubbub.server.storage.base import Storage, new_key
from hubbub.server.storage.local import LocalStorage

__all__ = ["LocalStorage", "Storage", "new_key"]
