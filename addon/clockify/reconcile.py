"""Holding fetched report rows against Clockify's own totals for the same query and window.

A report that looks complete and is not is the worst thing an invoicing add-on can produce, and
real Clockify may shorten an answer without saying so (a page size or a FREE plan's range served
silently in part, real-behaviour.md §1). So every window of a detailed or expense report is
fetched with Clockify's totals for that window, and its rows must add up to them:

* the entry count, exactly (rows of every page, running entries included);
* total and billable seconds, exactly (rows carry the same, possibly rounded, durations);
* the amount per currency, within half a minor unit per priced row: rows may carry fractional
  cents that we round once per row (`money_from_report`), while Clockify rounds their sum.

`shortfall` says in words what does not add up, or None. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from addon.reports.model import ClockifyCheck, Expense, TimeEntry
from addon.reports.money import Money
from addon.reports.remote import ReportTotals

__all__ = [
    "Expected",
    "RangeService",
    "ReportLimits",
    "Tally",
    "as_check",
    "combine",
    "expected_from_totals",
    "shortfall",
]


class RangeService(StrEnum):
    """How this installation's Clockify serves a report range longer than a month.

    UNKNOWN until a report proves it: FULL when rows arrived from both ends of a long window
    (no one-month clamp could explain them), MONTHS when a long range was refused (400) or
    served only in part (rows beyond the first month turned up only when asked for separately).
    """

    UNKNOWN = "UNKNOWN"
    FULL = "FULL"
    MONTHS = "MONTHS"


@dataclass(frozen=True, slots=True)
class ReportLimits:
    """What an installation's Clockify was seen to serve, remembered between reports.

    `page_size` is the largest detailed/expense page Clockify served in full (it starts at the
    larger documented cap, 1,000, and only shrinks on evidence); `long_ranges` is how it serves
    ranges longer than a month. Kept per installation so a five-year report does not relearn
    either for every year.
    """

    page_size: int = 1000
    long_ranges: RangeService = RangeService.UNKNOWN


@dataclass(frozen=True, slots=True)
class Expected:
    """Clockify's totals for one window: what the rows must add up to.

    `entries` None: Clockify sent no count (some shapes omit it), so paging runs to an empty
    page and the durations and amounts carry the check. `amounts` is per currency, empty when
    Clockify gave no breakdown. `unlabelled` is a single total Clockify gave without naming its
    currency (`totalAmount` beside `totalAmountByCurrency: {}`, or the expense report's
    `totalAmount`): it adds every currency up, so it can only be held against rows in one.
    `durations` False for expense reports, which have none.
    """

    entries: int | None
    duration: int = 0
    billable_duration: int = 0
    amounts: tuple[Money, ...] = ()
    durations: bool = True
    unlabelled: int | None = None


def expected_from_totals(totals: ReportTotals | None) -> Expected | None:
    """The time reports' totals as what to expect; None when Clockify sent none."""
    if totals is None:
        return None
    unlabelled = None
    if not totals.by_currency and totals.amount is not None:
        unlabelled = totals.amount.minor  # its currency was guessed by the parser: not a fact
    return Expected(
        totals.entries,
        totals.duration,
        totals.billable_duration,
        totals.by_currency,
        unlabelled=unlabelled,
    )


@dataclass(slots=True)
class Tally:
    """What the rows of one window added up to, and the days they fall on (in the report zone)."""

    rows: int = 0
    seconds: int = 0
    billable_seconds: int = 0
    amounts: dict[str, int] = field(default_factory=dict)
    priced: dict[str, int] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None

    def count_rows(self, rows: int) -> None:
        self.rows += rows

    def add_entry(self, entry: TimeEntry, day: date) -> None:
        self.seconds += entry.duration
        if entry.billable:
            self.billable_seconds += entry.duration
        if entry.earned is not None:
            self._price(entry.earned)
        self._day(day)

    def add_expense(self, expense: Expense) -> None:
        self._price(expense.amount)
        self._day(expense.date)

    def _price(self, amount: Money) -> None:
        self.amounts[amount.currency] = self.amounts.get(amount.currency, 0) + amount.minor
        self.priced[amount.currency] = self.priced.get(amount.currency, 0) + 1

    def _day(self, day: date) -> None:
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)


def shortfall(expected: Expected, tally: Tally) -> str | None:
    """What the rows lack against Clockify's totals, in words; None when they add up."""
    problems = []
    if expected.entries is not None and tally.rows != expected.entries:
        problems.append(f"Clockify counts {expected.entries:,} entries, {tally.rows:,} arrived")
    if expected.durations and tally.seconds != expected.duration:
        problems.append(
            f"Clockify totals {_hours(expected.duration)}, the rows {_hours(tally.seconds)}"
        )
    if expected.durations and tally.billable_seconds != expected.billable_duration:
        problems.append(
            f"Clockify totals {_hours(expected.billable_duration)} billable, the rows "
            f"{_hours(tally.billable_seconds)}"
        )
    if tally.priced:  # rows without money (the bare DTO) leave amounts unchecked
        for amount in expected.amounts:
            got = tally.amounts.get(amount.currency, 0)
            slack = (tally.priced.get(amount.currency, 0) + 1) // 2
            if abs(got - amount.minor) > slack:
                problems.append(
                    f"Clockify totals {amount.minor:,} minor units of {amount.currency}, "
                    f"the rows {got:,}"
                )
        if expected.unlabelled is not None and len(tally.amounts) == 1:
            got = sum(tally.amounts.values())
            slack = (sum(tally.priced.values()) + 1) // 2
            if abs(got - expected.unlabelled) > slack:
                problems.append(
                    f"Clockify totals {expected.unlabelled:,} minor units, the rows {got:,}"
                )
    return "; ".join(problems) or None


def combine(parts: Iterable[Expected | None]) -> Expected | None:
    """The totals of several windows of one report, added (None when none had totals)."""
    found = [part for part in parts if part is not None]
    if not found:
        return None
    amounts: dict[str, int] = {}
    for part in found:
        for money in part.amounts:
            amounts[money.currency] = amounts.get(money.currency, 0) + money.minor
    counts = [part.entries for part in found]
    unlabelled = [part.unlabelled for part in found]
    return Expected(
        entries=None if None in counts else sum(c for c in counts if c is not None),
        duration=sum(part.duration for part in found),
        billable_duration=sum(part.billable_duration for part in found),
        amounts=tuple(Money(minor, code) for code, minor in sorted(amounts.items())),
        durations=all(part.durations for part in found),
        unlabelled=None if None in unlabelled else sum(u for u in unlabelled if u is not None),
    )


def as_check(time: Expected, expenses: Expected | None = None) -> ClockifyCheck:
    """The figures a finished report prints: Clockify's, which the rows were shown to match.

    Counts Clockify did not send are the rows' own (the client fills them in once the
    durations and amounts matched), never a guess.
    """
    return ClockifyCheck(
        entries=time.entries or 0,
        duration=time.duration,
        billable_duration=time.billable_duration,
        amounts=time.amounts,
        expenses=None if expenses is None else expenses.entries,
        expense_amounts=() if expenses is None else expenses.amounts,
    )


def _hours(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:,} h {rest // 60:02d} min {rest % 60:02d} s"
