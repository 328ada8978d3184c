"""Logging set-up: one JSON (or text) line per record, with secrets redacted at the source.

Redaction is installed as a log-record factory, so every record is scrubbed when it is created,
whichever handler (ours, gunicorn's, pytest's `caplog`) later sees it. It removes anything shaped
like a JWT, `auth_token`/`token` query parameters, and the values of `X-Addon-Token`,
`X-Addon-Lifecycle-Token`, `Clockify-Signature` and `Authorization` headers (the
sentry-python scrubber's deny-list idea). The formatters run the same scrub over their final
line as a second guard.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from addon.settings import LogFormat, Settings

__all__ = ["REDACTED", "configure_logging", "install_redaction", "redact"]

REDACTED = "[redacted]"

_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_QUERY_SECRET = re.compile(r"(?i)((?:auth_token|token|access_token|password)=)[^&\s\"']+")
_HEADER_SECRET = re.compile(
    r"(?i)((?:x-addon-token|x-addon-lifecycle-token|clockify-signature|authorization)"
    r"[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+)?[^\s\"',}]+"
)
_FERNET = re.compile(r"\bgAAAAA[A-Za-z0-9_-]{40,}={0,2}")

_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime"}


def redact(text: str) -> str:
    """Return `text` with every secret-shaped substring replaced by `[redacted]`."""
    text = _JWT.sub(REDACTED, text)
    text = _FERNET.sub(REDACTED, text)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    return _HEADER_SECRET.sub(lambda m: m.group(1) + REDACTED, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _scrub_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRS:
            setattr(record, key, _scrub(value))


_installed_factory: Callable[..., logging.LogRecord] | None = None


def install_redaction() -> None:
    """Wrap the process-wide log-record factory so that every record is redacted (idempotent)."""
    global _installed_factory
    current = logging.getLogRecordFactory()
    if current is _installed_factory:
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        _scrub_record(record)
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(settings: Settings) -> None:
    """Install redaction and one stderr handler on the root logger; called by `create_app`."""
    install_redaction()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_addon_handler", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._addon_handler = True  # type: ignore[attr-defined]  # marks our own handler for re-configuration
    handler.setFormatter(
        JsonFormatter() if settings.log_format is LogFormat.JSON else TextFormatter()
    )
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # APScheduler logs every run of the tick at INFO ("Running job ...", "... executed
    # successfully"): two lines per tick and process that tell a person nothing; the tick logs
    # what it did itself (`addon.delivery.scheduler.run_once`). DEBUG still shows them.
    quiet = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    logging.getLogger("apscheduler").setLevel(quiet)
