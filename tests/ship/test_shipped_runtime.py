"""The image's runtime, run the way it ships, without Docker.

What the Dockerfile builds, rebuilt here: a fresh virtualenv from `requirements.lock` alone (no
dev package), `addon/`, `migrations/` and `manifest.json` copied into an app folder that is the
processes' working directory and `PYTHONPATH` (the repository is not importable), the image's
environment (`ADDON_ENV=production`), and the image's commands: `migrate`, gunicorn as the CMD
runs it, one scheduler and one worker. Around them, what production has: an https public URL
(a TLS-terminating proxy in front of gunicorn), Clockify over https (the sandbox, trusted
through `REQUESTS_CA_BUNDLE`), a PostgreSQL database, generated encryption keys, and an SMTP
relay that insists on STARTTLS and a password (aiosmtpd, trusted through `SSL_CERT_FILE`: the
add-on verifies the relay's certificate with the system's default paths, which that variable
replaces). The add-on is installed through the sandbox, builds a report whose totals match
Clockify's, sends a due schedule's email, and every process stops cleanly on SIGTERM.

Not reproduced: the image's user (uid 10001): the interpreter lives under root's home here,
which another user cannot read; and the image's system libraries and fonts, which are this
machine's (the Dockerfile installs the fonts `addon/render/fonts.py` looks for; a unit test
checks it does).

Selected with `-m shipped`. It skips on a laptop without PostgreSQL and fails instead with
CI=true, like every PostgreSQL test. The virtualenv is cached per lock file (tests/ship/venv.py):
about 30 s to build once, then reused.
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer
from tests.conftest import ADDON_KEY, PostgresServer
from tests.e2e.report_api import Api, summary_body
from tests.mail.conftest import (
    PASSWORD,
    USERNAME,
    Inbox,
    authenticate,
    free_port,
    write_certificate,
)
from tests.prometheus import scrape
from tests.ship.image import COMMANDS, COPIED, HEALTHCHECK, REPO, app_environment
from tests.ship.processes import Processes
from tests.ship.sidebar import clockify_total, sidebar_session
from tests.ship.tls_proxy import TlsTerminator
from tests.ship.venv import shipped_venv

pytestmark = [pytest.mark.shipped, pytest.mark.postgres, pytest.mark.timeout(600)]

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
RECIPIENT = "finance@example.com"
METRICS_TOKEN = "smoke-test-metrics-token-0123456789"
STOP_SECONDS = 40.0  # gunicorn's graceful_timeout is 30 s; an idle stop takes about one


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    log = tmp_path_factory.mktemp("venv") / "pip.log"
    with ExitStack() as stack:
        try:
            path = stack.enter_context(shipped_venv(REPO / "requirements.lock", log=log))
        except subprocess.CalledProcessError as exc:
            pytest.fail(f"{exc}\n{log.read_text(errors='replace')}")
        yield path


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """The Dockerfile's `COPY` lines into a fresh folder, leaving out what .dockerignore does."""
    app = tmp_path / "app"
    app.mkdir()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3")
            shutil.copytree(source, app / name, ignore=ignore)
        else:
            (app / name).write_bytes(source.read_bytes())
    return app


_ISOLATION_PROBE = """
import importlib.metadata, json, sys
from importlib.util import find_spec
import addon
print(json.dumps({
    "addon": addon.__file__,
    "strays": [m for m in ("sandbox", "tests", "pytest", "aiosmtpd") if find_spec(m)],
    "installed": sorted(d.metadata["Name"].lower() for d in importlib.metadata.distributions()),
    "prefix": sys.prefix,
}))
"""


def _locked_names(lock: Path) -> set[str]:
    names = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock.read_text(), re.MULTILINE)
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def _check_isolation(app: Path, venv: Path, env: dict[str, str]) -> None:
    """Only the app folder and the lock's packages are importable: nothing of the repository."""
    probe = subprocess.run(  # noqa: S603
        ["python", "-c", _ISOLATION_PROBE],  # noqa: S607  # found on the shipped PATH, on purpose
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["addon"]).is_relative_to(app)
    assert found["strays"] == [], "importable from the shipped runtime, but not shipped"
    assert Path(found["prefix"]) == venv
    extra = {re.sub(r"[-_.]+", "-", n) for n in found["installed"]} - _locked_names(
        REPO / "requirements.lock"
    )
    assert extra <= {"pip", "setuptools"}, f"installed but not in requirements.lock: {extra}"


