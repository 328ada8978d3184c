"""`ClockifyClient` against the sandbox over real HTTP: pages, page-size caps, range splitting,
the regular API, regional hosts, every fault, and every typed refusal.

One sandbox (module scope) holds several generated workspaces; each test reads the sandbox's
request recorder for what the client actually sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from addon.clockify.client import MARK_BATCH, ClockifyClient, Endpoints
from addon.clockify.directory import rate_book
from addon.clockify.errors import (
    ClockifyForbidden,
    ClockifyRejectedRequest,
    ClockifyResponseError,
    ClockifyTokenRejected,
    ClockifyUnavailable,
)
from addon.clockify.queries import ReportFilter
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.manifest import SCOPES
from addon.reports.model import TimeEntry
from addon.reports.periods import DateRange
from addon.secret import Secret
from addon.store.db import create_db_engine
from addon.store.migrate import upgrade
from addon.store.permits import RateLimiter
from sandbox import SandboxServer, TokenIssuer
from sandbox.data import Role, Tag, Workspace
from sandbox.faults import Fault, FaultKind
from sandbox.generator import generate_workspace
from sandbox.limiter import RatePolicy
from sandbox.manifests import parse_manifest
from sandbox.recorder import RequestRecord
from sandbox.state import SandboxState
from sandbox.tokens import ApiUrls
from tests.sandbox.conftest import ADDON_KEY, make_manifest

Q1 = DateRange(date(2025, 1, 1), date(2025, 3, 31))
FAST = RetryPolicy(deadline=8.0, backoff_base=0.01, backoff_max=0.05, max_retry_after=3.0)


@dataclass
class Site:
    """One generated workspace with the add-on installed, and its installation token."""

    sandbox: SandboxServer
    workspace: Workspace
    token: str
    urls: ApiUrls


@dataclass
class Harness:
    sandbox: SandboxServer
    capped: SandboxServer  # the same state, served with a 200-row page cap
    limiter: RateLimiter
    sites: dict[str, Site] = field(default_factory=dict)
    since: float = 0.0

    def client(
        self,
        site: Site,
        *,
        server: SandboxServer | None = None,
        token: str | None = None,
        retry: RetryPolicy = FAST,
        sleeps: list[float] | None = None,
        read_timeout: float = 10.0,
        on_token_rejected: Callable[[], None] | None = None,
        max_span_days: int = 366,
    ) -> ClockifyClient:
        urls = site.urls
        if server is not None:
            urls = ApiUrls.for_sandbox(server.url, site.workspace.region, site.workspace.subdomain)

        def sleep(seconds: float) -> None:
            if sleeps is not None:
                sleeps.append(seconds)
            time.sleep(seconds)

        transport = Transport(
            token=Secret(token or site.token),
            permits=self.limiter.for_workspace(site.workspace.id),
            retry=retry,
            read_timeout=read_timeout,
            on_token_rejected=on_token_rejected,
            sleep=sleep,
        )
        endpoints = Endpoints(site.workspace.id, urls.backend_url, urls.reports_url)
        return ClockifyClient(endpoints, transport, max_span_days=max_span_days)

    def reset(self) -> None:
        """Forget recorded requests; a slow one of an earlier test may still be logged later,
        so `requests` also ignores whatever arrived before this moment."""
        self.sandbox.state.recorder.reset()
        self.since = time.monotonic()

    def requests(self, site: Site, path_part: str = "") -> list[RequestRecord]:
        records = self.sandbox.state.recorder.records(site.workspace.id)
        return [r for r in records if path_part in r.path and r.monotonic >= self.since]


def _install(sandbox: SandboxServer, workspace: Workspace, scopes: list[str] | None) -> Site:
    document = make_manifest("http://127.0.0.1:9")
    document["scopes"] = list(SCOPES) if scopes is None else scopes
    manifest = parse_manifest(document, expected_key=ADDON_KEY)
    token = sandbox.register_installation(workspace, manifest).auth_token
    urls = ApiUrls.for_sandbox(sandbox.url, workspace.region, workspace.subdomain)
    return Site(sandbox, workspace, token, urls)


@pytest.fixture(scope="module")
def harness(issuer: TokenIssuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    state = SandboxState()
    database = tmp_path_factory.mktemp("client") / "limits.sqlite3"
    upgrade(f"sqlite:///{database}")
    engine = create_db_engine(f"sqlite:///{database}")
    with (
        SandboxServer(issuer, state=state) as sandbox,
        SandboxServer(issuer, state=state, report_page_size_cap=200) as capped,
    ):
        harness = Harness(sandbox, capped, RateLimiter(engine))
        plans = {
            "pro": dict(seed=31, entries=1_200, plan="PRO", region=None),
            "free": dict(seed=32, entries=400, plan="FREE", region=None),
            "eu": dict(seed=33, entries=150, plan="PRO", region="euc1"),
            "faulty": dict(seed=34, entries=120, plan="PRO", region=None),
            "acme": dict(seed=36, entries=150, plan="ENTERPRISE", region="euc1"),
        }
        for name, spec in plans.items():
            workspace = generate_workspace(
                state,
                int(spec["seed"]),  # type: ignore[call-overload]
                entries=int(spec["entries"]),  # type: ignore[call-overload]
                expenses=1_100 if name == "pro" else 20,
                start=Q1.start,
                end=Q1.end,
                plan=str(spec["plan"]),
                region=spec["region"],  # type: ignore[arg-type]
                subdomain="acme" if name == "acme" else None,
                currencies=("EUR", "USD"),
            )
            harness.sites[name] = _install(sandbox, workspace, None)
        blind = generate_workspace(
            state, 35, entries=10, expenses=0, start=Q1.start, end=Q1.end, currencies=("EUR",)
        )
        harness.sites["blind"] = _install(sandbox, blind, ["WORKSPACE_READ"])
        writes = generate_workspace(
            state, 37, entries=450, expenses=0, start=Q1.start, end=Q1.end, currencies=("EUR",)
        )
        harness.sites["writes"] = _install(sandbox, writes, None)
        yield harness
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean_faults(harness: Harness) -> Iterator[None]:
    yield
    harness.sandbox.state.faults.clear()


def _finished_in_sandbox(workspace: Workspace) -> set[str]:
    return {e.id for e in workspace.entries if e.end is not None}


def _query(site: Site, period: DateRange = Q1) -> ReportFilter:
    return ReportFilter(period, site.workspace.time_zone)


@pytest.fixture(scope="module")
def pro_entries(harness: Harness) -> list[TimeEntry]:
    site = harness.sites["pro"]
    with harness.client(site) as client:
        return list(client.detailed(_query(site)))


# -- pages, page sizes, ranges -------------------------------------------------------------------


def test_detailed_reads_every_page_with_the_largest_page_size(
    harness: Harness, pro_entries: list[TimeEntry]
) -> None:
    site = harness.sites["pro"]

    assert {e.id for e in pro_entries} == _finished_in_sandbox(site.workspace)
    assert len(pro_entries) > 1_000  # two pages of 1,000
    assert all(e.earned is not None for e in pro_entries if e.billable and e.hourly_rate)
    # Same entries as the sandbox's ground truth, in id order as requested.
    assert [e.id for e in pro_entries] == sorted(e.id for e in pro_entries)


def test_page_size_falls_back_to_200_when_1000_is_refused(
    harness: Harness, pro_entries: list[TimeEntry]
) -> None:
    site = harness.sites["pro"]
    harness.reset()

    with harness.client(site, server=harness.capped) as client:
        entries = list(client.detailed(_query(site)))

    assert entries == pro_entries
    statuses = [r.status for r in harness.requests(site, "/reports/detailed")]
    pages = -(-len(entries) // 200)  # Clockify's count ends the walk: no empty page after it
    assert statuses == [400] + [200] * pages


def test_expenses_are_read_to_the_end(harness: Harness) -> None:
    site = harness.sites["pro"]
    harness.reset()

    with harness.client(site) as client:
        expenses = list(client.expenses(_query(site)))

    assert {x.id for x in expenses} == {x.id for x in site.workspace.expenses}
    assert len(harness.requests(site, "/reports/expenses/detailed")) == 2  # 1,100 rows


def test_a_refused_long_range_is_split_into_months(harness: Harness) -> None:
    site = harness.sites["free"]
    harness.reset()

    with harness.client(site) as client:
        entries = list(client.detailed(_query(site)))
        again = list(client.detailed(_query(site)))  # the learned limit is kept

    assert {e.id for e in entries} == _finished_in_sandbox(site.workspace)
    assert entries == again
    statuses = [r.status for r in harness.requests(site, "/reports/detailed")]
    # 1000 then 200 refused (the range, not the size), then 3 months, twice.
    assert statuses == [400, 400] + [200] * 6


def test_a_period_over_a_year_is_requested_year_by_year(
    harness: Harness, pro_entries: list[TimeEntry]
) -> None:
    site = harness.sites["pro"]
    harness.reset()
    two_years = DateRange(date(2024, 1, 1), date(2025, 12, 31))

    with harness.client(site) as client:
        entries = list(client.detailed(_query(site, two_years)))

    assert entries == pro_entries
    # 2024 is empty (one request), 2025 holds two pages: never a refusal.
    assert [r.status for r in harness.requests(site, "/reports/detailed")] == [200] * 3


def test_summary_totals_equal_the_detailed_entries(
    harness: Harness, pro_entries: list[TimeEntry]
) -> None:
    site = harness.sites["pro"]

    with harness.client(site) as client:
        summary = client.summary(_query(site), ["PROJECT", "USER"])

    assert summary.totals is not None
    assert summary.totals.duration == sum(e.duration for e in pro_entries)
    assert sum(row.duration for row in summary.rows) == summary.totals.duration


def test_a_summary_longer_than_one_request_allows_is_refused_before_sending(
    harness: Harness,
) -> None:
    site = harness.sites["free"]
    harness.reset()

    with (
        harness.client(site, max_span_days=31) as client,
        pytest.raises(ClockifyRejectedRequest, match="at most 31 days"),
    ):
        client.summary(_query(site), ["PROJECT"])
    assert harness.requests(site, "/reports/") == []


# -- regular API ---------------------------------------------------------------------------------


def test_regular_api_objects_become_model_values(harness: Harness) -> None:
    site = harness.sites["pro"]
    ws = site.workspace

    with harness.client(site) as client:
        info = client.workspace()
        users = client.users()
        clients = client.clients()
        projects = client.projects()
        tasks = [t for p in projects for t in client.tasks(p.id)]
        tags = client.tags()

    assert (info.id, info.name, info.currency) == (ws.id, ws.name, "EUR")
    assert {u.id: u.email for u in users} == {u.id: u.email for u in ws.users.values()}
    for user in users:
        expected = ws.users[user.id].hourly_rate
        assert (user.hourly_rate.minor if user.hourly_rate else None) == (
            expected.amount if expected else None
        )
    assert {c.id: c.address for c in clients} == {c.id: c.address for c in ws.clients.values()}
    assert {p.id for p in projects} == set(ws.projects)
    assert {t.id for t in tasks} == set(ws.tasks)
    assert {t.id for t in tags} == set(ws.tags)
    book = rate_book(info, users, projects, tasks)
    for project in ws.projects.values():
        for member in project.memberships:
            rate = book.project_members.get((project.id, member.user_id))
            expected = member.hourly_rate.amount if member.hourly_rate else None
            assert (rate.minor if rate else None) == (expected or None)


def test_listings_follow_last_page_across_pages(harness: Harness) -> None:
    site = harness.sites["faulty"]
    with harness.sandbox.state.lock:
        for n in range(450):
            tag_id = f"{n:024x}"
            site.workspace.tags[tag_id] = Tag(tag_id, f"bulk tag {n}")
    harness.reset()

    with harness.client(site) as client:
        tags = client.tags()

    assert {t.id for t in tags} == set(site.workspace.tags)
    assert len(harness.requests(site, "/tags")) == 3  # 200 + 200 + the rest


@pytest.mark.parametrize(
    ("name", "hosts"),
    [
        ("eu", {"/regions/euc1/report", "/regions/euc1/api"}),
        ("acme", {"/subdomains/acme/report", "/regions/euc1/api"}),  # subdomain: reports only
    ],
)
def test_regional_and_subdomain_workspaces_are_called_on_their_own_hosts_only(
    harness: Harness, name: str, hosts: set[str]
) -> None:
    site = harness.sites[name]
    harness.reset()

    with harness.client(site) as client:
        entries = list(client.detailed(_query(site)))
        info = client.workspace()

    assert {e.id for e in entries} == _finished_in_sandbox(site.workspace)
    assert info.id == site.workspace.id
    assert {r.path.split("/v1/")[0] for r in harness.requests(site)} == hosts


# -- faults and retries --------------------------------------------------------------------------


def _inject(harness: Harness, site: Site, fault: Fault) -> None:
    harness.sandbox.state.faults.inject(site.workspace.id, fault)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.ERROR, status=503, count=2, path="/reports/"),
        Fault(FaultKind.ERROR, status=500, count=1, path="/reports/"),
        Fault(FaultKind.RATE_LIMIT, count=2, path="/reports/"),
        Fault(FaultKind.DROP, count=2, path="/reports/"),
        Fault(FaultKind.TRUNCATE, count=2, path="/reports/"),
    ],
    ids=["503x2", "500", "429x2", "drop", "truncate"],
)
def test_transient_failures_are_retried_until_the_report_arrives(
    harness: Harness, fault: Fault
) -> None:
    site = harness.sites["faulty"]
    with harness.client(site) as client:
        expected = list(client.detailed(_query(site)))
    _inject(harness, site, fault)

    with harness.client(site) as client:
        entries = list(client.detailed(_query(site)))
        stats = client.transport.stats

    assert entries == expected
    assert stats.retries == fault.count
    assert stats.throttled == (fault.count if fault.kind is FaultKind.RATE_LIMIT else 0)


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured_in_both_forms(harness: Harness, form: str) -> None:
    site = harness.sites["faulty"]
    _inject(
        harness,
        site,
        Fault(
            FaultKind.RATE_LIMIT,
            path="/workspaces/",
            retry_after=2,
            retry_after_format=form,  # type: ignore[arg-type]
        ),
    )
    sleeps: list[float] = []

    with harness.client(site, sleeps=sleeps) as client:
        info = client.workspace()

    assert info.id == site.workspace.id
    assert len(sleeps) == 1
    assert 0.9 <= sleeps[0] <= 2.0  # an HTTP date has one-second resolution


@pytest.mark.parametrize("retry_after", [True, False], ids=["with-retry-after", "without"])
def test_the_sandboxs_own_429s_are_retried_politely(harness: Harness, retry_after: bool) -> None:
    site = harness.sites["eu"]
    state = harness.sandbox.state
    state.limiter.configure(site.workspace.id, RatePolicy(limit=4, retry_after=retry_after))
    eager = RateLimiter(harness.limiter.engine, rate=1_000, burst=50)  # a limiter set too high
    transport = Transport(Secret(site.token), eager.for_workspace(site.workspace.id), FAST)
    client = ClockifyClient(
        Endpoints(site.workspace.id, site.urls.backend_url, site.urls.reports_url), transport
    )
    try:
        with client:
            found = {client.workspace().id for _ in range(10)}
    finally:
        state.limiter.configure(site.workspace.id, RatePolicy())

    assert found == {site.workspace.id}
    assert transport.stats.throttled > 0
    assert transport.stats.requests == 10 + transport.stats.throttled


def test_a_slow_answer_past_the_read_timeout_is_retried(harness: Harness) -> None:
    site = harness.sites["faulty"]
    _inject(harness, site, Fault(FaultKind.SLOW, delay=1.5, path="/workspaces/"))

    with harness.client(site, read_timeout=0.4) as client:
        info = client.workspace()

    assert info.id == site.workspace.id
    assert client.transport.stats.retries == 1


def test_failures_past_the_deadline_become_clockify_unavailable(harness: Harness) -> None:
    site = harness.sites["faulty"]
    _inject(harness, site, Fault(FaultKind.ERROR, status=502, count=1_000, path="/workspaces/"))
    policy = RetryPolicy(deadline=1.0, backoff_base=0.1, backoff_max=0.3)

    started = time.monotonic()
    with (
        harness.client(site, retry=policy) as client,
        pytest.raises(ClockifyUnavailable, match=r"the workspace .* HTTP 502"),
    ):
        client.workspace()
    assert time.monotonic() - started < 2.0


def test_an_unreachable_host_is_clockify_unavailable_not_a_requests_error(
    harness: Harness,
) -> None:
    site = harness.sites["faulty"]
    policy = RetryPolicy(deadline=0.5, backoff_base=0.05, backoff_max=0.1)
    transport = Transport(Secret(site.token), harness.limiter.for_workspace("nowhere"), policy)
    client = ClockifyClient(
        Endpoints(site.workspace.id, "http://127.0.0.1:9/api", "http://127.0.0.1:9/reports"),
        transport,
        currency="EUR",
    )

    with pytest.raises(ClockifyUnavailable, match="connection error"):
        list(client.detailed(_query(site)))


# -- refusals ------------------------------------------------------------------------------------


def test_a_validation_error_carries_clockifys_message_and_is_not_retried(
    harness: Harness,
) -> None:
    site = harness.sites["faulty"]
    harness.reset()

    with harness.client(site) as client, pytest.raises(ClockifyRejectedRequest) as caught:
        client.summary(_query(site, DateRange(date(2025, 1, 6), date(2025, 1, 12))), ["COLOR"])

    assert caught.value.clockify_code == 501
    assert "summaryFilter.groups" in caught.value.clockify_message
    assert caught.value.status == 422
    assert len(harness.requests(site, "/reports/summary")) == 1


def test_a_missing_scope_is_a_forbidden_error_naming_the_scope(harness: Harness) -> None:
    site = harness.sites["blind"]

    with harness.client(site) as client, pytest.raises(ClockifyForbidden) as caught:
        list(client.detailed(_query(site)))

    assert caught.value.scope == "REPORTS_READ"
    assert "REPORTS_READ" in str(caught.value)


def test_a_rejected_token_reports_4017_once_and_is_not_retried(
    harness: Harness, tmp_path: Path
) -> None:
    site = harness.sites["faulty"]
    stranger = TokenIssuer(addon_key=ADDON_KEY)  # signs with a key the sandbox never issued
    owner = next(u for u in site.workspace.users.values() if u.role is Role.OWNER)
    forged = stranger.installation_token(
        workspace_id=site.workspace.id, addon_id="x" * 24, owner_id=owner.id, urls=site.urls
    )
    rejected: list[str] = []
    harness.reset()

    with (
        harness.client(site, token=forged, on_token_rejected=lambda: rejected.append("x")) as c,
        pytest.raises(ClockifyTokenRejected, match="reinstall"),
    ):
        c.workspace()

    assert rejected == ["x"]
    assert [r.status for r in harness.requests(site)] == [401]


class _Answering:
    """A real HTTP server that gives every request the same answer (and counts them)."""

    def __init__(self, answer: Callable[[], Response]) -> None:
        self.requests = 0

        @Request.application
        def app(request: Request) -> Response:
            self.requests += 1
            return answer()

        self.server = make_server("127.0.0.1", 0, app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.port}"

    def __enter__(self) -> _Answering:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()


def _redirector() -> _Answering:
    return _Answering(lambda: Response(status=302, headers={"Location": "http://127.0.0.1:9/x"}))


def test_a_redirect_is_never_followed(harness: Harness) -> None:
    site = harness.sites["faulty"]
    with _redirector() as redirector:
        transport = Transport(Secret(site.token), harness.limiter.for_workspace("redirect"), FAST)
        client = ClockifyClient(
            Endpoints(site.workspace.id, f"{redirector.url}/api", f"{redirector.url}/reports"),
            transport,
        )
        with pytest.raises(ClockifyResponseError, match="redirect"):
            client.workspace()
        assert transport.stats.requests == 1


def test_no_token_in_any_error_message(harness: Harness) -> None:
    site = harness.sites["blind"]
    with harness.client(site) as client, pytest.raises(ClockifyForbidden) as caught:
        client.summary(_query(site), ["PROJECT"])
    assert site.token not in str(caught.value)
    assert site.token not in repr(client.transport)


# -- marking time invoiced ------------------------------------------------------------------------


def _flags(site: Site) -> dict[str, bool]:
    with site.sandbox.state.lock:
        return {e.id: e.invoiced for e in site.workspace.entries}


def test_marking_sends_batches_of_at_most_200_distinct_ids_and_unmarking_reverts(
    harness: Harness,
) -> None:
    site = harness.sites["writes"]
    ids = list(_flags(site))
    assert len(ids) > 2 * MARK_BATCH
    harness.reset()

    with harness.client(site) as client:
        marked = client.mark_invoiced(ids + ids[:50])  # repeats are sent once
        sent = harness.requests(site, "/time-entries/invoiced")
        assert marked.sent == len(ids) and marked.refused == ()
        assert all(_flags(site).values())
        client.mark_invoiced(ids, invoiced=False)

    assert not any(_flags(site).values())
    assert [r.status for r in sent] == [200, 200, 200]
    assert all(r.method == "PATCH" for r in sent)


def test_a_refused_entry_is_isolated_and_every_other_one_is_marked(harness: Harness) -> None:
    site = harness.sites["writes"]
    ids = list(_flags(site))[:40]
    harness.reset()

    with harness.client(site) as client:
        result = client.mark_invoiced([*ids[:17], "5f0000000000000000000bad", *ids[17:]])
        client.mark_invoiced(ids, invoiced=False)

    assert [entry for entry, _ in result.refused] == ["5f0000000000000000000bad"]
    assert "doesn't belong to Workspace" in result.refused[0][1]
    assert result.sent == 41
    statuses = [r.status for r in harness.requests(site, "/time-entries/invoiced")]
    assert statuses.count(400) <= 7  # halving finds one bad id among 41 in log2(41) steps


def test_marking_without_the_write_scope_is_forbidden_naming_it(harness: Harness) -> None:
    site = harness.sites["blind"]
    before = _flags(site)

    with harness.client(site) as client, pytest.raises(ClockifyForbidden) as caught:
        client.mark_invoiced(list(before), invoiced=not all(before.values()))

    assert caught.value.scope == "TIME_ENTRY_WRITE"
    assert _flags(site) == before


@pytest.mark.parametrize(
    "answer",
    [
        lambda: Response("OK", status=200, mimetype="text/plain"),
        lambda: Response('{"cut', status=200, mimetype="application/json"),
        lambda: Response(status=204),
    ],
    ids=["text", "broken-json", "no-content"],
)
def test_a_write_takes_any_2xx_answer_and_is_sent_once(
    harness: Harness, answer: Callable[[], Response]
) -> None:
    """Clockify's answer to the marking PATCH is undocumented: whatever 2xx body it sends, the
    write took effect and must not be repeated (a read would retry an unreadable body)."""
    site = harness.sites["faulty"]
    with _Answering(answer) as server:
        transport = Transport(Secret(site.token), harness.limiter.for_workspace("writes"), FAST)
        endpoints = Endpoints(site.workspace.id, f"{server.url}/api", f"{server.url}/reports")
        with ClockifyClient(endpoints, transport) as client:
            result = client.mark_invoiced(["e1", "e2"])

    assert (result.sent, result.refused, server.requests) == (2, (), 1)
