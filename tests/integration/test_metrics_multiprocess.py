"""Multiprocess mode: processes sharing `ADDON_METRICS_DIR` are summed by one scrape, and gunicorn's
master prepares the directory (addon/gunicorn_conf.py). Each process is a real subprocess, since
prometheus-client chooses its mode once per process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from addon.store.migrate import upgrade
from tests.mail.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-the-tests-0123"

WRITER = """
import sys
from addon.observe import metrics
from addon.observe.processes import use_metrics_dir
use_metrics_dir(sys.argv[1])
for _ in range(int(sys.argv[2])):
    metrics.clockify_request("users", "ok")
metrics.delivery_finished("sent")
metrics.scheduler_ticked(float(sys.argv[3]))
"""

READER = """
import sys
from addon.observe.processes import use_metrics_dir
use_metrics_dir(sys.argv[1])
from addon.observe.exposition import render_metrics
sys.stdout.write(render_metrics().decode())
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _sample(text: str, line_start: str) -> float:
    found = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    assert found, f"{line_start} missing from:\n{text}"
    return float(found[0].split()[-1])


def test_two_processes_counting_into_one_directory_are_summed(tmp_path: Path) -> None:
    directory = str(tmp_path / "metrics")
    _python(WRITER, directory, "3", "1000")
    _python(WRITER, directory, "4", "2000")

    text = _python(READER, directory)

    ok = 'addon_clockify_requests_total{operation="users",outcome="ok"}'
    assert _sample(text, ok) == 7
    assert _sample(text, 'addon_deliveries_total{state="sent"}') == 2
    # a timestamp gauge takes the newest, not the sum (multiprocess_mode="max")
    assert _sample(text, "addon_scheduler_last_tick_timestamp_seconds") == 2000
    assert len(list(Path(directory).glob("*.db"))) >= 2  # one file per process and kind


def test_a_process_that_loaded_the_library_before_the_setting_refuses_to_start(
    tmp_path: Path,
) -> None:
    code = (
        "import prometheus_client\n"
        "from addon.errors import ConfigurationError\n"
        "from addon.observe.processes import use_metrics_dir\n"
        "try:\n"
        f"    use_metrics_dir({str(tmp_path)!r})\n"
        "except ConfigurationError as exc:\n"
        "    print('refused:', exc)\n"
    )
    assert "refused: ADDON_METRICS_DIR" in _python(code)


def test_gunicorn_master_empties_the_directory_and_workers_serve_the_sum(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    stale = directory / "counter_99999.db"
    stale.write_bytes(b"left by a previous run")
    database = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
    upgrade(database)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ADDON_DATABASE_URL": database,
        "ADDON_METRICS_DIR": str(directory),
        "ADDON_METRICS_TOKEN": TOKEN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603  # our own gunicorn, fixed arguments
        [str(gunicorn), "--config", "python:addon.gunicorn_conf", "addon:create_app()"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        answer = _wait_for(f"http://127.0.0.1:{port}/metrics")
        assert answer.status_code == 200, answer.text
        assert not stale.exists()
        assert 'addon_clockify_rate_limited_total{operation="users"} 0.0' in answer.text
        assert 'addon_report_jobs{state="queued"} 0.0' in answer.text
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 0, errors.decode()


def _wait_for(url: str) -> requests.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer within 60 s")
            time.sleep(0.1)
