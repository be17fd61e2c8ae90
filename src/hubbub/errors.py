"""One exception tree for server and SDK.

    HubbubError (code, status, close_code)
    ├── BadRequest            400  malformed JSON, wrong types, missing fields
    │   ├── ValidationError   422  well-formed input that breaks a rule (too long, bad value)
    │   └── InvalidCursor     400
    ├── Unauthorized          401  missing / invalid token, wrong password
    ├── Forbidden             403
    ├── NotFound              404
    ├── Conflict              409  e.g. username taken
    ├── PayloadTooLarge       413
    ├── UnsupportedMediaType  415  an upload whose content type is refused
    ├── CursorExpired         410  cursor older than retention: re-sync from state
    ├── RateLimited           429  carries retry_after (seconds)
    └── ServiceUnavailable    503

The transport maps an error to its HTTP status or gateway close code from these
class attributes in one place; services only raise.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "BadRequest",
    "Conflict",
    "CursorExpired",
    "Forbidden",
    "HubbubError",
    "InvalidCursor",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServiceUnavailable",
    "Unauthorized",
    "UnsupportedMediaType",
    "ValidationError",
    "bounded_text",
    "error_from_wire",
    "reject_nul",
]


class HubbubError(Exception):
    status: ClassVar[int] = 500
    close_code: ClassVar[int] = 1011
    default_code: ClassVar[str] = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class BadRequest(HubbubError):
    status = 400
    close_code = 4400
    default_code = "bad_request"


class ValidationError(BadRequest):
    status = 422
    default_code = "validation_failed"


class InvalidCursor(BadRequest):
    default_code = "invalid_cursor"


class Unauthorized(HubbubError):
    status = 401
    close_code = 4001
    default_code = "unauthorized"


class Forbidden(HubbubError):
    status = 403
    close_code = 4003
    default_code = "forbidden"


class NotFound(HubbubError):
    status = 404
    close_code = 4404
    default_code = "not_found"


class Conflict(HubbubError):
    status = 409
    close_code = 4409
    default_code = "conflict"


class PayloadTooLarge(HubbubError):
    status = 413
    close_code = 1009
    default_code = "payload_too_large"


class UnsupportedMediaType(HubbubError):
    status = 415
    close_code = 4415
    default_code = "unsupported_media_type"


class CursorExpired(HubbubError):
    status = 410
    close_code = 4009
    default_code = "cursor_expired"


class RateLimited(HubbubError):
    status = 429
    close_code = 4008
    default_code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            message, code=code, details={**(details or {}), "retry_after": retry_after}
        )
        self.retry_after = retry_after


class ServiceUnavailable(HubbubError):
    status = 503
    close_code = 1013
    default_code = "unavailable"


_BY_STATUS: dict[int, type[HubbubError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: CursorExpired,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationError,
    503: ServiceUnavailable,
}


def reject_nul(value: str, field: str) -> str:
    """Refuse U+0000 in text: PostgreSQL cannot store it (SQLite would), so it is refused
    everywhere alike, in the service layer, whichever transport the text came through."""
    if "\x00" in value:
        raise ValidationError(f"{field} must not contain NUL characters", code="nul_character")
    return value


def bounded_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """A stripped string field of at most `limit` characters: `invalid_<field>` when it is
    not a string (or empty while `required`), `<field>_too_long` past the limit, and no NUL."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string", code=f"invalid_{field}")
    text = reject_nul(value, field).strip()
    if required and not text:
        raise ValidationError(f"{field} must not be empty", code=f"invalid_{field}")
    if len(text) > limit:
        raise ValidationError(
            f"{field} must be at most {limit} characters",
            code=f"{field}_too_long",
            details={"max": limit},
        )
    return text


def error_from_wire(
    status: int, body: dict[str, Any] | None, retry_after: float | None = None
) -> HubbubError:
    """Rebuild the typed error from an HTTP status and `{"error": {...}}` body (SDK side)."""
    err = (body or {}).get("error") or {}
    code = err.get("code")
    message = err.get("message") or f"HTTP {status}"
    details = err.get("details") or {}
    if status == 429:
        ra = retry_after if retry_after is not None else float(details.get("retry_after", 1.0))
        return RateLimited(message, retry_after=ra, code=code, details=details)
    if code == "invalid_cursor":
        return InvalidCursor(message, code=code, details=details)
    cls = _BY_STATUS.get(status, HubbubError)
    return cls(message, code=code, details=details)
