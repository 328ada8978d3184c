"""Clockify's summary report over a period, window by window, each window held against totals.

One request per range window asks for the summary (`summaryFilter.groups`), and one more asks
for the detailed report's totals of the same window (page 1 of one row, `totals: CALCULATE`):
the figures the engine path is checked against. A window is only used when:

* its summary came with totals, including an entry count;
* the summary's totals equal the detailed totals: entries, total and billable seconds exactly,
  the amount per currency within one minor unit (both are Clockify's roundings of one sum).
  This catches a summary that counts other entries than the detailed report (one that left
  out breaks or time off, say: no source says it does not);
* its groups add up to their parent, level by level (the top level to the totals): seconds
  exactly, the amount per currency within half a minor unit per child (each child is rounded
  on its own). A TAG level is not added up: an entry with several tags counts under each;
* every group's amount can be put in a currency: its `amounts[].amountByCurrency`, or its one
  `amount` when the window earned in at most one currency (Clockify adds all currencies into
  `amount`, so a multi-currency window without a breakdown cannot be shown).

Ranges: a silent one-month clamp (a FREE plan, real-behaviour.md §1) would cut the summary and
its totals alike, and a summary has no row dates to reveal it (the detailed walk's test,
`ReportWalker._clamp_suspects`). So it is avoided, not detected: where a clamp is possible (a
FREE or unnamed plan with nothing learned) the period is asked month by month, otherwise in the
learned split (a paid plan's year is one window). A long window refused (400) teaches MONTHS
and is asked again by month, as in the detailed walk.

A window that fails any check raises `SummaryUnverifiable` naming the window and the reason:
the caller (`addon.services.reports.fetch_summary`) falls back to the engine path, whose rows
are checked one by one (and which fails with `ClockifyIncomplete` if those do not add up).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from addon.clockify.errors import ClockifyRejectedRequest
from addon.clockify.queries import MONTH_SPAN_DAYS
from addon.clockify.reconcile import Expected, combine, expected_from_totals
from addon.clockify.walk import ReportWalker
from addon.reports.from_clockify import group_amounts
from addon.reports.periods import DateRange, SplitUnit, split_range
from addon.reports.remote import ClockifySummary, ReportTotals, SummaryGroup

__all__ = ["CheckedSummary", "SummaryUnverifiable", "SummaryWindow", "walk_summary"]

FetchWindow = Callable[[DateRange], tuple[ClockifySummary, ReportTotals | None]]


class SummaryUnverifiable(Exception):
    """A window of Clockify's summary report could not be checked; the message says which."""


@dataclass(frozen=True, slots=True)
class SummaryWindow:
    """One window's summary, checked; `currency` labels group amounts given without one."""

    window: DateRange
    report: ClockifySummary
    currency: str | None


@dataclass(frozen=True, slots=True)
class CheckedSummary:
    """Every window's checked summary, and Clockify's totals over all of them."""

    windows: tuple[SummaryWindow, ...]
    expected: Expected


def walk_summary(
    period: DateRange,
    fetch: FetchWindow,
    walker: ReportWalker,
    *,
    on_window: Callable[[Expected], None] | None = None,
) -> CheckedSummary:
    """The period's summary, window by window; `on_window` sees the totals so far after each."""
    done: list[SummaryWindow] = []
    parts: list[Expected] = []
    pending = list(walker.unclamped_windows(period))
    while pending:
        window = pending.pop(0)
        try:
            report, detailed = fetch(window)
        except ClockifyRejectedRequest:
            if window.days <= MONTH_SPAN_DAYS:
                raise
            walker.range_refused()
            pending[:0] = split_range(window, SplitUnit.MONTH)
            continue
        currency = _check_window(window, report, detailed)
        done.append(SummaryWindow(window, report, currency))
        parts.append(_expected(detailed))
        if on_window is not None:
            on_window(combine(parts) or Expected(0))
    return CheckedSummary(tuple(done), combine(parts) or Expected(0))


def _expected(totals: ReportTotals | None) -> Expected:
    found = expected_from_totals(totals)
    assert found is not None  # noqa: S101  # _check_window refused a window without totals
    return found


