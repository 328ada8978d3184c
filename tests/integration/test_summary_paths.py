"""Both summary paths agree on the same data, across every way the sandbox plays Clockify.

The summary-report path (Clockify's own summary, one request per range window) and the engine
path (every detailed row) are run for the same request: durations and entry counts must be
identical, and each row's amount within `amount_bound` of the engine's (Clockify rounds per
group, the engine once per exact sum). Where the summary cannot be verified (group amounts in
several currencies with no breakdown, a summary that leaves out non-work entries), the result
must be the engine's. And a year of 100,000 entries costs at most 3 Clockify requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from addon.clockify.queries import ReportFilter
from addon.manifest import SCOPES
from addon.reports.from_clockify import amount_bound
from addon.reports.model import GroupBy, NonWorkTime, Summary, SummaryRow, SummarySource
from addon.reports.periods import DateRange, Weekday
from addon.services.reports import fetch_summary
from sandbox import SandboxServer, TokenIssuer
from sandbox.behaviour import MATRIX
from sandbox.generator import generate_workspace
from tests.integration.test_reconciliation import SPAN, ZONE, Site, _install, _site

GROUPINGS = (
    (GroupBy.PROJECT, GroupBy.USER),
    (GroupBy.CLIENT, GroupBy.TAG, GroupBy.TASK),
    (GroupBy.WEEK, GroupBy.PROJECT),
    (GroupBy.USER, GroupBy.MONTH),
    (GroupBy.DATE,),
    (),
)


@pytest.fixture(scope="module")
def sandbox(issuer: TokenIssuer) -> Iterator[SandboxServer]:
    with SandboxServer(issuer) as server:
        yield server


@pytest.fixture(scope="module")
def site(sandbox: SandboxServer) -> Site:
    return _site(sandbox, 511, 1500, 60)  # EUR and USD, with breaks, holidays and time off


def _fetch(
    site: Site,
    groups: tuple[GroupBy, ...],
    non_work: NonWorkTime = NonWorkTime.INCLUDE,
    query: ReportFilter | None = None,
) -> tuple[Summary, int]:
    site.sandbox.state.recorder.reset()
    with site.client() as client:
        summary = fetch_summary(
            client,
            query or ReportFilter(SPAN, ZONE),
            groups,
            week_start=Weekday.SUNDAY,
            non_work=non_work,
        )
    return summary, len(site.sandbox.state.recorder.records(site.workspace.id))


def _amounts(row_amounts: tuple[object, ...]) -> dict[str, int]:
    return {m.currency: m.minor for m in row_amounts if m.minor}  # type: ignore[attr-defined]


def _assert_rows_agree(ours: tuple[SummaryRow, ...], engine: tuple[SummaryRow, ...]) -> None:
    assert [(r.key, r.group) for r in ours] == [(r.key, r.group) for r in engine]
    for mine, theirs in zip(ours, engine, strict=True):
        assert mine.totals.duration == theirs.totals.duration
        assert mine.totals.entries is None and mine.totals.billable_duration is None
        got, want = _amounts(mine.totals.amounts), _amounts(theirs.totals.amounts)
        assert got.keys() == want.keys()
        bound = amount_bound(theirs.totals.entries or 0)
        assert all(abs(got[code] - want[code]) <= bound for code in want), (mine.key, got, want)
        _assert_rows_agree(mine.children, theirs.children)


def _assert_agree(ours: Summary, engine: Summary) -> None:
    assert (ours.source, engine.source) == (SummarySource.CLOCKIFY, SummarySource.ENGINE)
    assert ours.check == engine.check
    t, e = ours.totals, engine.totals
    assert (t.duration, t.billable_duration, t.entries) == (
        e.duration,
        e.billable_duration,
        e.entries,
    )
    got, want = _amounts(t.amounts), _amounts(e.amounts)
    assert got.keys() == want.keys()
    assert all(abs(got[c] - want[c]) <= amount_bound(e.entries or 0) for c in want)
    _assert_rows_agree(ours.rows, engine.rows)


@pytest.mark.parametrize("preset", MATRIX)
def test_summary_report_path_agrees_with_the_engine_across_presets(site: Site, preset: str) -> None:
    site.play(preset)
    for groups in GROUPINGS:
        ours, _ = _fetch(site, groups)
        engine = _engine(site, groups)

        _assert_agree(ours, engine)


def _engine(site: Site, groups: tuple[GroupBy, ...]) -> Summary:
    """The engine path for the same request (INCLUDE)."""
    with site.client() as client:
        return fetch_summary(
            client,
            ReportFilter(SPAN, ZONE),
            groups,
            week_start=Weekday.SUNDAY,
            non_work=NonWorkTime.INCLUDE,
            source=SummarySource.ENGINE,
        )


def test_filters_reach_the_summary_report_and_fix_billable_time(site: Site) -> None:
    site.play("live")
    project = next(iter(site.workspace.projects))
    query = ReportFilter(SPAN, ZONE, projects=(project,), billable=True)

    ours, _ = _fetch(site, (GroupBy.USER,), query=query)

    assert ours.source is SummarySource.CLOCKIFY
    assert all(row.totals.billable_duration == row.totals.duration for row in ours.rows)
    assert ours.totals.billable_duration == ours.totals.duration


def test_separate_non_work_time_takes_the_engine_path(site: Site) -> None:
    site.play("live")

    summary, _ = _fetch(site, (GroupBy.PROJECT,), NonWorkTime.SEPARATE)

    assert summary.source is SummarySource.ENGINE and summary.non_work


def _behave(site: Site, **switches: str) -> None:
    state = site.sandbox.state
    state.set_behaviour(site.workspace.id, replace(state.behaviour(site.workspace.id), **switches))


def test_mixed_group_amounts_in_two_currencies_fall_back_to_the_engine(site: Site) -> None:
    site.play("live")
    _behave(site, group_amounts="mixed")
    try:
        summary, _ = _fetch(site, (GroupBy.PROJECT,))
    finally:
        site.play("live")

    assert summary.source is SummarySource.ENGINE
    assert len(summary.totals.amounts) == 2


def test_a_summary_that_leaves_out_non_work_entries_is_caught(site: Site) -> None:
    site.play("live")
    _behave(site, summary_types="work")
    try:
        summary, _ = _fetch(site, (GroupBy.PROJECT,))
    finally:
        site.play("live")

    assert summary.source is SummarySource.ENGINE
    assert summary.check is not None and summary.totals.entries == summary.check.entries


@pytest.fixture(scope="module")
def year(sandbox: SandboxServer) -> Site:
    """100,000 entries over 2025 in one currency, as bench/fetch.py seeds them."""
    workspace = generate_workspace(
        sandbox.state,
        7,
        entries=100_000,
        expenses=0,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        currencies=("EUR",),
    )
    return Site(sandbox, workspace, _install(sandbox, workspace, list(SCOPES)))


def test_a_year_of_100000_entries_costs_at_most_3_requests(year: Site) -> None:
    query = ReportFilter(DateRange(date(2025, 1, 1), date(2025, 12, 31)), ZONE)
    year.sandbox.state.recorder.reset()

    with year.client() as client:
        summary = fetch_summary(
            client,
            query,
            (GroupBy.PROJECT, GroupBy.MONTH),
            week_start=Weekday.MONDAY,
            non_work=NonWorkTime.INCLUDE,
        )

    records = year.sandbox.state.recorder.records(year.workspace.id)
    assert summary.source is SummarySource.CLOCKIFY
    assert summary.totals.entries == summary.check.entries == 100_000  # type: ignore[union-attr]
    assert len(records) <= 3, [r.path for r in records]
