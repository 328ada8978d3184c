"""Log redaction: tokens, auth headers and auth_token parameters never reach a log line."""

from __future__ import annotations

import json
import logging

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from addon.delivery.scheduler import add_tick_job
from addon.logs import REDACTED, JsonFormatter, configure_logging, install_redaction, redact
from addon.runtime import Runtime
from addon.settings import LogFormat, Settings

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ3b3Jrc3BhY2VJZCI6IngifQ.c2lnbmF0dXJlLXBhcnQ"


@pytest.mark.parametrize(
    "text",
    [
        f"token {JWT} leaked",
        f"GET /sidebar?auth_token={JWT[:20]}&x=1",
        "X-Addon-Token: plain-opaque-secret",
        "headers={'x-addon-token': 'plain-opaque-secret'}",
        "Authorization: Bearer plain-opaque-secret",
        'clockify-signature="plain-opaque-secret"',
    ],
)
def test_secret_shaped_text_is_redacted(text: str) -> None:
    cleaned = redact(text)

    assert REDACTED in cleaned
    assert JWT not in cleaned and JWT[:20] not in cleaned
    assert "plain-opaque-secret" not in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "POST /lifecycle/installed 200 workspace=64b0c1d2e3f4a5b6c7d8e9f0"

    assert redact(text) == text


def test_records_are_redacted_at_creation_for_every_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_redaction()
    logger = logging.getLogger("addon.test")

    with caplog.at_level(logging.INFO):
        logger.info("token %s in args", JWT)
        try:
            raise ValueError(f"bad token {JWT}")
        except ValueError:
            logger.exception("failed")

    assert caplog.records
    for record in caplog.records:
        assert JWT not in record.getMessage()
        assert JWT not in (record.exc_text or "")
    assert JWT not in caplog.text


def test_json_formatter_writes_one_redacted_object() -> None:
    record = logging.LogRecord("addon", logging.INFO, __file__, 1, "hello %s", (JWT,), None)
    record.workspace_id = "ws1"

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["workspace_id"] == "ws1"
    assert JWT not in line


@pytest.mark.parametrize(
    ("level", "expected"), [("INFO", logging.WARNING), ("DEBUG", logging.DEBUG)]
)
def test_the_scheduler_library_does_not_chatter_on_every_tick(level: str, expected: int) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        configure_logging(Settings(log_level=level, log_format=LogFormat.TEXT))

        assert logging.getLogger("apscheduler").getEffectiveLevel() == expected
        assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO) is (
            expected == logging.DEBUG
        )
    finally:
        root.handlers[:], root.level = before
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)


def test_the_tick_job_has_a_name_a_person_can_read() -> None:
    runtime = Runtime.from_settings(Settings(database_url="sqlite://"))
    scheduler = BackgroundScheduler(timezone="UTC")
    try:
        add_tick_job(scheduler, runtime, sender=None, owner="test")  # type: ignore[arg-type]  # never runs

        assert [job.name for job in scheduler.get_jobs()] == ["delivery tick"]
    finally:
        runtime.close()
