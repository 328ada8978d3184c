"""Reports are complete whichever way Clockify answers, or fail saying why.

The sandbox plays each side of what real Clockify may do (`sandbox/behaviour.py`): pages and
ranges served silently short, 401 for a missing scope, rows typed, nested or without names. Every
summary and invoice fetch runs across those presets against one generated workspace (with
breaks, holidays and time off among its entries), and the sandbox's own data is the oracle:

* a finished summary counts exactly the REGULAR entries and seconds Clockify holds for the
  period, keeps non-work time apart, and says it was checked against all of them;
* drafts bill no break, holiday or time off, and only billable, uninvoiced work;
* a hypothesis property over presets, workspace sizes and periods: every report either equals
  the sandbox's totals exactly or raised a `ClockifyError` with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.errors import ClockifyError, ClockifyForbidden, ClockifyIncomplete
from addon.clockify.queries import ReportFilter
from addon.clockify.reconcile import RangeService, ReportLimits
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.manifest import SCOPES
from addon.reports.model import EntryType, GroupBy, Summary
from addon.reports.periods import DateRange, Weekday
from addon.reports.terms import InvoiceTerms
from addon.secret import Secret
from addon.services.reports import fetch_invoice_drafts, fetch_summary
from sandbox import SandboxServer, TokenIssuer
from sandbox.behaviour import MATRIX, PRESETS
from sandbox.data import Workspace
from sandbox.generator import generate_workspace
from sandbox.manifests import parse_manifest
from sandbox.shapes import LIVE
from sandbox.tokens import ApiUrls
from tests.sandbox.conftest import ADDON_KEY, make_manifest

ZONE = "Europe/Berlin"
SPAN = DateRange(date(2025, 1, 1), date(2025, 5, 31))  # 151 days: long, but within a year
FAST = RetryPolicy(deadline=8.0, backoff_base=0.01, backoff_max=0.05, max_retry_after=3.0)


class _Permits:
    def acquire(self, *, max_wait: float = 0.0) -> float:
        return 0.0


@dataclass
class Site:
    sandbox: SandboxServer
    workspace: Workspace
    token: str

    def client(
        self,
        limits: ReportLimits | None = None,
        on_learned: Callable[[ReportLimits], None] | None = None,
    ) -> ClockifyClient:
        urls = ApiUrls.for_sandbox(self.sandbox.url, None)
        transport = Transport(Secret(self.token), _Permits(), FAST)
        endpoints = Endpoints(self.workspace.id, urls.backend_url, urls.reports_url)
        return ClockifyClient(endpoints, transport, limits=limits, on_learned=on_learned)

    def play(self, preset: str) -> None:
        """Answer as `preset` does (presets that need FREE set it, the others give PRO back)."""
        self.sandbox.state.apply_preset(self.workspace.id, preset)


def _install(sandbox: SandboxServer, workspace: Workspace, scopes: list[str]) -> str:
    document = {**make_manifest("http://127.0.0.1:9"), "scopes": scopes}
    manifest = parse_manifest(document, expected_key=ADDON_KEY)
    return sandbox.register_installation(workspace, manifest).auth_token


@pytest.fixture(scope="module")
def sandbox(issuer: TokenIssuer) -> Iterator[SandboxServer]:
    with SandboxServer(issuer) as server:
        yield server


def _site(sandbox: SandboxServer, seed: int, entries: int, non_work: int) -> Site:
    workspace = generate_workspace(
        sandbox.state,
        seed,
        entries=entries,
        expenses=entries // 40,
        start=SPAN.start,
        end=SPAN.end,
        currencies=("EUR", "USD"),
        non_work=non_work,
    )
    assert not workspace.settings.time_rounding_in_reports  # the oracle reads raw seconds
    return Site(sandbox, workspace, _install(sandbox, workspace, list(SCOPES)))


@pytest.fixture(scope="module")
def site(sandbox: SandboxServer) -> Site:
    return _site(sandbox, 501, 1500, 60)


@pytest.fixture(scope="module")
def sites(sandbox: SandboxServer, site: Site) -> dict[int, Site]:
    """Workspaces of several sizes for the property: empty, small, and the large one."""
    return {0: _site(sandbox, 502, 0, 0), 40: _site(sandbox, 503, 40, 6), 1500: site}


@dataclass(frozen=True)
class Oracle:
    """What the sandbox holds for a period: all entries, and the REGULAR ones."""

    entries: int
    seconds: int
    work_entries: int
    work_seconds: int
    by_type: dict[str, tuple[int, int]]


def _typed(site: Site) -> bool:
    """Whether rows carry `type`: without it every row is work, as the issue rules."""
    return site.sandbox.state.behaviour(site.workspace.id).row_type == "present"


def _oracle(site: Site, period: DateRange) -> Oracle:
    zone = ZoneInfo(ZONE)
    found = [
        e
        for e in site.workspace.entries
        if period.start <= e.start.astimezone(zone).date() <= period.end
    ]
    if not _typed(site):
        found = [replace(e, type="REGULAR") for e in found]
    work = [e for e in found if e.type == "REGULAR"]
    by_type: dict[str, tuple[int, int]] = {}
    for entry in found:
        if entry.type != "REGULAR":
            count, seconds = by_type.get(entry.type, (0, 0))
            by_type[entry.type] = (count + 1, seconds + entry.seconds)
    return Oracle(
        len(found),
        sum(e.seconds for e in found),
        len(work),
        sum(e.seconds for e in work),
        by_type,
    )


def _summary(site: Site, period: DateRange = SPAN) -> Summary:
    with site.client() as client:
        return fetch_summary(
            client, ReportFilter(period, ZONE), [GroupBy.PROJECT], week_start=Weekday.MONDAY
        )


def _assert_complete(summary: Summary, oracle: Oracle) -> None:
    assert summary.check is not None
    assert (summary.check.entries, summary.check.duration) == (oracle.entries, oracle.seconds)
    assert (summary.totals.entries, summary.totals.duration) == (
        oracle.work_entries,
        oracle.work_seconds,
    )
    apart = {kind.value: (t.entries, t.duration) for kind, t in summary.non_work}
    assert apart == oracle.by_type


@pytest.mark.parametrize("preset", MATRIX)
def test_every_summary_is_complete_and_says_what_it_was_checked_against(
    site: Site, preset: str
) -> None:
    site.play(preset)

    summary = _summary(site)

    oracle = _oracle(site, SPAN)
    assert oracle.entries > 1000
    assert bool(oracle.by_type) == _typed(site)  # breaks, holidays and time off, when typed
    _assert_complete(summary, oracle)
    named = {row.key.name for row in summary.rows}
    assert "" not in named and not any(name.startswith("Unknown") for name in named)


@pytest.mark.parametrize("preset", MATRIX)
def test_drafts_bill_only_billable_uninvoiced_work_across_presets(site: Site, preset: str) -> None:
    site.play(preset)
    terms = InvoiceTerms(zone=ZONE)

    with site.client() as client:
        drafts = fetch_invoice_drafts(
            client, ReportFilter(SPAN, ZONE), terms=terms, issue_date=SPAN.end
        )

    zone = ZoneInfo(ZONE)
    held = {
        e.id: e if _typed(site) else replace(e, type="REGULAR")
        for e in site.workspace.entries
        if SPAN.start <= e.start.astimezone(zone).date() <= SPAN.end
    }
    billed = [i for d in drafts for line in d.lines for i in line.entry_ids]
    assert drafts and billed and len(billed) == len(set(billed))
    for entry_id in billed:
        entry = held[entry_id]
        assert entry.type == "REGULAR" and entry.billable and not entry.invoiced
    non_work_billable = [
        e for e in held.values() if e.type != "REGULAR" and e.billable and e.project_id
    ]
    assert bool(non_work_billable) == _typed(site)  # the data could have tempted an invoice
    assert sum(d.non_work_left_out for d in drafts) == len(non_work_billable)
    assert all(d.check is not None and d.check.expenses is not None for d in drafts)


def test_a_silent_page_cap_is_learned_from_what_came_back(site: Site) -> None:
    site.play("silent_page_cap")
    learned: list[ReportLimits] = []

    with site.client(on_learned=learned.append) as client:
        entries = list(client.detailed(ReportFilter(SPAN, ZONE)))

    assert len(entries) == _oracle(site, SPAN).entries
    assert learned and learned[-1].page_size == 200


def test_a_range_served_in_part_is_found_and_remembered(site: Site) -> None:
    site.play("partial_range")
    learned: list[ReportLimits] = []

    with site.client(on_learned=learned.append) as client:
        entries = list(client.detailed(ReportFilter(SPAN, ZONE)))

    assert len(entries) == _oracle(site, SPAN).entries
    assert learned[-1].long_ranges is RangeService.MONTHS
    site.sandbox.state.recorder.reset()
    with site.client(learned[-1]) as client:  # the next report starts from what was learned
        again = list(client.detailed(ReportFilter(SPAN, ZONE)))
    assert {e.id for e in again} == {e.id for e in entries}
    records = site.sandbox.state.recorder.records(site.workspace.id)
    served = [r for r in records if "/reports/detailed" in r.path and r.status == 200]
    assert len(served) == 5  # one per month (a 429 retried under load is not a page served)


@pytest.mark.parametrize("status", [401, 403])
def test_a_missing_scope_names_it_whichever_status_clockify_uses(
    sandbox: SandboxServer, status: int
) -> None:
    workspace = generate_workspace(
        sandbox.state, 510 + status, entries=5, expenses=0, start=SPAN.start, end=SPAN.start
    )
    narrow = Site(sandbox, workspace, _install(sandbox, workspace, [*set(SCOPES) - {"TAG_READ"}]))
    narrow.play("scope_401" if status == 401 else "live")

    with narrow.client() as client, pytest.raises(ClockifyForbidden) as caught:
        client.tags()

    assert caught.value.scope == "TAG_READ"
    records = sandbox.state.recorder.records(workspace.id)
    assert [r.status for r in records if "/tags" in r.path] == [status]


periods = st.builds(
    lambda start, days: DateRange(
        SPAN.start + timedelta(days=start),
        min(SPAN.end, SPAN.start + timedelta(days=start + days - 1)),
    ),
    st.integers(0, 140),
    st.integers(1, 151),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(preset=st.sampled_from(MATRIX), size=st.sampled_from([0, 40, 1500]), period=periods)
def test_every_finished_report_equals_clockifys_data_or_failed_with_a_reason(
    sites: dict[int, Site], preset: str, size: int, period: DateRange
) -> None:
    site = sites[size]
    site.play(preset)

    try:
        summary = _summary(site, period)
    except ClockifyError as exc:  # allowed, if it says why
        assert str(exc)
        return

    _assert_complete(summary, _oracle(site, period))


def test_presets_cover_what_the_matrix_needs() -> None:
    assert set(MATRIX) == set(PRESETS) - {"free_quota"}
    assert PRESETS["live"].shape == LIVE
    assert {EntryType.BREAK.value, EntryType.HOLIDAY.value, EntryType.TIME_OFF.value}


def test_a_total_clockify_gives_without_currencies_does_not_fail_a_multi_currency_report(
    site: Site,
) -> None:
    site.play("live")
    site.sandbox.state.set_shape(site.workspace.id, replace(LIVE, by_currency="empty_object"))
    try:
        summary = _summary(site)
    finally:
        site.play("live")

    assert {e.currency for e in site.workspace.entries} == {"EUR", "USD"}
    _assert_complete(summary, _oracle(site, SPAN))
    assert summary.check is not None and summary.check.amounts == ()  # nothing to print


_FAILURES = "addon_reconciliation_failures_total"


@pytest.mark.parametrize("totals", ["null_list", "empty_list"])
def test_rows_without_any_totals_to_check_them_fail_the_report_saying_so(
    site: Site, totals: str
) -> None:
    site.play("live")
    site.sandbox.state.set_shape(site.workspace.id, replace(LIVE, totals=totals))
    counted = REGISTRY.get_sample_value(_FAILURES, {"report": "detailed"}) or 0.0
    try:
        with pytest.raises(ClockifyIncomplete, match="sent no totals") as caught:
            _summary(site)
    finally:
        site.play("live")

    assert "cannot be checked" in str(caught.value) and "nothing was built" in str(caught.value)
    assert REGISTRY.get_sample_value(_FAILURES, {"report": "detailed"}) == counted + 1
    records = site.sandbox.state.recorder.records(site.workspace.id)
    assert any("/reports/summary" in r.path for r in records)  # the cheap totals call was tried
