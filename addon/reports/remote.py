"""Clockify's own aggregates (summary groups, weekly rows, report totals) as values.

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
from datetime import date

from addon.reports.money import Money

__all__ = [
    "ClockifySummary",
    "ClockifyWeekly",
    "GroupDay",
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
class GroupDay:
    """One day of a weekly row or of the weekly report's `totalsByDay`."""

    date: date
    duration: int
    amount: Money | None


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """One row of Clockify's summary or weekly report (both use its GroupOneDto).

    `dimension` is the grouping of this level (PROJECT, USER, TIMEENTRY...) and `id` its key:
    `""` for "Without project" and kin, the description for TIMEENTRY, the ISO day for DATE.
    `path` is `(dimension, id)` from the top group down to this one, so a row is identified
    even where Clockify repeats ids under different parents. `days` is set on weekly rows only.
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
    days: tuple[GroupDay, ...] = ()
    amounts: tuple[ReportAmount, ...] = ()


@dataclass(frozen=True, slots=True)
class ClockifySummary:
    """A summary report: rows nested by `groups` (the request's order), and its totals."""

    groups: tuple[str, ...]
    rows: tuple[SummaryGroup, ...]
    totals: ReportTotals | None


@dataclass(frozen=True, slots=True)
class ClockifyWeekly:
    """A weekly report: its days, rows with one `GroupDay` per day, and per-day totals.

    `by_day` and the rows' `days` are empty for the guide's `weeks[]` variant, which carries no
    per-day numbers.
    """

    days: tuple[date, ...]
    rows: tuple[SummaryGroup, ...]
    by_day: tuple[GroupDay, ...]
    totals: ReportTotals | None
