"""Invoice lines from priced time entries and expenses: grouping, time rounding, line amounts.

A line has exactly one hourly rate, so the printed `hours x rate` is its amount: entries that
share a group but not a rate (two people on one project at different rates) become separate lines
with the same description. Each line also keeps the rate level that priced it.

Quantities are hundredths of an hour (two decimals, Clockify's item quantity scale), and the line
amount is `round(hundredths x rate / 100)`, computed from the printed quantity, never from raw
seconds, so a reader multiplying the printed figures gets the printed amount. Exact amounts are
returned alongside, as integers in hundredths of a minor unit, for the sum-then-round rule.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from addon.reports.model import Expense, LineItem, LineKind, RateSource, Ref, TimeEntry
from addon.reports.money import Money, round_ratio
from addon.reports.periods import load_zone
from addon.reports.rounding import allocate, billed_hundredths, round_seconds, seconds_rounder
from addon.reports.terms import InvoiceTerms, LineGrouping, TimeRoundingScope

__all__ = ["EXACT_SCALE", "PricedEntry", "build_lines"]

EXACT_SCALE: Final = 100
"""Exact line amounts are integers in 1/100 of a minor unit (hundredths of an hour x rate)."""


@dataclass(frozen=True, slots=True)
class PricedEntry:
    """A billable time entry with the hourly rate that prices it and where that rate came from."""

    entry: TimeEntry
    rate: Money | None
    source: RateSource


@dataclass(slots=True)
class _Draft:
    description: str
    day: date | None
    order: tuple[object, ...]
    rate: Money | None
    source: RateSource
    entry_ids: list[str] = field(default_factory=list)
    actual: int = 0
    billed: int = 0


def _ref_order(ref: Ref | None) -> tuple[bool, str, str]:
    return (ref is None, ref.name.casefold() if ref else "", ref.id if ref else "")


def _group_key(grouping: LineGrouping, tz: ZoneInfo) -> Callable[[TimeEntry], Hashable]:
    """The cheap per-entry key of the line an entry joins (the rest is computed once per line)."""
    if grouping is LineGrouping.SINGLE:
        return lambda entry: ""
    if grouping is LineGrouping.PROJECT:
        return lambda entry: entry.project.id if entry.project else ""
    if grouping is LineGrouping.TASK:
        return lambda entry: (
            entry.project.id if entry.project else "",
            entry.task.id if entry.task else "",
        )
    if grouping is LineGrouping.USER:
        return lambda entry: entry.user.id
    if grouping is LineGrouping.DAY:
        return lambda entry: entry.start.astimezone(tz).date()
    return lambda entry: entry.id


def _new_draft(item: PricedEntry, terms: InvoiceTerms, tz: ZoneInfo) -> _Draft:
    """A line's description, date and sort order, from its first entry."""
    entry, project = item.entry, item.entry.project
    grouping = terms.grouping
    day: date | None = None
    order: tuple[object, ...]
    if grouping is LineGrouping.SINGLE:
        description, order = terms.single_item_label, ()
    elif grouping is LineGrouping.PROJECT:
        description = project.name if project else terms.no_project_label
        order = _ref_order(project)
    elif grouping is LineGrouping.TASK:
        description = project.name if project else terms.no_project_label
        if entry.task:
            description = f"{description}: {entry.task.name}"
        order = (*_ref_order(project), *_ref_order(entry.task))
    elif grouping is LineGrouping.USER:
        description, order = entry.user.name, _ref_order(entry.user)
    elif grouping is LineGrouping.DAY:
        day = entry.start.astimezone(tz).date()
        description, order = day.isoformat(), (day,)
    else:
        day = entry.start.astimezone(tz).date()
        text = entry.description or terms.no_description_label
        description = f"{project.name}: {text}" if project else text
        order = (entry.start, entry.id)
    return _Draft(description, day, order, item.rate, item.source)


_LineKey = tuple[Hashable, int | None, str | None, RateSource]
"""Group key, rate minor units and currency (or None, None), rate source."""


