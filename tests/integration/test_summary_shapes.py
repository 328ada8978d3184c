"""Clockify's summary report and its totals parse alike in every served variant.

Against the real sandbox (see `reports_helpers.py`); the parsed summaries are also checked
against our own engine (`build_summary`) over the detailed entries of the same period.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from addon.clockify.errors import ClockifyResponseError
from addon.clockify.summaries import (
    parse_detailed_totals,
    parse_summary_report,
)
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy, SummaryRow, TimeEntry
from addon.reports.money import Money
from addon.reports.remote import ClockifySummary, ReportTotals, SummaryGroup
from sandbox import GUIDE, LIVE, OFFICIAL, ShapeMode, TokenIssuer
from tests.integration.reports_helpers import (
    CURRENCY,
    PERIOD,
    Reports,
    open_reports,
    shape_name,
)

EXACT = ShapeMode(money="float")  # unrounded cents: each row is rounded once, by our parser
GROUPINGS = [
    ("PROJECT",),
    ("TAG",),
    ("PROJECT", "USER"),
    ("CLIENT", "TAG"),
    ("DATE", "USER", "TIMEENTRY"),
    ("USER", "PROJECT", "TIMEENTRY"),
    ("TAG", "PROJECT", "TIMEENTRY"),
]
VARIANTS = [
    ShapeMode(totals="object"),
    ShapeMode(totals="null_list"),
    ShapeMode(totals="empty_list"),
    ShapeMode(total_amount_null=True),
    ShapeMode(by_currency="empty_object"),
    ShapeMode(totals="object", total_amount_null=True, by_currency="empty_object"),
    ShapeMode(group_id="_id"),
    ShapeMode(composite_entry_ids=True),
    ShapeMode(chart_key="donutChart"),
    ShapeMode(duration="float"),
    ShapeMode(duration="iso"),
    ShapeMode(money="float", duration="iso", group_id="_id"),
    LIVE,
    GUIDE,
]


class Fetch:
    """Summaries as served, each parsed once per (shape, grouping)."""

    def __init__(self, reports: Reports) -> None:
        self.reports = reports
        self.summaries: dict[tuple[ShapeMode, tuple[str, ...]], ClockifySummary] = {}

    def summary(self, shape: ShapeMode, groups: Sequence[str]) -> ClockifySummary:
        key = (shape, tuple(groups))
        if key not in self.summaries:
            body = {**PERIOD, "summaryFilter": {"groups": list(groups)}}
            raw = self.reports.post("summary", body, shape)
            self.summaries[key] = parse_summary_report(
                raw, groups=groups, currency_fallback=CURRENCY
            )
        return self.summaries[key]


@pytest.fixture(scope="module")
def reports(issuer: TokenIssuer) -> Iterator[Reports]:
    with open_reports(issuer) as client:
        yield client


@pytest.fixture(scope="module")
def fetch(reports: Reports) -> Fetch:
    return Fetch(reports)


@pytest.fixture(scope="module")
def entries(reports: Reports) -> list[TimeEntry]:
    return reports.entries(OFFICIAL)


def _lossy_totals(totals: ReportTotals | None, shape: ShapeMode) -> ReportTotals | None:
    """What a variant's totals can say, given the official ones: the documented losses."""
    if totals is None or shape.totals in ("null_list", "empty_list"):
        return None  # `[null]` and `[]` mean "no totals"
    if shape.total_amount_null:  # `totalAmount: null`, `amounts: []`, no per-currency list
        return replace(totals, amount=None, by_currency=(), amounts=())
    if shape.by_currency == "empty_object":  # `{}`: per-currency amounts unknown
        amounts = tuple(replace(a, by_currency=()) for a in totals.amounts)
        return replace(totals, by_currency=(), amounts=amounts)
    return totals


def _lossy_rows(rows: tuple[SummaryGroup, ...], shape: ShapeMode) -> tuple[SummaryGroup, ...]:
    """Groups' `amounts[].amountByCurrency` as `{}` (unknown) where the variant says so."""
    if shape.by_currency != "empty_object":
        return rows
    return tuple(
        replace(
            row,
            amounts=tuple(replace(a, by_currency=()) for a in row.amounts),
            children=_lossy_rows(row.children, shape),
        )
        for row in rows
    )


