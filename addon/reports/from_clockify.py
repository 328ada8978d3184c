"""A `Summary` from Clockify's own summary report: its groups, re-keyed, merged and sorted (pure).

The summary-report path (`addon.clockify.summary_plan`) asks Clockify for one report per range
window, with WEEK and MONTH asked as DATE. Here the windows become one `Summary`:

* keys are the engine's (`aggregate.build_summary`): ids and names as Clockify gives them,
  "Without project" and kin for an empty id, ISO days for DATE, the week's first day (in the
  report's week start) for WEEK and `YYYY-MM` for MONTH, both rolled up from Clockify's days;
* groups with the same key (the same project in two windows, two days of one week) are added:
  seconds exactly, money per currency in minor units, children re-added by key at every level;
* rows sort as the engine sorts them: by name, case-insensitively, "Without ..." last.

How the figures may differ from the engine's for the same entries: durations and the grand
totals' entry count are equal (both are Clockify's sums of the same seconds). A row's amount is
Clockify's per group, rounded by Clockify (or once by us, from its float) per group and window;
the engine rounds the exact sum of its entries once. Each side is within half a minor unit per
entry of the exact sum, so a row differs by at most `(n + 1) // 2` minor units, n being the
entries in it (`amount_bound`); tested across the sandbox's presets. Rows carry no entry count
and, unless the filter fixes it, no billable time: Clockify's groups do not say (`Totals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from addon.reports.model import (
    ClockifyCheck,
    GroupBy,
    Ref,
    Summary,
    SummaryRow,
    SummarySource,
    Totals,
)
from addon.reports.money import Money
from addon.reports.periods import Weekday, month_start, week_start
from addon.reports.remote import ClockifySummary, SummaryGroup
from addon.reports.summary_rows import WITHOUT

__all__ = ["amount_bound", "group_amounts", "summary_from_clockify"]


def amount_bound(entries: int) -> int:
    """How far (minor units) a summary-report row's amount may be from the engine's."""
    return (entries + 1) // 2


def group_amounts(group: SummaryGroup, currency: str | None) -> dict[str, int] | None:
    """A group's earned amount per currency (zeros left out); None when it cannot be labelled.

    Its `amounts[EARNED].amountByCurrency` when sent; else its one `amount` (which adds every
    currency up) in `currency`, the window's only one; None when there is no such currency.
    """
    for amount in group.amounts:
        if amount.type == "EARNED" and amount.by_currency:
            return {m.currency: m.minor for m in amount.by_currency if m.minor}
    if group.amount is None or group.amount.minor == 0:
        return {}
    if currency is None:
        return None
    return {currency: group.amount.minor}


class _Node:
    __slots__ = ("amounts", "children", "duration", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.duration = 0
        self.amounts: dict[str, int] = {}
        self.children: dict[str, _Node] = {}


def summary_from_clockify(
    windows: Iterable[tuple[ClockifySummary, str | None]],
    groups: Sequence[GroupBy],
    *,
    zone: str,
    week_start: Weekday,
    totals: Totals,
    billable: bool | None,
    check: ClockifyCheck,
) -> Summary:
    """One `Summary` of every window's groups; `totals` are Clockify's, checked, for the period.

    Each window comes with the currency its unlabelled group amounts are in (see
    `group_amounts`); `billable` is the query's filter: when it fixes billability, each row's
    billable time is known (all of it, or none).
    """
    root = _Node("")
    for report, currency in windows:
        for group in report.rows:
            _add(root, group, tuple(groups), week_start, currency)
    rows = _freeze(tuple(groups), root, billable)
    return Summary(
        tuple(groups), zone, week_start, totals, rows, check=check, source=SummarySource.CLOCKIFY
    )


def _add(
    parent: _Node,
    group: SummaryGroup,
    levels: tuple[GroupBy, ...],
    first: Weekday,
    currency: str | None,
) -> None:
    if not levels:
        return  # a grouping-less summary was asked for PROJECT: keep only its totals
    key, name = _key(group, levels[0], first)
    node = parent.children.get(key)
    if node is None:
        node = parent.children[key] = _Node(name)
    node.duration += group.duration
    for code, minor in (group_amounts(group, currency) or {}).items():
        node.amounts[code] = node.amounts.get(code, 0) + minor
    for child in group.children:
        _add(node, child, levels[1:], first, currency)


def _key(group: SummaryGroup, dimension: GroupBy, first: Weekday) -> tuple[str, str]:
    if dimension in (GroupBy.DATE, GroupBy.WEEK, GroupBy.MONTH):
        day = date.fromisoformat(group.id[:10])  # DATE ids are ISO days (reports-api.md §4.2)
        if dimension is GroupBy.WEEK:
            day = week_start(day, first)
        text = month_start(day).isoformat()[:7] if dimension is GroupBy.MONTH else day.isoformat()
        return text, text
    if group.id == "" and dimension in WITHOUT:
        return "", WITHOUT[dimension]
    return group.id, group.name


def _freeze(
    levels: tuple[GroupBy, ...], node: _Node, billable: bool | None
) -> tuple[SummaryRow, ...]:
    if not levels:
        return ()

    def order(item: tuple[str, _Node]) -> tuple[bool, str, str]:
        key, child = item
        return (key == "", child.name.casefold(), key)

    rows = []
    for key, child in sorted(node.children.items(), key=order):
        amounts = tuple(Money(minor, code) for code, minor in sorted(child.amounts.items()))
        known = None if billable is None else (child.duration if billable else 0)
        totals = Totals(child.duration, known, None, amounts)
        rows.append(
            SummaryRow(
                levels[0], Ref(key, child.name), totals, _freeze(levels[1:], child, billable)
            )
        )
    return tuple(rows)