def _time_drafts(priced: Sequence[PricedEntry], terms: InvoiceTerms) -> list[_Draft]:
    tz = load_zone(terms.zone)
    key_of = _group_key(terms.grouping, tz)
    rounding = terms.time_rounding
    per_entry = rounding is not None and rounding.scope is TimeRoundingScope.ENTRY
    round_billed = seconds_rounder(rounding if per_entry else None)
    drafts: dict[_LineKey, _Draft] = {}
    get = drafts.get
    for item in priced:
        entry, rate = item.entry, item.rate
        # (minor, currency) groups exactly as the `Money` would, without running the
        # dataclass's Python __hash__ and __eq__ for each entry.
        full_key: _LineKey
        if rate is None:
            full_key = (key_of(entry), None, None, item.source)
        else:
            full_key = (key_of(entry), rate.minor, rate.currency, item.source)
        draft = get(full_key)
        if draft is None:
            draft = drafts[full_key] = _new_draft(item, terms, tz)
        draft.entry_ids.append(entry.id)
        seconds = entry.duration
        draft.actual += seconds
        draft.billed += round_billed(seconds)
    ordered = sorted(
        drafts.values(),
        key=lambda d: (d.order, d.rate.minor if d.rate else -1, d.source),
    )
    if rounding is not None and rounding.scope is TimeRoundingScope.LINE:
        for draft in ordered:
            draft.billed = round_seconds(draft.actual, rounding)
    elif rounding is not None and rounding.scope is TimeRoundingScope.INVOICE:
        total = round_seconds(sum(d.actual for d in ordered), rounding)
        for draft, billed in zip(
            ordered, allocate(total, [d.actual for d in ordered]), strict=True
        ):
            draft.billed = billed
    return ordered


def _time_line(draft: _Draft, terms: InvoiceTerms, currency: str) -> tuple[LineItem, int]:
    hundredths = billed_hundredths(draft.billed)
    rate = draft.rate if draft.rate is not None else Money(0, currency)
    exact = hundredths * rate.minor
    line = LineItem(
        kind=LineKind.TIME,
        description=draft.description,
        date=draft.day,
        quantity=Decimal(hundredths).scaleb(-2),
        unit_price=rate,
        amount=Money(round_ratio(exact, EXACT_SCALE), currency),
        actual_seconds=draft.actual,
        billed_seconds=draft.billed,
        rate_source=draft.source,
        taxes=terms.time_taxes,
        entry_ids=tuple(draft.entry_ids),
        expense_ids=(),
    )
    return line, exact


def _expense_line(expense: Expense, terms: InvoiceTerms) -> tuple[LineItem, int]:
    description = f"{expense.category}: {expense.notes}" if expense.notes else expense.category
    line = LineItem(
        kind=LineKind.EXPENSE,
        description=description,
        date=expense.date,
        quantity=Decimal(1),
        unit_price=expense.amount,
        amount=expense.amount,
        actual_seconds=0,
        billed_seconds=0,
        rate_source=None,
        taxes=terms.expense_taxes,
        entry_ids=(),
        expense_ids=(expense.id,),
    )
    return line, expense.amount.minor * EXACT_SCALE


def build_lines(
    priced: Sequence[PricedEntry],
    expenses: Sequence[Expense],
    terms: InvoiceTerms,
    currency: str,
) -> tuple[list[LineItem], list[int]]:
    """Time lines (sorted by group, then rate) followed by one line per expense (by date).

    Returns the lines and their exact amounts in 1/`EXACT_SCALE` minor units. Every rate and
    expense must already be in `currency`; `plan_invoices` guarantees it.
    """
    lines: list[LineItem] = []
    exact: list[int] = []
    for draft in _time_drafts(priced, terms):
        line, amount = _time_line(draft, terms, currency)
        lines.append(line)
        exact.append(amount)
    for expense in sorted(expenses, key=lambda e: (e.date, e.id)):
        line, amount = _expense_line(expense, terms)
        lines.append(line)
        exact.append(amount)
    return lines, exact
