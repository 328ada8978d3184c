"""The log context: ids named once reach every line made inside, in both formats, per thread."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from addon.logs import (
    JsonFormatter,
    TextFormatter,
    bind_log_context,
    install_redaction,
    log_context,
    reset_log_context,
)

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ3b3Jrc3BhY2VJZCI6IngifQ.c2lnbmF0dXJlLXBhcnQ"


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    install_redaction()
    caplog.set_level(logging.INFO, logger="addon.test")
    return caplog


log = logging.getLogger("addon.test")


def test_json_lines_carry_the_workspace_and_run_of_the_block(
    captured: pytest.LogCaptureFixture,
) -> None:
    with log_context(workspace_id="ws1", run_id=7):
        log.info("scheduled delivery sent")
    log.info("outside")

    inside, outside = (json.loads(JsonFormatter().format(r)) for r in captured.records)
    assert (inside["workspace_id"], inside["run_id"]) == ("ws1", 7)
    assert "workspace_id" not in outside and "run_id" not in outside


def test_nested_blocks_add_and_restore(captured: pytest.LogCaptureFixture) -> None:
    with log_context(workspace_id="ws1"):
        with log_context(job_id="j1", run_id=None):
            log.info("inner")
        log.info("outer")

    inner, outer = (json.loads(JsonFormatter().format(r)) for r in captured.records)
    assert (inner["workspace_id"], inner["job_id"]) == ("ws1", "j1")
    assert "run_id" not in inner  # None is left out
    assert outer["workspace_id"] == "ws1" and "job_id" not in outer


def test_a_line_that_names_an_id_itself_keeps_its_value(captured: pytest.LogCaptureFixture) -> None:
    with log_context(workspace_id="from-context"):
        log.info("explicit", extra={"workspace_id": "from-extra"})

    assert json.loads(JsonFormatter().format(captured.records[0]))["workspace_id"] == "from-extra"


def test_the_text_format_ends_the_message_with_the_context(
    captured: pytest.LogCaptureFixture,
) -> None:
    with log_context(workspace_id="ws1", run_id=7):
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")

    first, *rest = TextFormatter().format(captured.records[0]).splitlines()
    assert first.endswith("addon.test: failed [workspace_id=ws1 run_id=7]")
    assert rest and "ValueError: boom" in rest[-1]


def test_context_values_are_redacted_like_the_rest(captured: pytest.LogCaptureFixture) -> None:
    with log_context(workspace_id=JWT):
        log.info("oops")

    assert JWT not in JsonFormatter().format(captured.records[0])
    assert JWT not in TextFormatter().format(captured.records[0])


def test_another_thread_does_not_see_this_threads_context(
    captured: pytest.LogCaptureFixture,
) -> None:
    token = bind_log_context(workspace_id="ws1")
    try:
        worker = threading.Thread(target=lambda: log.info("from a pool thread"))
        worker.start()
        worker.join()
    finally:
        reset_log_context(token)

    assert "workspace_id" not in json.loads(JsonFormatter().format(captured.records[0]))