def _reference(shape: ShapeMode) -> ShapeMode:
    """The official shape with the variant's money form: `int` cents are rounded per entry first
    (as Clockify's integer rows are), float cents only once per row, so they may differ."""
    return EXACT if shape.money == "float" else OFFICIAL


def _walk(rows: Sequence[SummaryGroup]) -> Iterator[SummaryGroup]:
    for row in rows:
        yield row
        yield from _walk(row.children)


# -- every variant, same model -----------------------------------------------------------------


@pytest.mark.parametrize(
    "groups", [("PROJECT", "USER"), ("DATE", "USER", "TIMEENTRY")], ids="-".join
)
@pytest.mark.parametrize("shape", VARIANTS, ids=shape_name)
def test_summary_variant_parses_to_the_official_model(
    fetch: Fetch, shape: ShapeMode, groups: tuple[str, ...]
) -> None:
    reference = fetch.summary(_reference(shape), groups)

    parsed = fetch.summary(shape, groups)

    assert parsed.rows == _lossy_rows(reference.rows, shape)
    assert parsed.totals == _lossy_totals(reference.totals, shape)


def test_integer_and_float_cents_differ_at_most_by_rounding_each_entry(fetch: Fetch) -> None:
    groups = ("PROJECT", "USER")
    rounded, exact = fetch.summary(OFFICIAL, groups), fetch.summary(EXACT, groups)

    assert [(r.path, r.duration) for r in _walk(rounded.rows)] == [
        (r.path, r.duration) for r in _walk(exact.rows)
    ]
    assert rounded.totals is not None and exact.totals is not None
    entries = rounded.totals.entries or 0
    for cents, floats in zip(_walk(rounded.rows), _walk(exact.rows), strict=True):
        assert cents.amount is not None and floats.amount is not None
        assert abs(cents.amount.minor - floats.amount.minor) <= entries / 2


# -- nesting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("groups", GROUPINGS, ids="-".join)
def test_summary_nests_one_level_per_requested_group(fetch: Fetch, groups: tuple[str, ...]) -> None:
    summary = fetch.summary(OFFICIAL, groups)

    assert summary.groups == groups and summary.rows and summary.totals is not None
    for row in _walk(summary.rows):
        depth = len(row.path) - 1
        assert row.dimension == groups[depth]
        assert [dim for dim, _ in row.path] == list(groups[: depth + 1])
        assert row.path[-1] == (row.dimension, row.id)
        assert bool(row.children) is (depth + 1 < len(groups))
        assert row.amount is not None and row.amount.currency == CURRENCY
        if row.children and row.children[0].dimension != "TAG":  # a tagged entry counts per tag
            assert sum(c.duration for c in row.children) == row.duration
    if groups[0] != "TAG":
        assert sum(r.duration for r in summary.rows) == summary.totals.duration
    else:
        assert sum(r.duration for r in summary.rows) >= summary.totals.duration


def test_timeentry_rows_keep_their_own_key_and_the_full_composite_mapping(fetch: Fetch) -> None:
    groups = ("DATE", "USER", "TIMEENTRY")

    summary = fetch.summary(ShapeMode(composite_entry_ids=True), groups)

    leaves = [r for r in _walk(summary.rows) if r.dimension == "TIMEENTRY"]
    assert leaves and all(r.id == r.name for r in leaves)  # keyed by description
    day, user, _ = leaves[0].path
    assert day[0] == "DATE" and date.fromisoformat(day[1])
    assert user[0] == "USER" and user[1]


# -- our engine agrees -------------------------------------------------------------------------


def _engine_rows(rows: Sequence[SummaryRow], parent: tuple[str, ...] = ()) -> dict[Any, Any]:
    flat: dict[Any, Any] = {}
    for row in rows:
        path = (*parent, row.key.id)
        (amount,) = row.totals.amounts or (Money(0, CURRENCY),)
        flat[path] = (row.key.name, row.totals.duration, amount)
        flat.update(_engine_rows(row.children, path))
    return flat


def _remote_rows(rows: Sequence[SummaryGroup]) -> dict[Any, Any]:
    return {
        tuple(ident for _, ident in r.path): (r.name, r.duration, r.amount) for r in _walk(rows)
    }


