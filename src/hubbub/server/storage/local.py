"""Files in a local directory: `<dir>/<key[:2]>/<key>`, written atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from hubbub.server.storage.base import check_key

CHUNK = 1024 * 1024


class LocalStorage:
    """The default storage. The directory is created on first write, so a server that
    never receives an upload leaves no trace."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        # Two-character fan-out keeps directories small with many files.
        return self.directory / check_key(key)[:2] / key

    def put(self, key: str, source: BinaryIO) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename: a reader never sees half a file, and a
        # crash leaves only a stray temporary file, never a truncated attachment.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
                size = out.tell()
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return size

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()
