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
from datetime import date

from addon.reports.errors import InvalidGrouping
from addon.reports.model import (
    EntryType,
    Expense,
    GroupBy,
    NonWorkTime,
    Ref,
    Summary,
    SummaryRow,
    TimeEntry,
    Totals,
)
from addon.reports.money import Money, round_ratio
from addon.reports.periods import DateRange, Weekday, load_zone, month_start, utc_bounds
from addon.reports.periods import week_start as start_of_week
from addon.reports.rates import NO_RATES, RateBook, resolve_rate

__all__ = ["MAX_GROUPS", "EntryFilter", "build_summary", "filter_entries", "filter_expenses"]

MAX_GROUPS = 3
SECONDS_PER_HOUR = 3600

WITHOUT = {
    GroupBy.PROJECT: "Without project",
    GroupBy.CLIENT: "Without client",
    GroupBy.TASK: "Without task",
    GroupBy.TAG: "Without tag",
}


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


class _Node:
    """A mutable running total while a summary is built; frozen into `SummaryRow` at the end.

    Dicts are created only when needed: a three-level summary has about one leaf per entry, and
    empty dicts on every leaf would double its memory.
    """

    __slots__ = ("billable", "children", "count", "duration", "earned")

    def __init__(self) -> None:
        self.duration = 0
        self.billable = 0
        self.count = 0
        # currency -> exact earned amount in minor-unit-seconds (divide by 3600 once, at the end)
        self.earned: dict[str, int] | None = None
        self.children: dict[tuple[str, str], _Node] | None = None

    def add(self, duration: int, billable: bool, earned: tuple[str, int] | None) -> None:
        self.duration += duration
        self.count += 1
        if billable:
            self.billable += duration
        if earned is not None:
            currency, amount = earned
            if self.earned is None:
                self.earned = {currency: amount}
            else:
                self.earned[currency] = self.earned.get(currency, 0) + amount

    def child(self, key: tuple[str, str]) -> _Node:
        if self.children is None:
            self.children = {}
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = _Node()
        return node

    def totals(self) -> Totals:
        amounts: tuple[Money, ...] = ()
        if self.earned:
            amounts = tuple(
                Money(round_ratio(self.earned[code], SECONDS_PER_HOUR), code)
                for code in sorted(self.earned)
            )
        return Totals(self.duration, self.billable, self.count, amounts)


def _earned(entry: TimeEntry, rates: RateBook) -> tuple[str, int] | None:
    """Exact earned amount of a billable entry in minor-unit-seconds, with its currency."""
    if not entry.billable:
        return None
    rate = entry.hourly_rate
    if rate is None and entry.earned is not None:
        return entry.earned.currency, entry.earned.minor * SECONDS_PER_HOUR
    if rate is None:
        rate = resolve_rate(entry, rates).rate
    if rate is None:
        return None
    return rate.currency, rate.minor * entry.duration


def _ref_key(ref: Ref | None, group: GroupBy) -> tuple[str, str]:
    return (ref.id, ref.name) if ref else ("", WITHOUT[group])


def _keyer(
    group: GroupBy, zone: str, first: Weekday
) -> Callable[[TimeEntry], Sequence[tuple[str, str]]]:
    tz = load_zone(zone)

    def day(entry: TimeEntry) -> date:
        return entry.start.astimezone(tz).date()

    def iso(value: date) -> tuple[str, str]:
        text = value.isoformat()
        return (text, text)

    def month_key(value: date) -> tuple[str, str]:
        text = month_start(value).isoformat()[:7]
        return (text, text)

    keyers: dict[GroupBy, Callable[[TimeEntry], Sequence[tuple[str, str]]]] = {
        GroupBy.PROJECT: lambda e: (_ref_key(e.project, GroupBy.PROJECT),),
        GroupBy.CLIENT: lambda e: (_ref_key(e.client, GroupBy.CLIENT),),
        GroupBy.USER: lambda e: ((e.user.id, e.user.name),),
        GroupBy.TASK: lambda e: (_ref_key(e.task, GroupBy.TASK),),
        GroupBy.TAG: lambda e: (
            tuple(dict.fromkeys((t.id, t.name) for t in e.tags)) or (("", WITHOUT[GroupBy.TAG]),)
        ),
        GroupBy.DATE: lambda e: (iso(day(e)),),
        GroupBy.WEEK: lambda e: (iso(start_of_week(day(e), first)),),
        GroupBy.MONTH: lambda e: (month_key(day(e)),),
    }
    return keyers[group]


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


def _freeze(
    groups: Sequence[GroupBy], node: _Node, refs: dict[tuple[str, str], Ref]
) -> tuple[SummaryRow, ...]:
    """Rows for `node`'s children, sorted; `refs` shares one `Ref` per key across the tree.

    Consumes the nodes as it goes, so the mutable tree and the frozen rows are not both held.
    """
    if not groups or not node.children:
        return ()

    def order(item: tuple[tuple[str, str], _Node]) -> tuple[bool, str, str]:
        (key_id, name), _ = item
        return (key_id == "", name.casefold(), key_id)

    children, node.children = sorted(node.children.items(), key=order), None
    rows = []
    for key, child in children:
        ref = refs.get(key)
        if ref is None:
            ref = refs[key] = Ref(*key)
        rows.append(SummaryRow(groups[0], ref, child.totals(), _freeze(groups[1:], child, refs)))
    return tuple(rows)


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
    keyers = [_keyer(group, zone, week_start) for group in checked]
    root = _Node()
    apart: dict[EntryType, _Node] = {}
    for entry in entries:
        if keep is not None and not keep(entry):
            continue
        if not entry.type.is_work and non_work is not NonWorkTime.INCLUDE:
            if non_work is NonWorkTime.SEPARATE:
                apart.setdefault(entry.type, _Node()).add(entry.duration, False, None)
            continue
        earned = _earned(entry, rates)
        duration, billable = entry.duration, entry.billable
        root.add(duration, billable, earned)
        level = [root]
        for keyer in keyers:
            below: list[_Node] = []
            for key in keyer(entry):
                for parent in level:
                    node = parent.child(key)
                    node.add(duration, billable, earned)
                    below.append(node)
            level = below
    rows = _freeze(checked, root, {})
    non_work_totals = tuple((kind, apart[kind].totals()) for kind in EntryType if kind in apart)
    return Summary(checked, zone, week_start, root.totals(), rows, non_work_totals)
