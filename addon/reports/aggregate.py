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
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import Any, Final

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
from addon.reports.rates import NO_RATES, RateBook, rate_lookup

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


Key = tuple[str, str]
"""A row's (id, name); both are the ISO text for DATE, WEEK and MONTH rows."""

Path = tuple[Key, ...]
"""One row per level, outermost first: where an entry's sums go."""

Keyer = Callable[[TimeEntry], Key]
Earner = Callable[[TimeEntry], tuple[str, int] | None]
Rows = tuple[SummaryRow, ...]
Pather = Callable[[TimeEntry], Iterable[Path]]
Tree = dict[Key, Any]
"""Nested dicts, one level per grouping, with `_Sums` at the leaves."""

_WORK: Final = frozenset(kind for kind in EntryType if kind.is_work)


class _Sums:
    """Exact running sums of one row while a summary is built; frozen into `Totals` at the end.

    Earned amounts are minor-unit-seconds (divided by 3600 once, at the end). The first currency
    seen has its own fields and others go to a dict made only when needed: a three-level summary
    has about one leaf per entry, and a dict per leaf cost a third of the build in garbage
    collector scans.
    """

    __slots__ = ("amount", "billable", "count", "currency", "duration", "others")

    def __init__(self) -> None:
        self.duration = 0
        self.billable = 0
        self.count = 0
        self.currency: str | None = None
        self.amount = 0
        self.others: dict[str, int] | None = None

    def add(self, duration: int, billable: bool, earned: tuple[str, int] | None) -> None:
        self.duration += duration
        self.count += 1
        if billable:
            self.billable += duration
        if earned is not None:
            self.earn(*earned)

    def earn(self, currency: str, amount: int) -> None:
        if currency == self.currency:
            self.amount += amount
        elif self.currency is None:
            self.currency, self.amount = currency, amount
        elif self.others is None:
            self.others = {currency: amount}
        else:
            self.others[currency] = self.others.get(currency, 0) + amount

    def merge(self, other: _Sums) -> None:
        self.duration += other.duration
        self.billable += other.billable
        self.count += other.count
        if other.currency is not None:
            self.earn(other.currency, other.amount)
        for currency, amount in (other.others or {}).items():
            self.earn(currency, amount)

    def totals(self) -> Totals:
        amounts: tuple[Money, ...] = ()
        if self.currency is not None and not self.others:
            amounts = (Money(_per_hour(self.amount), self.currency),)
        elif self.currency is not None:
            earned = {self.currency: self.amount, **(self.others or {})}
            amounts = tuple([Money(_per_hour(earned[code]), code) for code in sorted(earned)])
        return Totals(self.duration, self.billable, self.count, amounts)


def _per_hour(exact: int) -> int:
    """`round_ratio(exact, 3600)`; the common non-negative case in one expression, no call."""
    return (
        (exact * 2 + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR)
        if exact >= 0
        else (round_ratio(exact, SECONDS_PER_HOUR))
    )


def _earner(rates: RateBook) -> Callable[[TimeEntry], tuple[str, int] | None]:
    """Exact earned amount of a billable entry in minor-unit-seconds, with its currency."""
    lookup = rate_lookup(rates)

    def earned(entry: TimeEntry) -> tuple[str, int] | None:
        rate = entry.hourly_rate
        if rate is None and entry.earned is not None:
            return entry.earned.currency, entry.earned.minor * SECONDS_PER_HOUR
        if rate is None:
            rate = lookup(entry)[0]
            if rate is None:
                return None
        return rate.currency, rate.minor * entry.duration

    return earned


def _ref_keyer(group: GroupBy, read: Callable[[TimeEntry], Ref | None]) -> Keyer:
    without = ("", WITHOUT[group])

    def key(entry: TimeEntry) -> Key:
        ref = read(entry)
        return (ref.id, ref.name) if ref else without

    return key


def _day_keyer(zone: str, name: Callable[[date], str]) -> Keyer:
    """Key of the local day an entry starts on, its text made once per distinct day.

    `astimezone` stays per entry: it is exact in every zone (DST, odd offsets) and costs less
    than a tenth of the build; the ISO text and key tuple, which cost as much again, are cached.
    """
    tz = load_zone(zone)
    keys: dict[date, Key] = {}

    def key(entry: TimeEntry) -> Key:
        day = entry.start.astimezone(tz).date()
        found = keys.get(day)
        if found is None:
            text = name(day)
            found = keys[day] = (text, text)
        return found

    return key


def _keyer(group: GroupBy, zone: str, first: Weekday) -> Keyer:
    """The row key of `group` for an entry; TAG is not here (an entry has several tags)."""
    if group is GroupBy.DATE:
        return _day_keyer(zone, date.isoformat)
    if group is GroupBy.WEEK:
        return _day_keyer(zone, lambda day: start_of_week(day, first).isoformat())
    if group is GroupBy.MONTH:
        return _day_keyer(zone, lambda day: month_start(day).isoformat()[:7])
    if group is GroupBy.USER:
        return lambda e: (e.user.id, e.user.name)
    reads: dict[GroupBy, Callable[[TimeEntry], Ref | None]] = {
        GroupBy.PROJECT: lambda e: e.project,
        GroupBy.CLIENT: lambda e: e.client,
        GroupBy.TASK: lambda e: e.task,
    }
    return _ref_keyer(group, reads[group])