def _wait_until(what: str, ready: Any, processes: Processes, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        processes.check_alive()
        value = ready()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout:g}s waiting for {what}"
        time.sleep(0.2)


def _healthy(port: int, cwd: Path, env: dict[str, str]) -> bool:
    """The Dockerfile's HEALTHCHECK, run as Docker runs it (a shell, the image's PATH)."""
    command = HEALTHCHECK.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    check = subprocess.run(  # noqa: S602  # the Dockerfile's own shell-form command
        command, shell=True, cwd=cwd, env=env, capture_output=True, timeout=10, check=False
    )
    return check.returncode == 0


def _due_schedule(api: Api, database_url: str) -> int:
    """A daily schedule whose send time passed half an hour ago, as if saved before that.

    Saved through the API now, its first send is tomorrow's (`last_due` is today's date); moving
    `last_due` back a day (the one write the test makes itself) stands for the day that would
    otherwise have to pass.
    """
    sends_at = datetime.now(UTC) - timedelta(minutes=30)
    created = api(
        "POST",
        "/schedules",
        {
            "name": "Shipped daily hours",
            "kind": "summary",
            "frequency": "DAILY",
            "hour": sends_at.hour,
            "minute": sends_at.minute,
            "zone": "UTC",
            "coverage": "PREVIOUS_DAY",
            "groups": ["PROJECT"],
            "formats": ["csv", "pdf"],
            "recipients": {"to": [RECIPIENT]},
        },
    )
    assert created.status_code == 201, created.text
    schedule_id = int(created.json()["id"])
    engine = create_engine(database_url)
    try:
        with engine.begin() as db:
            db.execute(
                text("UPDATE schedule SET last_due = :day WHERE id = :id"),
                {"day": sends_at.date() - timedelta(days=1), "id": schedule_id},
            )
    finally:
        engine.dispose()
    return schedule_id


def _deliveries(api: Api) -> list[dict[str, Any]]:
    answer = api("GET", "/deliveries")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["deliveries"])


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[part.get_filename() or ""] = payload
    return found


def _production_settings(
    *,
    public_url: str,
    database_url: str,
    issuer: TokenIssuer,
    sandbox_url: str,
    smtp_port: int,
    ca_file: Path,
) -> dict[str, str]:
    """What an operator puts in `.env` (deploy/.env.example), pointed at the test's servers.

    The CA is trusted the standard ways, no add-on setting: `SSL_CERT_FILE` replaces the default
    verify paths that SMTP's `ssl.create_default_context()` loads, and `REQUESTS_CA_BUNDLE` the
    bundle requests uses for Clockify.
    """
    return {
        "GUNICORN_WORKERS": "2",
        "ADDON_PUBLIC_URL": public_url,
        "ADDON_KEY": ADDON_KEY,
        "ADDON_DATABASE_URL": database_url,
        "ADDON_ENCRYPTION_KEYS": Fernet.generate_key().decode("ascii"),
        "ADDON_CLOCKIFY_PUBLIC_KEYS": issuer.public_key_pem,
        "ADDON_FRAME_ANCESTORS": sandbox_url,
        "ADDON_SMTP_HOST": "127.0.0.1",
        "ADDON_SMTP_PORT": str(smtp_port),
        "ADDON_SMTP_SECURITY": "starttls",
        "ADDON_SMTP_USERNAME": USERNAME,
        "ADDON_SMTP_PASSWORD": PASSWORD,
        "ADDON_MAIL_FROM": "Reports & Invoices <reports@addon.test>",
        "ADDON_SCHEDULER_TICK_SECONDS": "1",
        "ADDON_METRICS_TOKEN": METRICS_TOKEN,
        "SSL_CERT_FILE": str(ca_file),
        "REQUESTS_CA_BUNDLE": str(ca_file),
    }


def _check_metrics(web: str, worker: str) -> None:
    """The web's /metrics (behind the proxy, token required) and the worker's own bind."""
    assert requests.get(f"{web}/metrics", timeout=10).status_code == 401
    assert scrape(web, METRICS_TOKEN)['addon_lifecycle_events_total{event="installed"}'] == 1
    built = scrape(worker, METRICS_TOKEN)
    assert built['addon_report_jobs_total{kind="summary",state="done"}'] == 1
    assert built['addon_report_jobs{state="queued"}'] == 0


