"""Durable report jobs through real processes on PostgreSQL: two web processes (gunicorn) and
two `python -m addon worker` processes share one queue; one worker is SIGKILLed while it builds
a report, and another finishes it.

What "no job ran twice" means here, read from the processes' own JSON log lines and the table:
every job has exactly one "report job finished" line across all processes, its "report job
started" lines equal its `attempts`, and only the jobs the killed worker held were started
twice. The totals of every report equal Clockify's own (the sandbox's summary report).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from addon.settings import Settings
from sandbox.faults import Fault, FaultKind
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer
from tests.conftest import PostgresServer
from tests.e2e.report_api import Api, summary_body
from tests.mail.conftest import free_port
from tests.ship.image import REPO
from tests.ship.processes import Processes
from tests.ship.sidebar import clockify_total, sidebar_session

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

JOBS = 8  # a workspace may have at most eight in progress
LEASE_SECONDS = 3
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WEB = [GUNICORN, "--config", "python:addon.gunicorn_conf", "addon:create_app()"]
WORKER = [sys.executable, "-m", "addon", "worker", "--grace", "5"]


def _environment(
    database_url: str, issuer: TokenIssuer, sandbox: str, web: str, home: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADDON_", "GUNICORN_"))}
    return env | {
        "HOME": str(home),
        "PYTHONPATH": str(REPO),
        "GUNICORN_WORKERS": "1",
        "ADDON_PUBLIC_URL": web,
        "ADDON_DATABASE_URL": database_url,
        "ADDON_ENCRYPTION_KEYS": Fernet.generate_key().decode("ascii"),
        "ADDON_CLOCKIFY_PUBLIC_KEYS": issuer.public_key_pem,
        "ADDON_FRAME_ANCESTORS": sandbox,
        "ADDON_LOG_FORMAT": "json",
        "ADDON_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "ADDON_REPORT_WORKERS": "2",
        "ADDON_JOBS_PER_WORKSPACE": "4",
        "ADDON_REPORT_CACHE_SECONDS": "0",
    }


def _wait(what: str, ready: Any, processes: Processes, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := ready()):
        processes.check_alive()
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(0.1)
    return value


def _events(processes: Processes, names: list[str]) -> list[dict[str, Any]]:
    """Every JSON log line about a report job, from every process (killed ones included)."""
    found = []
    for name in names:
        path = processes.logs / f"{name}.err"
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"report job' in line:
                event = json.loads(line)
                found.append(event | {"process": name})
    return found


def test_a_killed_workers_job_is_finished_by_another_and_no_job_runs_twice(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    database_url = postgres.new_database()
    issuer = TokenIssuer(addon_key=Settings().addon_key)
    ports = [free_port(), free_port()]
    webs = [f"http://127.0.0.1:{port}" for port in ports]
    names = ["web-0", "web-1", "worker-0", "worker-1"]
    engine = create_engine(database_url)
    with ExitStack() as stack:
        stack.callback(engine.dispose)
        sandbox = stack.enter_context(SandboxServer(issuer))
        (tmp_path / "home").mkdir()  # gunicorn's control socket goes under $HOME
        env = _environment(database_url, issuer, sandbox.url, webs[0], tmp_path / "home")
        processes = Processes(logs=tmp_path, cwd=REPO, env=env)
        stack.callback(processes.kill_all)
        try:
            # web-0 also runs jobs in its threads (the embedded default); web-1 leaves them
            # to the workers, as deploy/compose.yaml does.
            homes = [tmp_path / "home-0", tmp_path / "home-1"]  # a control socket each
            for home in homes:
                home.mkdir()
            processes.start("web-0", WEB, GUNICORN_BIND=f"127.0.0.1:{ports[0]}", HOME=str(homes[0]))
            processes.start(
                "web-1",
                WEB,
                GUNICORN_BIND=f"127.0.0.1:{ports[1]}",
                HOME=str(homes[1]),
                ADDON_WEB_JOBS="false",
            )
            # worker-1 starts once worker-0 is building: web-0's two threads and worker-0's
            # two fill the workspace's four slots, so nobody can starve worker-0 of a job.
            workers = [processes.start("worker-0", WORKER)]
            for web in webs:
                _wait(web, lambda web=web: _up(web), processes, 30)
            installed = requests.post(
                f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons",
                json={"manifestUrl": f"{webs[0]}/manifest"},
                timeout=30,
            )
            assert installed.status_code == 201 and installed.json()["lifecycleStatus"] == 200
            addon_id = str(installed.json()["addonId"])
            token = sidebar_session(sandbox, addon_id)
            apis = [Api(web, token) for web in webs]
            # Every Clockify page takes a while, so jobs overlap and one is caught mid-build.
            slow = Fault(FaultKind.SLOW, count=10_000, path="/reports/", delay=0.5)
            sandbox.state.faults.inject(SEED_WORKSPACE_ID, slow)

            started = []
            for n in range(JOBS):
                answer = apis[n % 2]("POST", "/reports", {**summary_body(), "refresh": True})
                assert answer.status_code == 202, answer.text
                started.append(answer.json())
            victim = workers[0].pid

            def held_by_victim() -> list[str]:
                with engine.connect() as db:
                    rows = db.execute(
                        text("SELECT id FROM report_job WHERE state = 'running' AND owner LIKE :o"),
                        {"o": f"%:{victim}:%"},
                    )
                    return [row.id for row in rows]

            def building() -> bool:  # claimed, and its build under way (not just claimed)
                logged = {e["job_id"] for e in _events(processes, ["worker-0"])}
                return bool(logged & set(held_by_victim()))

            _wait("worker-0 to be building a job", building, processes, 60)
            workers.append(processes.start("worker-1", WORKER))
            time.sleep(0.3)  # worker-1 polling too, as a second worker would be
            os.kill(victim, signal.SIGKILL)
            workers[0].wait(timeout=10)
            processes.running.pop("worker-0")
            held = held_by_victim()  # what it held when it died

            done = [apis[n % 2].wait(job, timeout=150) for n, job in enumerate(started)]
            sandbox.state.faults.clear(SEED_WORKSPACE_ID)
            expected = clockify_total(sandbox, addon_id)

            assert all(job["state"] == "done" for job in done), done
            assert {job["result"]["totals"]["duration"] for job in done} == {expected}
            with engine.connect() as db:
                rows = db.execute(text("SELECT id, attempts, owner FROM report_job")).all()
            attempts = {row.id: row.attempts for row in rows}
            assert set(attempts) == {job["id"] for job in started}
            assert held and all(attempts[job_id] == 2 for job_id in held), (held, attempts)
            assert all(attempts[i] == 1 for i in attempts if i not in held), attempts
            owners = {row.id: row.owner for row in rows}
            assert not any(f":{victim}:" in owners[i] for i in held)  # others finished them

            events = _events(processes, names)
            finished = Counter(e["job_id"] for e in events if e["message"] == "report job finished")
            starts = Counter(e["job_id"] for e in events if e["message"] == "report job started")
            assert finished == Counter(attempts.keys()), finished  # each exactly once
            # Started as often as claimed; a job worker-0 claimed just before it died may have
            # gone unlogged there.
            assert all(
                starts[i] == n or (i in held and starts[i] == n - 1) for i, n in attempts.items()
            ), (starts, attempts)
            assert all(e["workspace_id"] == SEED_WORKSPACE_ID for e in events)
            by = Counter(e["process"] for e in events if e["message"] == "report job finished")
            assert by["web-1"] == 0 and by["worker-0"] < sum(by.values()), by  # web-1 never builds

            exits = processes.stop_all(timeout=40)
            assert sorted((e.name, e.code) for e in exits) == [
                ("web-0", 0),
                ("web-1", 0),
                ("worker-1", 0),
            ], exits
        except BaseException:
            print(processes.report())
            raise


def _up(web: str) -> bool:
    try:
        return requests.get(f"{web}/healthz", timeout=10).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False