def _tag_keys(entry: TimeEntry) -> tuple[Key, ...]:
    tags = tuple(dict.fromkeys((t.id, t.name) for t in entry.tags))
    return tags or (("", WITHOUT[GroupBy.TAG]),)


def _one_key(keyer: Keyer) -> Callable[[TimeEntry], tuple[Key, ...]]:
    return lambda e: (keyer(e),)


def _pather(groups: Sequence[GroupBy], zone: str, first: Weekday) -> Pather:
    """Every leaf path of an entry: one, or one per tag when grouped by TAG.

    Specialised per depth so the common case builds one tuple per entry and nothing else.
    """
    if GroupBy.TAG in groups:
        parts = [
            _tag_keys if g is GroupBy.TAG else _one_key(_keyer(g, zone, first)) for g in groups
        ]
        return lambda e: product(*(part(e) for part in parts))
    keyers = [_keyer(group, zone, first) for group in groups]
    if len(keyers) == 1:
        (a,) = keyers
        return lambda e: ((a(e),),)
    if len(keyers) == 2:
        a, b = keyers
        return lambda e: ((a(e), b(e)),)
    a, b, c = keyers
    return lambda e: ((a(e), b(e), c(e)),)


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


@dataclass(slots=True)
class _Freezer:
    """Turns the tree of leaf sums into sorted, frozen rows, summing parents from children.

    `tag_parent` holds the sums of the rows just above a TAG level, counted per entry: an entry
    sits under each of its tags, so those rows cannot be summed from their children.
    """

    groups: tuple[GroupBy, ...]
    tag_depth: int | None
    tag_parent: dict[Path, _Sums]
    orders: dict[Key, tuple[bool, str, str]] = field(default_factory=dict)
    refs: dict[Key, Ref] = field(default_factory=dict)

    def order(self, key: Key) -> tuple[bool, str, str]:
        """Sort order of a key ("Without ..." last), and its shared `Ref`, made once per key."""
        found = self.orders.get(key)
        if found is None:
            found = self.orders[key] = (key[0] == "", key[1].casefold(), key[0])
            self.refs[key] = Ref(*key)
        return found

    def rows(self, tree: Tree, prefix: Path) -> tuple[Rows, _Sums]:
        """The rows of `tree` (the level below `prefix`), and the sums of `prefix` itself."""
        depth = len(prefix)
        group, last = self.groups[depth], depth == len(self.groups) - 1
        total, made, refs = _Sums(), [], self.refs
        children: Rows = ()
        for key in sorted(tree, key=self.order):
            if last:
                children, sums = (), tree[key]
            else:
                children, sums = self.rows(tree[key], (*prefix, key))
            total.merge(sums)
            made.append(SummaryRow(group, refs[key], sums.totals(), children))
        return tuple(made), self.tag_parent.get(prefix, total) if depth == self.tag_depth else total


def _leaf_sums(
    entries: Iterable[TimeEntry], paths: Pather, earned: Earner, tag_depth: int | None
) -> tuple[Tree, dict[Path, _Sums]]:
    """Sums per leaf in nested dicts, and per row just above a TAG level (see `_Freezer`).

    Only leaves are touched per entry; parents are summed from them once, at the end. Nested
    dicts rather than one dict of paths: each object that outlives its entry (a path tuple, a
    list to bucket it) adds to the garbage collector's full scans, which dominated the build.
    """
    tree: Tree = {}
    tag_parent: dict[Path, _Sums] = {}
    for entry in entries:
        duration, billable = entry.duration, entry.billable
        amount = earned(entry) if billable else None
        path: Path = ()
        for path in paths(entry):
            node = tree
            for key in path[:-1]:
                child = node.get(key)
                if child is None:
                    child = node[key] = {}
                node = child
            sums = node.get(path[-1])
            if sums is None:
                sums = node[path[-1]] = _Sums()
            sums.add(duration, billable, amount)
        if tag_depth is not None:
            sums = tag_parent.get(path[:tag_depth])
            if sums is None:
                sums = tag_parent[path[:tag_depth]] = _Sums()
            sums.add(duration, billable, amount)
    return tree, tag_parent


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
    apart: dict[EntryType, _Sums] = {}
    work: list[TimeEntry] = []
    for entry in entries:
        if keep is not None and not keep(entry):
            continue
        if entry.type in _WORK or non_work is NonWorkTime.INCLUDE:
            work.append(entry)
        elif non_work is NonWorkTime.SEPARATE:
            apart.setdefault(entry.type, _Sums()).add(entry.duration, False, None)
    tag_depth = checked.index(GroupBy.TAG) if GroupBy.TAG in checked else None
    earned = _earner(rates)
    if checked:
        paths = _pather(checked, zone, week_start)
        tree, tag_parent = _leaf_sums(work, paths, earned, tag_depth)
        rows, root = _Freezer(checked, tag_depth, tag_parent).rows(tree, ())
    else:
        rows, root = (), _Sums()
        for entry in work:
            root.add(entry.duration, entry.billable, earned(entry) if entry.billable else None)
    non_work_totals = tuple((kind, apart[kind].totals()) for kind in EntryType if kind in apart)
    return Summary(checked, zone, week_start, root.totals(), rows, non_work_totals)
