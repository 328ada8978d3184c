"""Logging set-up: one JSON (or text) line per record, with secrets redacted at the source.

Redaction is installed as a log-record factory, so every record is scrubbed when it is created,
whichever handler (ours, gunicorn's, pytest's `caplog`) later sees it. It removes anything shaped
like a JWT, `auth_token`/`token` query parameters, and the values of `X-Addon-Token`,
`X-Addon-Lifecycle-Token`, `Clockify-Signature` and `Authorization` headers (the
sentry-python scrubber's deny-list idea). The formatters run the same scrub over their final
line as a second guard.

`log_context(workspace_id=..., run_id=...)` names what a stretch of code works on; the same
factory copies it onto every record made inside (a `contextvars` value, so each thread and each
request has its own), and both formatters print it. So a line deep in the Clockify client still
says whose report it was, without every call passing ids down. Only ids belong there, never
report data or a secret (and the redaction runs over them too).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from addon.settings import LogFormat, Settings

__all__ = [
    "REDACTED",
    "bind_log_context",
    "configure_logging",
    "install_redaction",
    "log_context",
    "redact",
    "reset_log_context",
]

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

ContextValue = str | int
_CONTEXT_ATTR = "log_context"  # one record attribute: `extra=` may still name the same ids
_context: ContextVar[dict[str, ContextValue]] = ContextVar("addon_log_context")


@contextmanager
def log_context(**fields: ContextValue | None) -> Iterator[None]:
    """Add `fields` (ids only) to every log record made inside the block; None is left out.

    Nested blocks add to the outer one and restore it on exit. Threads do not inherit it: a
    job run in a pool thread opens its own block.
    """
    token = bind_log_context(**fields)
    try:
        yield
    finally:
        reset_log_context(token)


def bind_log_context(**fields: ContextValue | None) -> Token[dict[str, ContextValue]]:
    """Add `fields` until `reset_log_context(token)`: for hooks that open and close apart,
    such as a web request's `before_request` and `teardown_request`."""
    added = {key: value for key, value in fields.items() if value is not None}
    return _context.set({**_context.get({}), **added})


def reset_log_context(token: Token[dict[str, ContextValue]]) -> None:
    _context.reset(token)


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
        setattr(record, _CONTEXT_ATTR, dict(_context.get({})))
        _scrub_record(record)
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)


def _context_of(record: logging.LogRecord) -> dict[str, Any]:
    value = getattr(record, _CONTEXT_ATTR, None)
    return value if isinstance(value, dict) else {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context fields, exception.

    The log context comes first and the record's own `extra=` fields after, so a line that
    names an id explicitly keeps its own value.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context_of(record),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key != _CONTEXT_ATTR and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [key=value ...]`: the log context as a compact suffix."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = _context_of(record)
        if context:
            suffix = " ".join(f"{key}={value}" for key, value in context.items())
            head, newline, rest = line.partition("\n")  # after the message, before a traceback
            line = f"{head} [{suffix}]{newline}{rest}"
        return redact(line)


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
    logging.getLogger("pikepdf").setLevel(quiet)  # "C++ to Python logger bridge initialized"
