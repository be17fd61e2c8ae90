"""The one method every REST mixin builds on; `HTTPClient.request` implements it."""

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
    ) -> Any:
        raise NotImplementedError
