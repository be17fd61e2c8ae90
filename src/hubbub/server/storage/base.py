"""The storage interface (one Protocol: a second backend, e.g. S3, plugs in here)."""

from __future__ import annotations

import re
import secrets
from typing import BinaryIO, Protocol

KEY = re.compile(r"^[0-9a-f]{32}$")


def new_key() -> str:
    """A fresh random key (128 bits): unguessable, and safe as a file name."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, source: BinaryIO) -> int:
        """Store everything readable from `source` under `key`; the number of bytes."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary file object for reading the bytes under `key` (FileNotFoundError if
        there are none); the caller closes it."""
        ...

    def delete(self, key: str) -> None:
        """Forget `key`; deleting a missing key is not an error."""
        ...
