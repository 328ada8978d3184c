"""The rate limit, programmed faults and the request log, over real HTTP."""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
import requests

from sandbox import (
    SEED_WORKSPACE_ID,
    Fault,
    FaultKind,
    RatePolicy,
    RequestRecord,
    SandboxServer,
    busiest_window,
)
from sandbox.limiter import WorkspaceLimiter

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient


def _burst(client: ApiClient, count: int) -> list[requests.Response]:
    return [client.get("") for _ in range(count)]


def test_limiter_admits_50_per_sliding_second_per_workspace() -> None:
    limiter = WorkspaceLimiter()

    admitted = [limiter.admit("w", now=n / 100) for n in range(50)]
    refused = limiter.admit("w", now=0.5)
    other_workspace = limiter.admit("v", now=0.5)
    later = limiter.admit("w", now=1.0)

    assert limiter.policy("w") == RatePolicy(limit=50, window=1.0, retry_after=False)
    assert admitted == [None] * 50
    assert refused == pytest.approx(0.5)
    assert other_workspace is None
    assert later is None  # the request at t=0.0 has left the window


def test_request_above_the_limit_gets_429_without_retry_after_by_default(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    # A long window makes "more than 50 in the window" independent of how fast this machine is.
    sandbox.state.limiter.configure(SEED_WORKSPACE_ID, RatePolicy(limit=50, window=60.0))

    answers = _burst(client, 51)

    assert [r.status_code for r in answers] == [200] * 50 + [429]
    assert answers[-1].json() == {"message": "Too many requests", "code": 429}
    assert "Retry-After" not in answers[-1].headers
    admitted = [r for r in sandbox.state.recorder.records(SEED_WORKSPACE_ID) if r.status == 200]
    assert busiest_window(admitted, seconds=60.0) == 50


def test_limit_and_retry_after_are_configurable_per_workspace(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    policy = RatePolicy(limit=3, window=10.0, retry_after=True)
    sandbox.state.limiter.configure(SEED_WORKSPACE_ID, policy)

    answers = _burst(client, 4)

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 10  # until the oldest leaves


def test_rate_limit_is_configurable_over_http(sandbox: SandboxServer, client: ApiClient) -> None:
    url = f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/rate-limit"

    set_ = requests.put(url, json={"limit": 2, "window": 10, "retryAfter": True}, timeout=10)
    statuses = [r.status_code for r in _burst(client, 3)]
    got = requests.get(url, timeout=10)

    assert set_.json() == {"limit": 2, "window": 10.0, "retryAfter": True}
    assert got.json() == set_.json()
    assert statuses == [200, 200, 429]


def test_busiest_window_counts_the_most_records_in_any_second() -> None:
    now = datetime.now(UTC)
    records = [
        RequestRecord(t, now, "w", "GET", "/", 200)
        for t in (0.0, 0.25, 0.75, 1.0, 1.125, 1.875, 5.0)
    ]

    assert busiest_window(records) == 4  # [0.25, 1.25) holds 0.25, 0.75, 1.0 and 1.125
    assert busiest_window(records, seconds=0.5) == 3  # 0.75, 1.0, 1.125
    assert busiest_window(records, seconds=0.25) == 2  # half-open: [0.75, 1.0) lacks 1.0
    assert busiest_window([]) == 0


def test_error_fault_answers_the_next_matching_requests_then_stops(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    fault = Fault(FaultKind.ERROR, status=503, count=2, path="/projects")
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, fault)

    other = client.get("/tags")
    first, second, third = client.get("/projects"), client.get("/projects"), client.get("/projects")

    assert other.status_code == 200
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.json() == {"message": "Service Unavailable", "code": 503}
    assert "Retry-After" not in first.headers


@pytest.mark.parametrize(
    ("retry_after", "style"), [(3, "seconds"), (3, "http-date"), (None, "seconds")]
)
def test_rate_limit_fault_with_or_without_retry_after(
    sandbox: SandboxServer, client: ApiClient, retry_after: int | None, style: str
) -> None:
    fault = Fault(FaultKind.RATE_LIMIT, retry_after=retry_after, retry_after_format=style)
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, fault)

    response = client.get("")

    assert response.status_code == 429
    assert response.json()["message"] == "Too many requests"
    header = response.headers.get("Retry-After")
    if retry_after is None:
        assert header is None
    elif style == "seconds":
        assert header == "3"
    else:
        assert header is not None
        moment = email.utils.parsedate_to_datetime(header)
        assert 0 < (moment - datetime.now(UTC)).total_seconds() <= 4


def test_slow_fault_delays_the_answer(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, Fault(FaultKind.SLOW, delay=1.0))

    with pytest.raises(requests.ReadTimeout):
        client.session.get(f"{client.backend_url}/v1/workspaces/{SEED_WORKSPACE_ID}", timeout=0.2)

    assert client.get("").status_code == 200


def test_drop_fault_closes_the_connection_without_an_answer(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, Fault(FaultKind.DROP, path="/reports/"))
    body = {
        "dateRangeStart": "2025-01-01T00:00:00",
        "dateRangeEnd": "2025-01-02T00:00:00",
        "detailedFilter": {},
    }

    with pytest.raises(requests.ConnectionError):
        client.report("detailed", body)

    assert client.report("detailed", body).status_code == 200
    dropped = [r for r in sandbox.state.recorder.records() if r.path.endswith("/detailed")]
    assert [r.status for r in dropped] == [None, 200]


def test_truncate_fault_cuts_the_json_body(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, Fault(FaultKind.TRUNCATE, keep=0.5))

    cut, whole = client.get("/clients"), client.get("/clients")

    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert len(cut.content) == len(whole.content) // 2
    assert whole.json()


def test_faults_are_programmed_over_http(sandbox: SandboxServer, client: ApiClient) -> None:
    url = f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/faults"

    added = requests.post(
        url, json={"kind": "error", "status": 502, "count": 2, "retryAfter": 7}, timeout=10
    )
    first = client.get("")
    pending = requests.get(url, timeout=10).json()["pending"]
    requests.delete(url, timeout=10)
    after = client.get("")
    wrong = requests.post(url, json={"kind": "explode"}, timeout=10)

    assert added.status_code == 201
    assert (first.status_code, first.headers["Retry-After"]) == (502, "7")
    assert pending[0]["remaining"] == 1
    assert after.status_code == 200
    assert wrong.status_code == 400
    assert "kind" in wrong.json()["message"]


def test_faults_run_before_authentication(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.state.faults.inject(SEED_WORKSPACE_ID, Fault(FaultKind.ERROR, status=500))

    response = requests.get(f"{client.backend_url}/v1/workspaces/{SEED_WORKSPACE_ID}", timeout=10)

    assert response.status_code == 500


def test_every_api_request_is_logged_with_both_clocks(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    client.get("/tags")
    requests.get(f"{client.backend_url}/v1/workspaces/{SEED_WORKSPACE_ID}", timeout=10)

    log = requests.get(
        f"{sandbox.url}/sandbox/requests", params={"workspace": SEED_WORKSPACE_ID}, timeout=10
    ).json()

    entries = log["requests"]
    assert [(e["method"], e["status"]) for e in entries] == [("GET", 200), ("GET", 401)]
    assert entries[0]["path"].endswith("/tags")
    assert entries[0]["monotonic"] <= entries[1]["monotonic"]
    assert datetime.fromisoformat(entries[0]["wall"]).tzinfo is not None
    assert log["busiestSecond"] == 2
    assert requests.delete(f"{sandbox.url}/sandbox/requests", timeout=10).status_code == 204
    assert sandbox.state.recorder.records() == []