@pytest.mark.parametrize("groups", [("PROJECT",), ("PROJECT", "USER")], ids="-".join)
def test_clockify_summary_matches_our_engine_over_the_same_entries(
    reports: Reports, fetch: Fetch, entries: list[TimeEntry], groups: tuple[str, ...]
) -> None:
    ours = build_summary(entries, [GroupBy(g) for g in groups], zone=reports.workspace.time_zone)
    # Our engine rounds each row once from its exact sum, like Clockify's float cents. Integer
    # cents are sums of per-entry rounded amounts, so against those only durations must agree.
    exact, rounded = fetch.summary(EXACT, groups), fetch.summary(OFFICIAL, groups)

    assert _remote_rows(exact.rows) == _engine_rows(ours.rows)
    assert {k: v[:2] for k, v in _remote_rows(rounded.rows).items()} == {
        k: v[:2] for k, v in _engine_rows(ours.rows).items()
    }
    assert exact.totals is not None
    assert (exact.totals.duration, exact.totals.billable_duration, exact.totals.entries) == (
        ours.totals.duration,
        ours.totals.billable_duration,
        ours.totals.entries,
    )
    assert exact.totals.by_currency == ours.totals.amounts


def test_detailed_page_totals_equal_the_summary_totals(reports: Reports, fetch: Fetch) -> None:
    body = {**PERIOD, "detailedFilter": {"page": 1, "pageSize": 50}}

    totals = parse_detailed_totals(
        reports.post("detailed", body, OFFICIAL), currency_fallback=CURRENCY
    )

    assert totals is not None and totals.entries == 300
    assert totals == fetch.summary(OFFICIAL, ("PROJECT",)).totals


# -- malformed bodies --------------------------------------------------------------------------

GROUPS = ("PROJECT", "TIMEENTRY")
MISSING = object()


def _summary() -> dict[str, Any]:
    return {
        "groupOne": [
            {
                "_id": "p1",
                "name": "Site",
                "duration": 3600,
                "amount": 5000,
                "clientName": "Acme",
                "children": [
                    {  # JSON objects may arrive with sorted keys
                        "id": {"TIMEENTRY": "Design", "PROJECT": "p1"},
                        "name": "Design",
                        "duration": "PT1H",
                        "amount": 5000.5,
                    }
                ],
            }
        ],
        "totals": [
            {
                "_id": "",
                "totalTime": 3600,
                "totalBillableTime": 3600.0,
                "entriesCount": 1,
                "totalAmount": 5000,
                "totalAmountByCurrency": [{"currency": "USD", "amount": 5000}],
                "numOfCurrencies": 1,
                "amounts": [{"type": "EARNED", "value": 5000, "amountByCurrency": {}}],
            }
        ],
        "donutChart": [],
    }