def _check_scheduled_email(inbox: Inbox) -> None:
    """One message, to the schedule's recipient, with its CSV and a real PDF attached."""
    assert len(inbox.received) == 1
    received = inbox.received[0]
    message = message_from_bytes(received.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert received.rcpt_tos == [RECIPIENT]
    assert "Shipped daily hours" in str(message["Subject"])
    files = _attachments(message)
    assert sorted(name.rsplit(".", 1)[-1] for name in files) == ["csv", "pdf"]
    assert all(files.values())
    assert next(body for name, body in files.items() if name.endswith(".pdf")).startswith(b"%PDF-")


def test_image_runtime_serves_reports_and_emails_then_stops_cleanly_on_sigterm(
    venv: Path,
    app_dir: Path,
    postgres: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert, key = write_certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # the sandbox and this test trust it too
    database_url = postgres.new_database(migrated=False)
    inbox = Inbox()
    relay = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="mail.test",
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    web_port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()

    with ExitStack() as stack:
        relay.start()
        stack.callback(relay.stop)
        issuer = TokenIssuer(addon_key=ADDON_KEY)
        sandbox = stack.enter_context(SandboxServer(issuer, ssl_context=server_tls))
        proxy = stack.enter_context(TlsTerminator(("127.0.0.1", web_port), server_tls))
        home = tmp_path / "home"
        home.mkdir()
        env = app_environment(app_dir, venv, home, SYSTEM_PATH) | _production_settings(
            public_url=proxy.url,
            database_url=database_url,
            issuer=issuer,
            sandbox_url=sandbox.url,
            smtp_port=relay.port,
            ca_file=cert,
        )
        env["GUNICORN_BIND"] = f"127.0.0.1:{web_port}"
        processes = Processes(logs=logs, cwd=app_dir, env=env)
        stack.callback(processes.kill_all)
        try:
            _check_isolation(app_dir, venv, env)
            assert processes.run("migrate", COMMANDS["migrate"], timeout=120) == 0
            # As deploy/compose.yaml runs it: web leaves report jobs to the worker, so the
            # report below is built by `python -m addon worker` or not at all.
            # As compose runs it: gunicorn's two workers count into one directory, so a
            # scrape answered by either sees the INSTALLED the other may have handled.
            processes.start(
                "web",
                COMMANDS["web"],
                ADDON_WEB_JOBS="false",
                ADDON_METRICS_DIR=str(tmp_path / "metrics"),
            )
            processes.start("scheduler", COMMANDS["scheduler"])
            worker_metrics = free_port()  # as compose runs it: its own /metrics bind
            processes.start(
                "worker", COMMANDS["worker"], ADDON_METRICS_BIND=f"127.0.0.1:{worker_metrics}"
            )
            _wait_until("healthz", lambda: _healthy(web_port, app_dir, env), processes, 30)
            ready = requests.get(f"{proxy.url}/readyz", timeout=10)
            assert ready.status_code == 200, ready.text
            assert ready.headers["Strict-Transport-Security"].startswith("max-age=")  # production

            installed = requests.post(
                f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons",
                json={"manifestUrl": f"{proxy.url}/manifest"},
                timeout=30,
            )
            assert installed.status_code == 201, installed.text
            assert installed.json()["lifecycleStatus"] == 200, installed.text
            addon_id = str(installed.json()["addonId"])
            api = Api(proxy.url, sidebar_session(sandbox, addon_id))

            started = api("POST", "/reports", summary_body())
            assert started.status_code == 202, started.text
            done = api.wait(started.json(), timeout=60)
            assert done["state"] == "done", done
            assert done["result"]["totals"]["entries"] > 0
            assert done["result"]["totals"]["duration"] == clockify_total(sandbox, addon_id)

            schedule_id = _due_schedule(api, database_url)
            runs = _wait_until(
                "the scheduler to finish the due run",
                lambda: [d for d in _deliveries(api) if d["state"] in {"sent", "failed"}],
                processes,
                60,
            )
            assert [(r["schedule_id"], r["state"], r["last_error"]) for r in runs] == [
                (schedule_id, "sent", None)
            ]
            _check_scheduled_email(inbox)

            _check_metrics(proxy.url, f"http://127.0.0.1:{worker_metrics}")

            exits = processes.stop_all(timeout=STOP_SECONDS)
            assert [(e.name, e.code) for e in exits] == [
                ("web", 0),
                ("scheduler", 0),
                ("worker", 0),
            ], exits
            for name in ("migrate", "web", "scheduler", "worker"):
                assert processes.problems(name) == [], name
        except BaseException:
            print(processes.report())
            raise
