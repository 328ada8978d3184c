"""A property-based run against the served `/api/openapi.json` (schemathesis over hypothesis).

Every operation the served document describes (session, schedules, deliveries, reports, jobs,
invoices, and whatever is added to it later: the operations are read from the document) gets
generated requests, valid and invalid ones, and every answer must be no 5xx and must match the
document: a documented status code, the documented content type and headers, a body valid
against the documented schema, and a 4xx for input the document rules out. A smaller slice
sends absent, garbage, forged or expired sessions and expects a conforming 401.

Why the whole stack: report endpoints call Clockify over HTTP in background threads, so the
add-on is installed through the sandbox's real lifecycle call (the installation's URLs then name
the sandbox), the session comes from the sidebar page that the sandbox's shell loads, and the
add-on is served on a real port for the sandbox to call. The generated requests go to that same
app object through WSGI: the same code path without a socket per request, which is what fits a
few thousand requests into about a minute on CI's 2 cores.

Why our own hypothesis loop over `operation.as_strategy()` rather than `schema.parametrize()`:
the schema can only be loaded once the stack runs, and schemathesis' fixture-based loader
(`schemathesis.pytest.from_fixture`) breaks on pytest 9 (`Function` has no `_nodeid`). The loop
also lets one run collect every distinct failure of an operation instead of stopping at the
first, and feed ids that answers named (a new job, a new schedule) to later `{id}` paths: the
cheap part of stateful testing, without schemathesis' state machine.

Bounded and reproducible: `BUDGET` requests shared by the operations (a new endpoint makes the
run no longer), hypothesis derandomized with no example database and no shrinking (a failure is
reported as generated), and a per-test timeout. A job a 202 answer started is waited for, so no
answer depends on how fast background threads ran. The requests are the same on every run of
the same code and selection of tests: hypothesis also draws on the literals of the loaded local
modules (test modules included), so running this file alone, or after any edit, sends other
cases than `make test` on the same commit does; only job ids differ from run to run.
A failure names the check that broke and shows the response and a curl command reproducing the
request (its session is redacted: take a fresh one from the sidebar). The module's teardown
prints how many requests were sent, how long they took and each operation's statuses.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import addon
import sandbox
from addon.runtime import Runtime
from addon.settings import Secret
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.migrate import upgrade
from addon.store.models import DeliveryState
from addon.web.openapi import document
from addon.web.session import SessionClaims, SessionSigner
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack, serve_stack
from tests.integration.test_api_schedules import SPEC
from tests.mail.conftest import Inbox, free_port

# Report jobs and test emails run in background threads and use the global `random` (e.g.
# email's multipart boundaries) while hypothesis draws the next case; hypothesis then blames
# the strategy. The strategies here use no `random`, so that one warning is not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)

BUDGET = 3600  # generated requests in all, shared by the described operations
KNOWN_IDS = (1, 2, 3)  # rows the fixture creates, so `{id}` paths reach more than 404
SETTLE_SECONDS = 30  # at most, for one background job a 202 answer started
MAX_IDS = 30  # ids of each type taken from answers (new jobs, schedules) for later `{id}` paths
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# Real values for fields whose documented type (a string) admits far more than the server
# does, so that most valid-looking requests get past validation to the code behind it.
REAL = {
    "zones": ("Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"),
    "emails": ("boss@example.com", "a.b+reports@example.org"),
    "locales": ("en", "de", "fr", "en_US", "de_CH", "pt_BR"),
}
REAL_AT = {
    "zones": ("zone",),
    "emails": ("recipients.to[*]", "recipients.cc[*]", "recipients.bcc[*]"),
    "locales": ("locale",),
}
_IFRAME = re.compile(r'<iframe[^>]*src="([^"]+)"')
_META = re.compile(r'<meta name="session" content="([^"]+)">')
_METHODS = ("get", "put", "post", "delete", "patch")


def _labels() -> list[str]:
    """`METHOD /path` of every described operation, deletions last so known ids live long."""
    paths = document()["paths"]
    found = [f"{m.upper()} {p}" for p, item in paths.items() for m in _METHODS if m in item]
    return sorted(found, key=lambda label: label.startswith("DELETE "))


LABELS = _labels()
# The budget is shared, so a new endpoint makes the run no longer: per operation, 45% of its
# share allowed by the document, 45% breaking it, 10% without a valid session.
SHARE = max(60, BUDGET // len(LABELS))
POSITIVE = NEGATIVE = SHARE * 45 // 100
UNAUTHENTICATED = SHARE // 10


@dataclass
class Run:
    """The live stack, the session the generated requests carry, and what was sent."""

    stack: LiveStack
    session: str
    by_operation: dict[str, Counter[int]] = field(default_factory=dict)
    ids: list[int | str] = field(default_factory=lambda: list(KNOWN_IDS))

    @property
    def app(self) -> Any:
        return self.stack.addon.app

    def record(self, label: str, response: Any) -> None:
        """Count the answer, and keep the `id` a 2xx JSON answer names (a cheap link)."""
        self.by_operation.setdefault(label, Counter())[response.status_code] += 1
        if not 200 <= response.status_code < 300:
            return
        types = [v for k, vs in response.headers.items() if k.lower() == "content-type" for v in vs]
        if not types or not types[0].startswith("application/json"):
            return
        body = response.json()
        found = body.get("id") if isinstance(body, dict) else None
        if not isinstance(found, int | str) or isinstance(found, bool) or found in self.ids:
            return
        if sum(type(v) is type(found) for v in self.ids) < MAX_IDS:
            self.ids.append(found)

    def settle(self, response: Any) -> None:
        """Wait (bounded) for the job a 202 answer started, at its `Location`, to finish.

        Otherwise what later requests meet (a free job slot or a 429, a finished job or a
        running one) would depend on how fast the background threads ran, not on the cases.
        """
        locations = [v for k, vs in response.headers.items() if k.lower() == "location" for v in vs]
        if response.status_code != 202 or not locations:
            return
        client, headers = self.app.test_client(), {"Authorization": f"Bearer {self.session}"}
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            answer = client.get(locations[0], headers=headers)
            if answer.status_code != 200 or answer.json.get("state") not in ("queued", "running"):
                return
            time.sleep(0.01)

    def summary(self, elapsed: float) -> str:
        total = sum((c for c in self.by_operation.values()), Counter[int]())
        lines = [f"openapi properties: {total.total()} requests in {elapsed:.1f} s"]
        for label, statuses in [("all", total), *self.by_operation.items()]:
            counts = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
            lines.append(f"  {label:<52} {counts}")
        return "\n".join(lines)


@dataclass
class Findings:
    """Distinct failures of one operation: one reproduction per (check, status)."""

    label: str
    seen: dict[tuple[str, int], str] = field(default_factory=dict)

    def add(self, failures: FailureGroup, status: int) -> None:
        for failure in failures.exceptions:
            self.note(type(failure).__name__, status, failures.message)

    def note(self, kind: str, status: int, text: str) -> None:
        self.seen.setdefault((kind, status), text)

    def fail_if_any(self) -> None:
        """Fail listing every distinct failure with its reproduction."""
        if not self.seen:
            return
        reports = "\n\n".join(
            f"--- {kind} with {status} ---\n{_clip(text)}"
            for (kind, status), text in self.seen.items()
        )
        pytest.fail(f"{self.label}: {len(self.seen)} distinct failures\n{reports}", False)


def _clip(text: str, limit: int = 1500) -> str:
    """Long lines (generated bodies) cut in the middle. The run is derandomized, so running
    the test again sends the very same request."""
    return "\n".join(
        line
        if len(line) <= limit
        else f"{line[: limit - 200]} ...[{len(line) - limit} characters cut]... {line[-200:]}"
        for line in text.splitlines()
    )


def _session(stack: LiveStack, addon_id: str) -> str:
    """The session the sidebar page renders, reached the way a browser does: shell, iframe."""
    shell = requests.get(stack.shell_url(addon_id), timeout=10)
    frame = _IFRAME.search(shell.text)
    assert frame is not None, "no iframe on the sandbox's shell page"
    page = requests.get(frame.group(1).replace("&amp;", "&"), timeout=10)
    found = _META.search(page.text)
    assert page.status_code == 200 and found is not None, page.text[:500]
    return found.group(1)


def _import_local_modules() -> None:
    """Import every module of ours now, before anything is generated.

    Hypothesis mixes literals of the local modules loaded so far into what it generates, so a
    module first imported mid-run (by a background job) would change the cases after it.
    """
    for package in (addon, sandbox):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not module.name.endswith(".__main__"):
                importlib.import_module(module.name)


def _seed_rows(run: Run) -> None:
    """Schedules 1-3 and a failed delivery of schedule 1, so reads and resends find rows."""
    for _ in KNOWN_IDS:
        created = run.app.test_client().post(
            "/api/schedules", json=SPEC, headers={"Authorization": f"Bearer {run.session}"}
        )
        assert created.status_code == 201, created.get_data(as_text=True)
    runtime: Runtime = run.app.extensions["addon"]
    now = runtime.now()
    with runtime.sessions.begin() as db:
        schedule = store.get_schedule(db, SEED_WORKSPACE_ID, KNOWN_IDS[0])
        assert schedule is not None
        due = now.date() - timedelta(days=1)
        claimed = run_store.claim_run(
            db, schedule, due, (due, due), "test", now, timedelta(minutes=5)
        )
        assert claimed is not None
        run_store.finish_run(
            db, claimed.id, "test", DeliveryState.FAILED, now=now, error="SMTP 451"
        )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Run]:
    tmp: Path = tmp_path_factory.mktemp("openapi")
    database_url = f"sqlite:///{tmp / 'addon.sqlite3'}"
    upgrade(database_url)
    key = Secret(Fernet.generate_key().decode("ascii"))
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=free_port())  # test emails land here
    smtp.start()
    with serve_stack(database_url, key, smtp_port=smtp.port, log_level="INFO") as stack:
        state = Run(stack=stack, session=_session(stack, stack.install()))
        _seed_rows(state)
        _import_local_modules()
        started = time.monotonic()
        yield state
        elapsed = time.monotonic() - started
    smtp.stop()
    # Shown on success too: the figures are the point of a bounded run.
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + state.summary(elapsed))


@pytest.fixture(scope="module")
def api_schema(run: Run) -> Any:
    """The document as the add-on serves it, fetched through the app like any client would."""
    config = schemathesis.Config.from_dict(
        {
            # The session is ours to send; generated Authorization headers would only be 401s.
            "generation": {"with-security-parameters": False},
            # Off: literals mined from the app's modules would make what is generated depend on
            # which modules happen to be imported and on every unrelated code change.
            "analysis": {"constants": {"enabled": False}},
            "dictionaries": {name: {"values": list(values)} for name, values in REAL.items()},
            "parameters": {
                f"body.{path}": {"dictionary": name, "probability": 0.8}
                for name, paths in REAL_AT.items()
                for path in paths
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", run.app, config=config)


def _cases(operation: Any, mode: GenerationMode, ids: list[int | str]) -> st.SearchStrategy[Any]:
    """Generated cases; half of the valid ones put ids that exist into the path parameters.

    `ids` are those the fixture created and those earlier answers named, matched to each
    parameter by its type, so `GET /api/jobs/{id}` sees the jobs `POST /api/reports` started.
    """
    generated: st.SearchStrategy[Any] = operation.as_strategy(mode)
    kinds = {"integer": int, "string": str}
    pools: dict[str, st.SearchStrategy[Any]] = {}
    for parameter in operation.path_parameters:
        kind = kinds.get(parameter.definition.get("schema", {}).get("type"))
        values = [v for v in ids if kind is not None and type(v) is kind]
        if values:
            pools[parameter.name] = st.sampled_from(values)
    if mode is GenerationMode.NEGATIVE or not pools:
        return generated
    known = st.fixed_dictionaries(pools).flatmap(
        lambda values: operation.as_strategy(mode, path_parameters=values)
    )
    return st.one_of(generated, known)


def _explore(
    findings: Findings,
    drawn: st.SearchStrategy[Any],
    examples: int,
    send: Any,
    *,
    may_be_empty: bool = False,
) -> None:
    """`send` each of `examples` drawn values, validating the (case, response) it returns.

    Failures are collected, not raised, so one run lists every distinct way an operation fails.
    `may_be_empty`: negative cases of an operation whose input the document does not constrain
    (no parameters, no body) cannot exist; hypothesis then says Unsatisfiable.
    """

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the time bound stays hard
        suppress_health_check=list(HealthCheck),  # generated API inputs are large and slow
    )
    @given(value=drawn)
    def explore(value: Any) -> None:
        case, response = send(value)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failures:
            findings.add(failures, response.status_code)

    try:
        explore()
    except Unsatisfiable:
        if not may_be_empty:
            raise


@pytest.mark.timeout(60)
@pytest.mark.parametrize("label", LABELS)
def test_operation_answers_as_its_description_says(label: str, run: Run, api_schema: Any) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    findings = Findings(label)

    def send(case: Any) -> tuple[Any, Any]:
        response = case.call(headers={"Authorization": f"Bearer {run.session}"})
        run.record(label, response)
        run.settle(response)
        return case, response

    _explore(findings, _cases(operation, GenerationMode.POSITIVE, run.ids), POSITIVE, send)
    _explore(
        findings,
        _cases(operation, GenerationMode.NEGATIVE, run.ids),
        NEGATIVE,
        send,
        may_be_empty=True,
    )

    findings.fail_if_any()


def _bad_sessions(run: Run) -> dict[str, str | None]:
    """Authorization headers that must all answer 401, by name (failures name, never show,
    them: some hold the genuine session)."""
    body, mac = run.session.rsplit(".", 1)
    signer: SessionSigner = run.app.extensions["addon.session"]
    expired = signer.issue(SessionClaims(SEED_WORKSPACE_ID, "", "", "OWNER", expires_at=1))
    return {
        "absent": None,
        "empty": "",
        "bearer without a session": "Bearer ",
        "garbage": "Bearer not-a-session",
        "genuine session, Basic scheme": f"Basic {run.session}",
        "forged signature": f"Bearer {body}.{mac[::-1]}",
        "parts swapped": f"Bearer s1.{mac}.{body}",
        "expired": f"Bearer {expired}",
    }


@pytest.mark.timeout(60)
@pytest.mark.parametrize("label", LABELS)
def test_operation_without_a_valid_session_answers_a_described_401(
    label: str, run: Run, api_schema: Any
) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    secured = operation.definition.raw.get("security", [{"session": []}]) != []
    findings = Findings(label)
    # Valid input only: with invalid input a 404 or 415 may rightly come before the 401.
    sessions = _bad_sessions(run)
    pairs = st.tuples(
        operation.as_strategy(GenerationMode.POSITIVE), st.sampled_from(sorted(sessions))
    )

    def send(pair: tuple[Any, str]) -> tuple[Any, Any]:
        case, name = pair
        authorization = sessions[name]
        headers = {} if authorization is None else {"Authorization": authorization}
        response = case.call(headers=headers)
        run.record(f"{label} [no session]", response)
        if secured and response.status_code != 401:
            text = f"{name} session answered {response.status_code}:\n{case.as_curl_command()}"
            findings.note("AnsweredWithoutSession", response.status_code, text)
        return case, response

    _explore(findings, pairs, UNAUTHENTICATED, send)

    findings.fail_if_any()
