"""All configuration, read from `ADDON_*` environment variables in exactly one place.

`Settings` is frozen and typed; its defaults run the demo (a SQLite file, development mode).
`Settings.from_env(environ)` coerces every variable and fails at start-up with a
`ConfigurationError` naming the variable, the way warehouse's `maybe_set` does, so a typo never
surfaces later as a 500. Secrets are wrapped in `Secret`, whose `repr` and `str` are `***`.
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from addon.errors import ConfigurationError
from addon.secret import Secret
from addon.verify.keys import CLOCKIFY_PUBLIC_KEY_PEM, check_public_key, pem_blocks

__all__ = [
    "CLOCKIFY_PUBLIC_KEY_PEM",
    "Environment",
    "LogFormat",
    "MissedRuns",
    "Secret",
    "Settings",
    "SmtpSecurity",
]

T = TypeVar("T")

_ADDON_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected: none (loopback only), STARTTLS, or implicit TLS."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class MissedRuns(StrEnum):
    """What the scheduler does with periods missed while it was down: send each once, or skip."""

    SEND = "send"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob of the add-on; the README's settings table lists the same fields."""

    env: Environment = Environment.DEVELOPMENT
    public_url: str = "http://127.0.0.1:8080"
    addon_key: str = "reports-invoices"
    addon_name: str = "Reports & Invoices"
    database_url: str = "sqlite:///.local/addon.sqlite3"
    # Fernet keys, newest first: the first encrypts, all decrypt (rotation). Empty in
    # development means an ephemeral key; production refuses to start without one.
    encryption_keys: tuple[Secret, ...] = field(default=(), repr=False)
    clockify_public_keys: tuple[str, ...] = (CLOCKIFY_PUBLIC_KEY_PEM,)
    token_leeway_seconds: int = 60
    max_body_bytes: int = 1_048_576
    frame_ancestors: tuple[str, ...] = ("https://*.clockify.me",)
    proxy_hops: int = 0
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.JSON
    # Outbound permits per workspace, shared by every process (addon/store/permits.py):
    # 46/s without burst keeps any one-second window at or under 47 of Clockify's 50.
    clockify_rate: float = 46.0
    clockify_burst: int = 0
    clockify_timeout_seconds: float = 60.0
    # Outgoing mail. The defaults reach `make demo`'s loopback outbox; production needs TLS.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_username: str = ""
    smtp_password: Secret | None = field(default=None, repr=False)
    mail_from: str = "Reports & Invoices <reports@localhost>"
    # Scheduled sends: each scheduler process ticks every `scheduler_tick_seconds`; a claimed run
    # not finished within `delivery_lease_seconds` may be taken over by another process.
    scheduler_in_web: bool = False
    scheduler_tick_seconds: float = 15.0
    delivery_lease_seconds: int = 300
    missed_runs: MissedRuns = MissedRuns.SEND
    # Sidebar reports are jobs in the database, run by `python -m addon worker` processes and,
    # unless `web_jobs` is off, by threads of the web processes (at most `report_workers` at once
    # per process, `jobs_per_workspace` per workspace across all of them). A job whose process
    # stopped heartbeating for `job_lease_seconds` is taken over. An identical finished report
    # is served again for `report_cache_seconds`; jobs are forgotten after `report_keep_seconds`.
    web_jobs: bool = True
    report_workers: int = 4
    jobs_per_workspace: int = 2
    job_lease_seconds: float = 30.0
    report_cache_seconds: int = 300
    report_keep_seconds: int = 86_400
    # Prometheus metrics (addon/observe): GET /metrics answers only with this bearer token;
    # `metrics_dir` shares counters between processes, `metrics_bind` serves a process's own.
    metrics_token: Secret | None = field(default=None, repr=False)
    metrics_dir: str = ""
    metrics_bind: str = ""

    def __post_init__(self) -> None:
        _check_url("ADDON_PUBLIC_URL", self.public_url)
        if self.public_url.endswith("/"):
            raise ConfigurationError("ADDON_PUBLIC_URL must not end with '/'")
        if not _ADDON_KEY.match(self.addon_key):
            raise ConfigurationError(
                "ADDON_KEY must be 2-50 characters of lower-case letters, digits, '.', '_' or '-'"
            )
        if not 1 <= len(self.addon_name) <= 50:
            raise ConfigurationError("ADDON_NAME must be 1-50 characters")
        if not self.clockify_public_keys:
            raise ConfigurationError("ADDON_CLOCKIFY_PUBLIC_KEYS must hold at least one key")
        for pem in self.clockify_public_keys:
            check_public_key(pem)
        for key in self.encryption_keys:
            _check_fernet_key(key)
        if not 0 <= self.token_leeway_seconds <= 300:
            raise ConfigurationError("ADDON_TOKEN_LEEWAY_SECONDS must be between 0 and 300")
        if not 1024 <= self.max_body_bytes <= 64 * 1_048_576:
            raise ConfigurationError("ADDON_MAX_BODY_BYTES must be between 1024 and 67108864")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigurationError("ADDON_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        if not 0 < self.clockify_rate <= 50 or not 0 <= self.clockify_burst <= 10:
            raise ConfigurationError(
                "ADDON_CLOCKIFY_RATE must be in (0, 50] and ADDON_CLOCKIFY_BURST in [0, 10]"
            )
        if self.clockify_rate + self.clockify_burst + 1 > 50:
            raise ConfigurationError(
                "ADDON_CLOCKIFY_RATE + ADDON_CLOCKIFY_BURST + 1 must not exceed Clockify's "
                "50 requests per second (the busiest one-second window holds that many)"
            )
        if not 1 <= self.clockify_timeout_seconds <= 600:
            raise ConfigurationError("ADDON_CLOCKIFY_TIMEOUT_SECONDS must be between 1 and 600")
        if not self.smtp_host or not 1 <= self.smtp_port <= 65535:
            raise ConfigurationError("ADDON_SMTP_HOST must be set and ADDON_SMTP_PORT in 1-65535")
        if "@" not in self.mail_from or "\n" in self.mail_from or "\r" in self.mail_from:
            raise ConfigurationError("ADDON_MAIL_FROM must be one address, e.g. Reports <r@x.com>")
        if not 1 <= self.scheduler_tick_seconds <= 3600:
            raise ConfigurationError("ADDON_SCHEDULER_TICK_SECONDS must be between 1 and 3600")
        if not 30 <= self.delivery_lease_seconds <= 86_400:
            raise ConfigurationError("ADDON_DELIVERY_LEASE_SECONDS must be between 30 and 86400")
        if not 1 <= self.report_workers <= 64:
            raise ConfigurationError("ADDON_REPORT_WORKERS must be between 1 and 64")
        if not 1 <= self.jobs_per_workspace <= 16:
            raise ConfigurationError("ADDON_JOBS_PER_WORKSPACE must be between 1 and 16")
        if not 2 <= self.job_lease_seconds <= 600:
            raise ConfigurationError("ADDON_JOB_LEASE_SECONDS must be between 2 and 600")
        if not 0 <= self.report_cache_seconds <= 86_400:
            raise ConfigurationError("ADDON_REPORT_CACHE_SECONDS must be between 0 and 86400")
        if not 600 <= self.report_keep_seconds <= 90 * 86_400:
            raise ConfigurationError("ADDON_REPORT_KEEP_SECONDS must be between 600 and 7776000")
        _check_metrics(self.metrics_token, self.metrics_bind)
        if self.env is Environment.PRODUCTION:
            if not self.encryption_keys:
                raise ConfigurationError("ADDON_ENCRYPTION_KEYS is required in production")
            if not self.public_url.startswith("https://"):
                raise ConfigurationError("ADDON_PUBLIC_URL must use https in production")
            if self.smtp_security is SmtpSecurity.NONE:
                raise ConfigurationError(
                    "ADDON_SMTP_SECURITY must be starttls or tls in production"
                )

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests and the demo use this)."""
        return replace(self, **changes)

    @classmethod
    def from_process_env(cls) -> Settings:
        """Settings from this process's environment (the only read of `os.environ`)."""
        return cls.from_env(os.environ)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from `ADDON_*` variables; unset ones keep their defaults."""
        values: dict[str, Any] = {}

        def maybe_set(name: str, envvar: str, coerce: Callable[[str], T]) -> None:
            raw = environ.get(envvar)
            if raw is None or raw.strip() == "":
                return
            try:
                values[name] = coerce(raw.strip())
            except ConfigurationError:
                raise
            except (ValueError, TypeError) as exc:
                raise ConfigurationError(f"{envvar} is invalid: {exc}") from None

        maybe_set("env", "ADDON_ENV", _enum(Environment, "ADDON_ENV"))
        maybe_set("public_url", "ADDON_PUBLIC_URL", str)
        maybe_set("addon_key", "ADDON_KEY", str)
        maybe_set("addon_name", "ADDON_NAME", str)
        maybe_set("database_url", "ADDON_DATABASE_URL", str)
        maybe_set("encryption_keys", "ADDON_ENCRYPTION_KEYS", _secrets)
        maybe_set("clockify_public_keys", "ADDON_CLOCKIFY_PUBLIC_KEYS", pem_blocks)
        maybe_set("token_leeway_seconds", "ADDON_TOKEN_LEEWAY_SECONDS", _int)
        maybe_set("max_body_bytes", "ADDON_MAX_BODY_BYTES", _int)
        maybe_set("frame_ancestors", "ADDON_FRAME_ANCESTORS", _words)
        maybe_set("proxy_hops", "ADDON_PROXY_HOPS", _int)
        maybe_set("log_level", "ADDON_LOG_LEVEL", str.upper)
        maybe_set("log_format", "ADDON_LOG_FORMAT", _enum(LogFormat, "ADDON_LOG_FORMAT"))
        maybe_set("clockify_rate", "ADDON_CLOCKIFY_RATE", _float)
        maybe_set("clockify_burst", "ADDON_CLOCKIFY_BURST", _int)
        maybe_set("clockify_timeout_seconds", "ADDON_CLOCKIFY_TIMEOUT_SECONDS", _float)
        maybe_set("smtp_host", "ADDON_SMTP_HOST", str)
        maybe_set("smtp_port", "ADDON_SMTP_PORT", _int)
        maybe_set(
            "smtp_security", "ADDON_SMTP_SECURITY", _enum(SmtpSecurity, "ADDON_SMTP_SECURITY")
        )
        maybe_set("smtp_username", "ADDON_SMTP_USERNAME", str)
        maybe_set("smtp_password", "ADDON_SMTP_PASSWORD", Secret)
        maybe_set("mail_from", "ADDON_MAIL_FROM", str)
        maybe_set("scheduler_in_web", "ADDON_SCHEDULER_IN_WEB", _bool)
        maybe_set("scheduler_tick_seconds", "ADDON_SCHEDULER_TICK_SECONDS", _float)
        maybe_set("delivery_lease_seconds", "ADDON_DELIVERY_LEASE_SECONDS", _int)
        maybe_set("missed_runs", "ADDON_MISSED_RUNS", _enum(MissedRuns, "ADDON_MISSED_RUNS"))
        maybe_set("web_jobs", "ADDON_WEB_JOBS", _bool)
        maybe_set("report_workers", "ADDON_REPORT_WORKERS", _int)
        maybe_set("jobs_per_workspace", "ADDON_JOBS_PER_WORKSPACE", _int)
        maybe_set("job_lease_seconds", "ADDON_JOB_LEASE_SECONDS", _float)
        maybe_set("report_cache_seconds", "ADDON_REPORT_CACHE_SECONDS", _int)
        maybe_set("report_keep_seconds", "ADDON_REPORT_KEEP_SECONDS", _int)
        maybe_set("metrics_token", "ADDON_METRICS_TOKEN", Secret)
        maybe_set("metrics_dir", "ADDON_METRICS_DIR", str)
        maybe_set("metrics_bind", "ADDON_METRICS_BIND", str)
        unknown = sorted(k for k in environ if k.startswith("ADDON_") and k not in KNOWN_VARIABLES)
        if unknown:
            raise ConfigurationError(f"unknown setting {unknown[0]} (check for a typo)")
        return cls(**values)


KNOWN_VARIABLES = frozenset(
    {
        "ADDON_ENV",
        "ADDON_PUBLIC_URL",
        "ADDON_KEY",
        "ADDON_NAME",
        "ADDON_DATABASE_URL",
        "ADDON_ENCRYPTION_KEYS",
        "ADDON_CLOCKIFY_PUBLIC_KEYS",
        "ADDON_TOKEN_LEEWAY_SECONDS",
        "ADDON_MAX_BODY_BYTES",
        "ADDON_FRAME_ANCESTORS",
        "ADDON_PROXY_HOPS",
        "ADDON_LOG_LEVEL",
        "ADDON_LOG_FORMAT",
        "ADDON_CLOCKIFY_RATE",
        "ADDON_CLOCKIFY_BURST",
        "ADDON_CLOCKIFY_TIMEOUT_SECONDS",
        "ADDON_SMTP_HOST",
        "ADDON_SMTP_PORT",
        "ADDON_SMTP_SECURITY",
        "ADDON_SMTP_USERNAME",
        "ADDON_SMTP_PASSWORD",
        "ADDON_MAIL_FROM",
        "ADDON_SCHEDULER_IN_WEB",
        "ADDON_SCHEDULER_TICK_SECONDS",
        "ADDON_DELIVERY_LEASE_SECONDS",
        "ADDON_MISSED_RUNS",
        "ADDON_WEB_JOBS",
        "ADDON_REPORT_WORKERS",
        "ADDON_JOBS_PER_WORKSPACE",
        "ADDON_JOB_LEASE_SECONDS",
        "ADDON_REPORT_CACHE_SECONDS",
        "ADDON_REPORT_KEEP_SECONDS",
        "ADDON_METRICS_TOKEN",
        "ADDON_METRICS_DIR",
        "ADDON_METRICS_BIND",
    }
)


def _enum(kind: type[StrEnum], envvar: str) -> Callable[[str], Any]:
    def coerce(raw: str) -> Any:
        try:
            return kind(raw.lower())
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise ConfigurationError(f"{envvar} must be one of: {allowed}") from None

    return coerce


def _int(raw: str) -> int:
    return int(raw, 10)


def _bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _words(raw: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", raw) if part)


def _secrets(raw: str) -> tuple[Secret, ...]:
    return tuple(Secret(part) for part in _words(raw))


def _check_url(envvar: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigurationError(f"{envvar} must be an absolute http(s) URL")


def _check_metrics(token: Secret | None, bind: str) -> None:
    if token is not None and len(token.reveal()) < 16:
        raise ConfigurationError("ADDON_METRICS_TOKEN must be at least 16 characters")
    if bind and token is None:
        raise ConfigurationError("ADDON_METRICS_BIND needs ADDON_METRICS_TOKEN")
    host, _, port = bind.rpartition(":")
    if bind and not (host and port.isdigit() and 0 <= int(port) <= 65535):
        raise ConfigurationError("ADDON_METRICS_BIND must be host:port, e.g. 127.0.0.1:9101")


def _check_fernet_key(key: Secret) -> None:
    try:
        raw = base64.urlsafe_b64decode(key.reveal().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ConfigurationError(
            "ADDON_ENCRYPTION_KEYS must hold url-safe base64 Fernet keys of 32 bytes "
            "(generate one with: python -m addon generate-key)"
        )
