"""Parses Clockify's summary report and report totals, in every documented variant.

The sources disagree (reports-api.md §4.1-§4.3 and §10, `sandbox/shapes.py`), so we accept:

- totals: a list holding one object (official), a bare object, `[null]` or `[]`; the last two
  (and a missing or empty `totals`) mean "no totals" and parse to `None`. `totalAmount` may be
  null, `totalAmountByCurrency` a list of `{currency, amount}` or `{}` (unknown), `amounts` a
  list (maybe empty) of `{type, value, amountByCurrency}`; the id is `id` or `_id` and ignored.
- groups (`groupOne[]`, recursive `children`): the id under `id` or `_id`; at TIMEENTRY level
  it may be an object keyed by the grouping dimensions (`{"DATE": ..., "TIMEENTRY": ...}`): the
  row keeps its own dimension's value as its id and the whole mapping as its `path`.
- durations in seconds (int or whole float) or ISO-8601 (`PT2H`); amounts in minor units, int
  or fractional, rounded once by `money_from_report`. The chart (`chart`/`donutChart`) is ignored.

A group's `amount` has no currency and, in a multi-currency workspace, sums all currencies:
it is labelled with `currency_fallback` (the workspace's) and documented as such in
`addon/reports/remote.py`. Errors are `ClockifyResponseError`s naming the JSON path and the
expected type, never the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from addon.clockify.errors import ClockifyResponseError
from addon.clockify.fields import (
    Row,
    _array,
    _count,
    _duration,
    _money,
    _object,
    _optional_text,
    _text,
)
from addon.reports.money import Money
from addon.reports.remote import (
    ClockifySummary,
    ReportAmount,
    ReportTotals,
    SummaryGroup,
)

__all__ = [
    "parse_detailed_totals",
    "parse_report_totals",
    "parse_summary_report",
]

MAX_GROUPS = 3


def parse_summary_report(
    raw: object, *, groups: Sequence[str], currency_fallback: str
) -> ClockifySummary:
    """A `/reports/summary` body; `groups` is the request's `summaryFilter.groups`.

    The response does not say which dimension each level is, so the request has to.
    """
    if isinstance(groups, str) or not 1 <= len(groups) <= MAX_GROUPS:
        raise ValueError(f"groups: pass the request's 1 to {MAX_GROUPS} summaryFilter.groups.")
    levels = tuple(groups)
    body = _object(raw, "$")
    return ClockifySummary(
        levels,
        _groups(body.get("groupOne"), "groupOne", levels, (), currency_fallback),
        parse_report_totals(body.get("totals"), "totals", currency_fallback),
    )


def parse_detailed_totals(raw: object, *, currency_fallback: str) -> ReportTotals | None:
    """The totals of a `/reports/detailed` page (the same on every page: the whole report's)."""
    body = _object(raw, "$")
    return parse_report_totals(body.get("totals"), "totals", currency_fallback)


def parse_report_totals(raw: object, path: str, currency_fallback: str) -> ReportTotals | None:
    """TimeEntryReportTotals in any variant, or `None` when the report sent none."""
    if isinstance(raw, list):
        index = next((i for i, item in enumerate(raw) if item is not None), None)
        if index is None:
            return None
        raw, path = raw[index], f"{path}[{index}]"
    if raw is None:
        return None
    body = _object(raw, path)
    if not body:
        return None
    by_currency = _by_currency(body.get("totalAmountByCurrency"), f"{path}.totalAmountByCurrency")
    # With a single currency the total is certainly in it; otherwise Clockify mixed them.
    currency = by_currency[0].currency if len(by_currency) == 1 else currency_fallback
    entries = body.get("entriesCount")
    return ReportTotals(
        duration=_duration(_required(body, "totalTime", path), f"{path}.totalTime"),
        billable_duration=_duration(
            _required(body, "totalBillableTime", path), f"{path}.totalBillableTime"
        ),
        entries=None if entries is None else _count(entries, f"{path}.entriesCount"),
        amount=_amount(body, "totalAmount", path, currency),
        by_currency=by_currency,
        amounts=_amounts(body.get("amounts"), f"{path}.amounts", currency),
    )


def _groups(
    value: object,
    path: str,
    levels: tuple[str, ...],
    parent: tuple[tuple[str, str], ...],
    fallback: str,
) -> tuple[SummaryGroup, ...]:
    items = _array(value, path)
    if items and len(parent) >= len(levels):
        raise ClockifyResponseError(f"{path}: nested deeper than the {len(levels)} groups asked.")
    return tuple(
        _group(_object(item, f"{path}[{i}]"), f"{path}[{i}]", levels, parent, fallback)
        for i, item in enumerate(items)
    )


def _group(
    row: Row,
    path: str,
    levels: tuple[str, ...],
    parent: tuple[tuple[str, str], ...],
    fallback: str,
) -> SummaryGroup:
    dimension = levels[len(parent)]
    ident, here = _group_key(row, path, dimension, parent)
    children = row.get("children")
    return SummaryGroup(
        dimension=dimension,
        id=ident,
        name=_text(_required(row, "name", path), f"{path}.name"),
        duration=_duration(_required(row, "duration", path), f"{path}.duration"),
        amount=_amount(row, "amount", path, fallback),
        client_name=_optional_text(row, "clientName", path),
        color=_optional_text(row, "color", path),
        path=here,
        children=()
        if children is None
        else _groups(children, f"{path}.children", levels, here[: len(parent) + 1], fallback),
        amounts=_amounts(row.get("amounts"), f"{path}.amounts", fallback),
    )


def _group_key(
    row: Row, path: str, dimension: str, parent: tuple[tuple[str, str], ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The row's own id and its `(dimension, id)` path from the top, composite ids included."""
    key = next((k for k in ("_id", "id") if k in row), None)
    if key is None:
        raise ClockifyResponseError(f"{path}._id: missing (also looked for id).")
    value, where = row[key], f"{path}.{key}"
    if not isinstance(value, Mapping):
        ident = "" if value is None else _text(value, where)  # null: a "Without ..." group
        return ident, (*parent, (dimension, ident))
    mapping = {dim: _text(v, f"{where}.{dim}") for dim, v in _object(value, where).items()}
    if dimension not in mapping:
        raise ClockifyResponseError(f"{where}.{dimension}: missing.")
    ordered = (*parent, (dimension, mapping[dimension]))
    known = {dim for dim, _ in ordered}
    # The request's order first (JSON objects may come sorted), then dimensions we did not ask.
    return mapping[dimension], (
        *((dim, mapping.get(dim, inherited)) for dim, inherited in ordered),
        *sorted((dim, extra) for dim, extra in mapping.items() if dim not in known),
    )


def _by_currency(value: object, path: str) -> tuple[Money, ...]:
    """`[{currency, amount}]`, sorted by code; `{}` (Clockify's "unknown") and null give ()."""
    if value is None or (isinstance(value, Mapping) and not value):
        return ()
    amounts = []
    for i, item in enumerate(_array(value, path)):
        where = f"{path}[{i}]"
        row = _object(item, where)
        currency = _text(row.get("currency"), f"{where}.currency")
        amounts.append(_money(_required(row, "amount", where), currency, f"{where}.amount"))
    return tuple(sorted(amounts, key=lambda money: money.currency))


def _amounts(value: object, path: str, currency: str) -> tuple[ReportAmount, ...]:
    if value is None:
        return ()
    amounts = []
    for i, item in enumerate(_array(value, path)):
        where = f"{path}[{i}]"
        row = _object(item, where)
        amounts.append(
            ReportAmount(
                type=_text(row.get("type"), f"{where}.type"),
                value=_money(_required(row, "value", where), currency, f"{where}.value"),
                by_currency=_by_currency(row.get("amountByCurrency"), f"{where}.amountByCurrency"),
            )
        )
    return tuple(amounts)


def _amount(row: Row, key: str, path: str, currency: str) -> Money | None:
    """An amount that may be absent or null (hidden, or no rates)."""
    value = row.get(key)
    return None if value is None else _money(value, currency, f"{path}.{key}")


def _required(row: Row, key: str, path: str) -> object:
    if key not in row:
        raise ClockifyResponseError(f"{path}.{key}: missing.")
    return row[key]