def _with(body: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    if value is MISSING:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


def test_well_formed_summary_parses_with_fallback_currency_and_request_order_paths() -> None:
    summary = parse_summary_report(_summary(), groups=GROUPS, currency_fallback="EUR")

    (site,) = summary.rows
    (design,) = site.children
    assert (site.id, site.client_name, site.amount) == ("p1", "Acme", Money(5000, "EUR"))
    assert (design.id, design.duration, design.amount) == ("Design", 3600, Money(5001, "EUR"))
    assert design.path == (("PROJECT", "p1"), ("TIMEENTRY", "Design"))
    assert summary.totals == ReportTotals(
        3600, 3600, 1, Money(5000, "USD"), (Money(5000, "USD"),), summary.totals.amounts
    )
    assert summary.totals.amounts[0].value == Money(5000, "USD")


SUMMARY_ERRORS = [
    ((), [], r"^\$: expected an object"),
    (("groupOne",), {}, r"^groupOne: expected an array"),
    (("groupOne",), MISSING, r"^groupOne: expected an array, got null"),
    (("groupOne", 0), "p1", r"^groupOne\[0\]: expected an object"),
    (("groupOne", 0, "_id"), MISSING, r"^groupOne\[0\]\._id: missing"),
    (("groupOne", 0, "_id"), 7, r"^groupOne\[0\]\._id: expected a string"),
    (("groupOne", 0, "name"), MISSING, r"^groupOne\[0\]\.name: missing"),
    (("groupOne", 0, "duration"), -5, r"^groupOne\[0\]\.duration: expected a whole, non-neg"),
    (("groupOne", 0, "duration"), 1.5, r"^groupOne\[0\]\.duration: expected a whole"),
    (("groupOne", 0, "duration"), None, r"^groupOne\[0\]\.duration: expected a number"),
    (("groupOne", 0, "amount"), "lots", r"^groupOne\[0\]\.amount: "),
    (("groupOne", 0, "amount"), True, r"^groupOne\[0\]\.amount: expected an amount"),
    (("groupOne", 0, "clientName"), {"n": 1}, r"^groupOne\[0\]\.clientName: expected a string"),
    (("groupOne", 0, "children"), {}, r"^groupOne\[0\]\.children: expected an array"),
    (
        ("groupOne", 0, "children", 0, "duration"),
        "PT1.5H",
        r"^groupOne\[0\]\.children\[0\]\.duration: expected an ISO-8601 duration",
    ),
    (
        ("groupOne", 0, "children", 0, "duration"),
        "2 hours",
        r"^groupOne\[0\]\.children\[0\]\.duration: expected an ISO-8601 duration",
    ),
    (
        ("groupOne", 0, "children", 0, "id"),
        {"PROJECT": "p1"},
        r"^groupOne\[0\]\.children\[0\]\.id\.TIMEENTRY: missing",
    ),
    (
        ("groupOne", 0, "children", 0, "id", "PROJECT"),
        ["p1"],
        r"^groupOne\[0\]\.children\[0\]\.id\.PROJECT: expected a string, got an array",
    ),
    (
        ("groupOne", 0, "children", 0, "children"),
        [{"id": "x", "name": "x", "duration": 1}],
        r"^groupOne\[0\]\.children\[0\]\.children: nested deeper than the 2 groups",
    ),
    (("totals",), "none", r"^totals: expected an object, got a string"),
    (("totals", 0, "totalTime"), "PT", r"^totals\[0\]\.totalTime: expected an ISO-8601"),
    (("totals", 0, "totalBillableTime"), MISSING, r"^totals\[0\]\.totalBillableTime: missing"),
    (("totals", 0, "entriesCount"), -1, r"^totals\[0\]\.entriesCount: expected a whole"),
    (("totals", 0, "totalAmount"), [], r"^totals\[0\]\.totalAmount: expected an amount"),
    (
        ("totals", 0, "totalAmountByCurrency"),
        {"USD": 5000},
        r"^totals\[0\]\.totalAmountByCurrency: expected an array, got an object",
    ),
    (
        ("totals", 0, "totalAmountByCurrency", 0, "currency"),
        None,
        r"^totals\[0\]\.totalAmountByCurrency\[0\]\.currency: expected a string",
    ),
    (
        ("totals", 0, "totalAmountByCurrency", 0, "amount"),
        MISSING,
        r"^totals\[0\]\.totalAmountByCurrency\[0\]\.amount: missing",
    ),
    (("totals", 0, "amounts", 0, "value"), None, r"^totals\[0\]\.amounts\[0\]\.value: expected"),
    (("totals", 0, "amounts", 0, "type"), 1, r"^totals\[0\]\.amounts\[0\]\.type: expected a str"),
]


@pytest.mark.parametrize(("path", "value", "message"), SUMMARY_ERRORS)
def test_malformed_summary_names_the_path_and_never_the_value(
    path: tuple[str | int, ...], value: object, message: str
) -> None:
    body: object = value if not path else _with(_summary(), path, value)

    with pytest.raises(ClockifyResponseError, match=message) as caught:
        parse_summary_report(body, groups=GROUPS, currency_fallback="EUR")

    if isinstance(value, str) and len(value) > 4:
        assert value not in str(caught.value)


@pytest.mark.parametrize("totals", [[], [None], None, {}, [None, None]])
def test_absent_totals_parse_to_none(totals: object) -> None:
    body = _with(_summary(), ("totals",), totals)

    assert parse_summary_report(body, groups=GROUPS, currency_fallback="EUR").totals is None


def test_a_null_group_id_is_a_without_group_row() -> None:
    body = _with(_summary(), ("groupOne", 0, "_id"), None)

    (row,) = parse_summary_report(body, groups=GROUPS, currency_fallback="EUR").rows

    assert row.id == "" and row.path == (("PROJECT", ""),)
    assert row.children[0].path == (("PROJECT", "p1"), ("TIMEENTRY", "Design"))  # as sent


def test_caller_must_name_the_requested_groups() -> None:
    with pytest.raises(ValueError, match="groups"):
        parse_summary_report(_summary(), groups=(), currency_fallback="EUR")
    with pytest.raises(ValueError, match="groups"):
        parse_summary_report(_summary(), groups="PROJECT", currency_fallback="EUR")
