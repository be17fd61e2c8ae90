"""Structured logging: one JSON object per line (`json`) or aligned key=value (`text`).

Secrets never reach a log line: records are formatted from their message and explicit
`extra` fields only, and bearer tokens that slip into a message are masked.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import orjson

_TOKEN = re.compile(r"hbb_[A-Za-z0-9_-]{8,}")
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = {
        "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": _TOKEN.sub("hbb_***", record.getMessage()),
    }
    for key, value in vars(record).items():
        if key not in _STANDARD and not key.startswith("_"):
            fields[key] = value
    if record.exc_info:
        fields["exc"] = logging.Formatter().formatException(record.exc_info)
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return orjson.dumps(_fields(record), default=str).decode()


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        ts, level, logger = fields.pop("ts"), fields.pop("level"), fields.pop("logger")
        head = f"{ts} {level:<7} {logger}: {fields.pop('msg')}"
        exc = fields.pop("exc", None)
        tail = " ".join(f"{k}={v}" for k, v in fields.items())
        return "\n".join(part for part in (f"{head} {tail}".rstrip(), exc) if part)


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for hubbub and uvicorn (uvicorn's `log_config`)."""
    formatter = f"{__name__}.JsonFormatter" if fmt == "json" else f"{__name__}.TextFormatter"
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "hubbub",
        "stream": "ext://sys.stderr",
    }
    loggers = {
        name: {"handlers": ["default"], "level": level.upper(), "propagate": False}
        for name in ("hubbub", "uvicorn", "uvicorn.error", "uvicorn.access")
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"hubbub": {"()": formatter}},
        "handlers": {"default": handler},
        "loggers": loggers,
    }