def _check_window(
    window: DateRange, report: ClockifySummary, detailed: ReportTotals | None
) -> str | None:
    """The currency for unlabelled group amounts; `SummaryUnverifiable` when anything is off."""
    where = f"the summary from {window.start.isoformat()} to {window.end.isoformat()}"
    totals = report.totals
    if totals is None or totals.entries is None:
        raise SummaryUnverifiable(f"{where} came without totals or an entry count")
    if detailed is None:
        raise SummaryUnverifiable(f"{where}: the detailed report sent no totals to hold it to")
    problem = _totals_differ(totals, detailed)
    if problem:
        raise SummaryUnverifiable(f"{where} does not match the detailed report's totals: {problem}")
    earned = _nonzero({m.currency: m.minor for m in totals.by_currency})
    # `totalAmountByCurrency: {}` beside a non-zero `totalAmount`: in what currencies is unknown
    known = bool(totals.by_currency) or not (totals.amount and totals.amount.minor)
    currency = next(iter(earned)) if known and len(earned) == 1 else None
    problem = _adds_up(_Level(totals.duration, earned if known else None), report.rows, currency)
    if problem:
        raise SummaryUnverifiable(f"{where}: {problem}")
    return currency


def _totals_differ(summary: ReportTotals, detailed: ReportTotals) -> str | None:
    problems = []
    if summary.entries != detailed.entries:
        problems.append(f"{summary.entries} entries against {detailed.entries}")
    if summary.duration != detailed.duration:
        problems.append(f"{summary.duration} s against {detailed.duration} s")
    if summary.billable_duration != detailed.billable_duration:
        problems.append(
            f"{summary.billable_duration} s billable against {detailed.billable_duration} s"
        )
    ours = _nonzero({m.currency: m.minor for m in summary.by_currency})
    theirs = _nonzero({m.currency: m.minor for m in detailed.by_currency})
    both = summary.by_currency and detailed.by_currency  # `{}` is "not said", not zero
    for code in sorted(ours.keys() | theirs.keys()) if both else ():
        if abs(ours.get(code, 0) - theirs.get(code, 0)) > 1:
            problems.append(f"{ours.get(code, 0)} against {theirs.get(code, 0)} {code}")
    return "; ".join(problems) or None


@dataclass(frozen=True, slots=True)
class _Level:
    duration: int
    amounts: Mapping[str, int] | None  # None: not known, so not checked


def _adds_up(parent: _Level, children: Sequence[SummaryGroup], currency: str | None) -> str | None:
    """Whether `children` add up to `parent` (seconds exactly, money within rounding)."""
    levels = []
    for child in children:
        amounts = group_amounts(child, currency)
        if amounts is None:
            return (
                f"group {child.name!r} has an amount in no named currency (several currencies, "
                "or none named) and no breakdown by currency"
            )
        levels.append(_Level(child.duration, amounts))
    if children and children[0].dimension != "TAG":
        seconds = sum(level.duration for level in levels)
        if seconds != parent.duration:
            name = children[0].dimension.lower()
            return f"its {name} groups add up to {seconds} s, not {parent.duration} s"
        if parent.amounts is not None:
            problem = _money_adds_up(parent.amounts, [level.amounts or {} for level in levels])
            if problem:
                return problem
    for child, level in zip(children, levels, strict=True):
        problem = _adds_up(level, child.children, currency)
        if problem:
            return problem
    return None


def _money_adds_up(parent: Mapping[str, int], children: list[Mapping[str, int]]) -> str | None:
    """Within half a minor unit per child: each child was rounded on its own."""
    slack = (len(children) + 1) // 2
    for code in sorted({c for child in children for c in child} | parent.keys()):
        got = sum(child.get(code, 0) for child in children)
        if abs(got - parent.get(code, 0)) > slack:
            return f"its groups add up to {got:,} {code} minor units, not {parent.get(code, 0):,}"
    return None


def _nonzero(amounts: dict[str, int]) -> dict[str, int]:
    return {code: minor for code, minor in amounts.items() if minor}
