"""The one method every REST mixin builds on; `HTTPClient.request` implements it.

`idempotent=True` marks a call the server applies at most once however often it is sent
(a send carrying a nonce): such a call is retried after a network error or a 5xx."""

from __future__ import annotations

from typing import Any


class Requester:
    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        files: Any = None,
        data: Any = None,
        idempotent: bool = False,
    ) -> Any:
        raise NotImplementedError
