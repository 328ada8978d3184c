"""Clockify's own aggregates (summary groups, report totals) as values.

We compute reports ourselves (`aggregate.py`), but we also show Clockify's numbers and
cross-check our engine against them, so its answers are kept as plain values here, parsed by
`addon/clockify/summaries.py`. Durations are whole seconds; money is `Money`, rounded once.

Money caveat: a group's `amount` (and a report's `totalAmount`) carries no currency. Clockify
sums the amounts of every currency into that one number, so in a multi-currency workspace it is
a meaningless mix; the parser labels it with the workspace currency. Only the totals'
per-currency amounts (`by_currency`) are trustworthy there, and they are empty when Clockify
sent `{}` (unknown, not zero).
"""

from __future__ import annotations

from dataclasses import dataclass

from addon.reports.money import Money

__all__ = [
    "ClockifySummary",
    "ReportAmount",
    "ReportTotals",
    "SummaryGroup",
]


@dataclass(frozen=True, slots=True)
class ReportAmount:
    """One of the totals' `amounts[]`: an amount type (EARNED, COST, PROFIT) and its value."""

    type: str
    value: Money
    by_currency: tuple[Money, ...]


@dataclass(frozen=True, slots=True)
class ReportTotals:
    """A report's grand totals: seconds, the entry count (when sent) and the shown amount.

    `amount` is `None` when Clockify hid it or had no rates (`totalAmount: null`); `by_currency`
    holds one amount per currency, sorted by code, or nothing when Clockify did not say.
    """

    duration: int
    billable_duration: int
    entries: int | None
    amount: Money | None
    by_currency: tuple[Money, ...]
    amounts: tuple[ReportAmount, ...]


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """One row of Clockify's summary report (its GroupOneDto).

    `dimension` is the grouping of this level (PROJECT, USER, TIMEENTRY...) and `id` its key:
    `""` for "Without project" and kin, the description for TIMEENTRY, the ISO day for DATE.
    `path` is `(dimension, id)` from the top group down to this one, so a row is identified
    even where Clockify repeats ids under different parents.
    `amounts` is the row's `amounts[{type, value, amountByCurrency}]` where Clockify sends it
    (live rows, golden fixture): the only per-currency figures a group can carry.
    """

    dimension: str
    id: str
    name: str
    duration: int
    amount: Money | None
    client_name: str
    color: str
    path: tuple[tuple[str, str], ...]
    children: tuple[SummaryGroup, ...]
    amounts: tuple[ReportAmount, ...] = ()


@dataclass(frozen=True, slots=True)
class ClockifySummary:
    """A summary report: rows nested by `groups` (the request's order), and its totals."""

    groups: tuple[str, ...]
    rows: tuple[SummaryGroup, ...]
    totals: ReportTotals | None
