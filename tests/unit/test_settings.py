"""Settings: defaults run the demo, every variable is coerced, a bad value names its variable."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from addon.errors import ConfigurationError
from addon.settings import (
    CLOCKIFY_PUBLIC_KEY_PEM,
    KNOWN_VARIABLES,
    Environment,
    LogFormat,
    MissedRuns,
    Secret,
    Settings,
    SmtpSecurity,
)


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})

    assert settings == Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.clockify_public_keys == (CLOCKIFY_PUBLIC_KEY_PEM,)
    assert settings.database_url.startswith("sqlite:///")


def test_every_variable_is_read_and_coerced() -> None:
    key = Fernet.generate_key().decode()
    environ = {
        "ADDON_ENV": "production",
        "ADDON_PUBLIC_URL": "https://reports.example.com",
        "ADDON_KEY": "acme-reports",
        "ADDON_NAME": "Acme Reports",
        "ADDON_DATABASE_URL": "postgresql+psycopg://u@db/addon",
        "ADDON_ENCRYPTION_KEYS": f"{key}, {Fernet.generate_key().decode()}",
        "ADDON_CLOCKIFY_PUBLIC_KEYS": CLOCKIFY_PUBLIC_KEY_PEM.replace("\n", "\\n"),
        "ADDON_TOKEN_LEEWAY_SECONDS": "10",
        "ADDON_MAX_BODY_BYTES": "2048",
        "ADDON_FRAME_ANCESTORS": "https://app.clockify.me https://*.clockify.me",
        "ADDON_PROXY_HOPS": "1",
        "ADDON_LOG_LEVEL": "debug",
        "ADDON_LOG_FORMAT": "TEXT",
        "ADDON_CLOCKIFY_RATE": "40.5",
        "ADDON_CLOCKIFY_BURST": "3",
        "ADDON_CLOCKIFY_TIMEOUT_SECONDS": "20",
        "ADDON_SMTP_HOST": "smtp.example.com",
        "ADDON_SMTP_PORT": "465",
        "ADDON_SMTP_SECURITY": "TLS",
        "ADDON_SMTP_USERNAME": "reports",
        "ADDON_SMTP_PASSWORD": "hunter2",
        "ADDON_MAIL_FROM": "Acme Reports <reports@example.com>",
        "ADDON_SCHEDULER_IN_WEB": "yes",
        "ADDON_SCHEDULER_TICK_SECONDS": "30",
        "ADDON_DELIVERY_LEASE_SECONDS": "600",
        "ADDON_MISSED_RUNS": "skip",
        "ADDON_WEB_JOBS": "no",
        "ADDON_REPORT_WORKERS": "8",
        "ADDON_JOBS_PER_WORKSPACE": "3",
        "ADDON_JOB_LEASE_SECONDS": "12.5",
        "ADDON_REPORT_CACHE_SECONDS": "0",
        "ADDON_REPORT_KEEP_SECONDS": "3600",
        "ADDON_METRICS_TOKEN": "scrape-me-please-0123",
        "ADDON_METRICS_DIR": "/run/addon-metrics",
        "ADDON_METRICS_BIND": "127.0.0.1:9101",
    }
    assert set(environ) == KNOWN_VARIABLES

    settings = Settings.from_env(environ)

    assert settings.env is Environment.PRODUCTION
    assert settings.public_url == "https://reports.example.com"
    assert settings.addon_key == "acme-reports"
    assert settings.encryption_keys[0] == Secret(key) and len(settings.encryption_keys) == 2
    assert settings.clockify_public_keys == (CLOCKIFY_PUBLIC_KEY_PEM,)
    assert settings.token_leeway_seconds == 10
    assert settings.max_body_bytes == 2048
    assert settings.frame_ancestors == ("https://app.clockify.me", "https://*.clockify.me")
    assert settings.proxy_hops == 1
    assert settings.log_level == "DEBUG"
    assert settings.log_format is LogFormat.TEXT
    assert (settings.clockify_rate, settings.clockify_burst) == (40.5, 3)
    assert settings.clockify_timeout_seconds == 20.0
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.example.com", 465)
    assert settings.smtp_security is SmtpSecurity.TLS
    assert settings.smtp_username == "reports"
    assert settings.smtp_password == Secret("hunter2")
    assert "hunter2" not in repr(settings)
    assert settings.mail_from == "Acme Reports <reports@example.com>"
    assert settings.scheduler_in_web is True
    assert (settings.scheduler_tick_seconds, settings.delivery_lease_seconds) == (30.0, 600)
    assert settings.missed_runs is MissedRuns.SKIP
    assert (settings.report_workers, settings.report_cache_seconds) == (8, 0)
    assert (settings.web_jobs, settings.jobs_per_workspace, settings.job_lease_seconds) == (
        False,
        3,
        12.5,
    )
    assert settings.report_keep_seconds == 3600
    assert settings.metrics_token == Secret("scrape-me-please-0123")
    assert "scrape-me-please" not in repr(settings)
    assert (settings.metrics_dir, settings.metrics_bind) == ("/run/addon-metrics", "127.0.0.1:9101")


def test_every_settings_field_has_exactly_one_variable() -> None:
    assert len(KNOWN_VARIABLES) == len(Settings.__dataclass_fields__)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ADDON_ENV", "staging"),
        ("ADDON_PUBLIC_URL", "reports.example.com"),
        ("ADDON_PUBLIC_URL", "https://reports.example.com/"),
        ("ADDON_KEY", "Has Spaces"),
        ("ADDON_ENCRYPTION_KEYS", "too-short"),
        ("ADDON_CLOCKIFY_PUBLIC_KEYS", "not a pem"),
        (
            "ADDON_CLOCKIFY_PUBLIC_KEYS",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ),
        ("ADDON_TOKEN_LEEWAY_SECONDS", "soon"),
        ("ADDON_TOKEN_LEEWAY_SECONDS", "3600"),
        ("ADDON_MAX_BODY_BYTES", "12"),
        ("ADDON_REPORT_WORKERS", "0"),
        ("ADDON_REPORT_CACHE_SECONDS", "-1"),
        ("ADDON_REPORT_KEEP_SECONDS", "10"),
        ("ADDON_LOG_LEVEL", "loud"),
        ("ADDON_LOG_FORMAT", "xml"),
        ("ADDON_DATABSE_URL", "sqlite://"),
        ("ADDON_CLOCKIFY_RATE", "fast"),
        ("ADDON_CLOCKIFY_RATE", "nan"),
        ("ADDON_CLOCKIFY_RATE", "50"),  # 50 + 0 + 1 can put 51 in one second
        ("ADDON_CLOCKIFY_RATE", "0"),
        ("ADDON_CLOCKIFY_BURST", "-1"),
        ("ADDON_CLOCKIFY_TIMEOUT_SECONDS", "0"),
        ("ADDON_SMTP_PORT", "70000"),
        ("ADDON_SMTP_SECURITY", "ssl3"),
        ("ADDON_MAIL_FROM", "nobody"),
        ("ADDON_SCHEDULER_IN_WEB", "maybe"),
        ("ADDON_DELIVERY_LEASE_SECONDS", "5"),
        ("ADDON_MISSED_RUNS", "later"),
        ("ADDON_METRICS_TOKEN", "short"),
        ("ADDON_METRICS_BIND", "127.0.0.1:9101"),  # a separate bind still needs the token
    ],
)
def test_bad_value_fails_at_start_up_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({variable: value})

    assert variable in str(raised.value)


@pytest.mark.parametrize("bind", ["9101", "127.0.0.1:port", "127.0.0.1:70000", ":9101"])
def test_metrics_bind_must_be_host_and_port(bind: str) -> None:
    environ = {"ADDON_METRICS_TOKEN": "a-long-enough-token", "ADDON_METRICS_BIND": bind}
    with pytest.raises(ConfigurationError, match="ADDON_METRICS_BIND"):
        Settings.from_env(environ)


def test_production_requires_encryption_keys_https_and_smtp_tls() -> None:
    key = Fernet.generate_key().decode()
    with pytest.raises(ConfigurationError, match="ADDON_ENCRYPTION_KEYS"):
        Settings.from_env({"ADDON_ENV": "production", "ADDON_PUBLIC_URL": "https://a.example"})
    with pytest.raises(ConfigurationError, match="https"):
        Settings.from_env({"ADDON_ENV": "production", "ADDON_ENCRYPTION_KEYS": key})
    with pytest.raises(ConfigurationError, match="ADDON_SMTP_SECURITY"):
        Settings.from_env(
            {
                "ADDON_ENV": "production",
                "ADDON_ENCRYPTION_KEYS": key,
                "ADDON_PUBLIC_URL": "https://a.example",
            }
        )


def test_secrets_never_print() -> None:
    key = Fernet.generate_key().decode()
    settings = Settings(encryption_keys=(Secret(key),))

    assert key not in repr(settings)
    assert (
        key not in str(Secret(key)) and key not in f"{Secret(key)}" and key not in repr(Secret(key))
    )
    assert Secret(key).reveal() == key
