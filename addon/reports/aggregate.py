"""Filters and the summary report: the numbers Clockify's summary shows for the same entries.

Semantics, chosen to match Clockify:
- An entry is in a period when its start falls on one of the period's days in the report zone.
- Entity filters keep an entry whose client / project / user is listed; the tag filter keeps an
  entry carrying at least one listed tag ("contains"). An entry without a client never matches a
  client filter, and so on.
- Amounts are earned amounts: billable entries only, `duration x hourly rate` (or Clockify's
  `earned` when the entry has no rate, or a rate resolved through a `RateBook`). Sums are exact
  (integer minor-unit-seconds) and each printed amount is rounded once from its exact sum, the
  way Clockify rounds its float totals. So child rows may differ from their parent by rounding,
  while the grand total never depends on the grouping.
- Grouped by TAG, an entry counts once under each of its tags; see `Summary`.
- BREAK, HOLIDAY and TIME_OFF entries follow `NonWorkTime`: kept apart (the default), counted
  like work, or left out; see `build_summary`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from addon.reports.errors import InvalidGrouping
from addon.reports.model import (
    EntryType,
    Expense,
    GroupBy,
    NonWorkTime,
    Summary,
    TimeEntry,
)
from addon.reports.periods import DateRange, Weekday, utc_bounds
from addon.reports.rates import NO_RATES, RateBook
from addon.reports.summary_rows import RowSums, sum_rows

__all__ = ["MAX_GROUPS", "EntryFilter", "build_summary", "filter_entries", "filter_expenses"]

MAX_GROUPS = 3

_WORK: Final = frozenset(kind for kind in EntryType if kind.is_work)
"""`entry.type in _WORK` is `entry.type.is_work` without a property call per entry."""


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries a report covers; `None` means "do not filter on this".

    `period` is read in the zone given to `filter_entries`/`build_summary`. Id sets are Clockify
    ids. `billable`/`invoiced` keep only entries in that state.
    """

    period: DateRange | None = None
    clients: frozenset[str] | None = None
    projects: frozenset[str] | None = None
    users: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    billable: bool | None = None
    invoiced: bool | None = None


def _matcher(where: EntryFilter, zone: str) -> Callable[[TimeEntry], bool]:
    bounds = utc_bounds(where.period, zone) if where.period else None

    def keep(entry: TimeEntry) -> bool:
        if bounds and not bounds[0] <= entry.start < bounds[1]:
            return False
        if where.billable is not None and entry.billable is not where.billable:
            return False
        if where.invoiced is not None and entry.invoiced is not where.invoiced:
            return False
        if where.clients is not None and (not entry.client or entry.client.id not in where.clients):
            return False
        if where.projects is not None and (
            not entry.project or entry.project.id not in where.projects
        ):
            return False
        if where.users is not None and entry.user.id not in where.users:
            return False
        return where.tags is None or any(tag.id in where.tags for tag in entry.tags)

    return keep


def filter_entries(
    entries: Iterable[TimeEntry], where: EntryFilter, zone: str = "UTC"
) -> list[TimeEntry]:
    """The entries `where` keeps, in their original order; the period is read in `zone`."""
    return list(filter(_matcher(where, zone), entries))


def filter_expenses(expenses: Iterable[Expense], where: EntryFilter) -> list[Expense]:
    """The expenses `where` keeps; expenses have no tags, so a tag filter is ignored for them."""

    def keep(expense: Expense) -> bool:
        if where.period and expense.date not in where.period:
            return False
        if where.billable is not None and expense.billable is not where.billable:
            return False
        if where.invoiced is not None and expense.invoiced is not where.invoiced:
            return False
        if where.clients is not None and (
            not expense.client or expense.client.id not in where.clients
        ):
            return False
        if where.projects is not None and (
            not expense.project or expense.project.id not in where.projects
        ):
            return False
        return where.users is None or expense.user.id in where.users

    return list(filter(keep, expenses))


def _check_groups(groups: Sequence[GroupBy]) -> tuple[GroupBy, ...]:
    if len(groups) > MAX_GROUPS:
        raise InvalidGrouping(f"A summary has at most {MAX_GROUPS} groupings, not {len(groups)}.")
    checked: list[GroupBy] = []
    for group in groups:
        try:
            checked.append(GroupBy(group))
        except ValueError:
            names = ", ".join(GroupBy)
            raise InvalidGrouping(f"Group by one of {names}; {group!r:.30} is unknown.") from None
    if len(set(checked)) != len(checked):
        raise InvalidGrouping("Each grouping can be used once in a summary.")
    return tuple(checked)


def build_summary(
    entries: Iterable[TimeEntry],
    groups: Sequence[GroupBy],
    *,
    zone: str = "UTC",
    week_start: Weekday = Weekday.MONDAY,
    where: EntryFilter | None = None,
    rates: RateBook = NO_RATES,
    non_work: NonWorkTime = NonWorkTime.SEPARATE,
) -> Summary:
    """Group entries by up to three dimensions, in order, with totals at every level.

    Rows sort by name (case-insensitive), "Without ..." rows last; DATE, WEEK (the week's first
    day) and MONTH (`YYYY-MM`) keys are ISO text, so they sort chronologically.

    Non-work entries (BREAK, HOLIDAY, TIME_OFF) under `NonWorkTime.SEPARATE` stay out of `rows`
    and `totals` and are summed per type in `Summary.non_work` (only types present, in
    `EntryType` order). Those totals hold time and entry counts but no billable time and no
    amounts: non-work time is never billed (`plan_invoices`), and a figure beside it would read
    as money owed. INCLUDE counts them exactly like work, so the figures match Clockify's own
    summary; EXCLUDE drops them.
    """
    checked = _check_groups(groups)
    keep = _matcher(where, zone) if where else None
    apart: dict[EntryType, RowSums] = {}
    work: list[TimeEntry] = []
    for entry in entries:
        if keep is not None and not keep(entry):
            continue
        if entry.type in _WORK or non_work is NonWorkTime.INCLUDE:
            work.append(entry)
        elif non_work is NonWorkTime.SEPARATE:
            apart.setdefault(entry.type, RowSums()).add(entry.duration, False, None)
    rows, root = sum_rows(work, checked, zone=zone, first=week_start, rates=rates)
    non_work_totals = tuple((kind, apart[kind].totals()) for kind in EntryType if kind in apart)
    return Summary(checked, zone, week_start, root.totals(), rows, non_work_totals)
