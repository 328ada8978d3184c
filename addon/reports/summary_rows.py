"""Summary rows from entries: each row's key, its exact sums, and the frozen, sorted rows.

`sum_rows` is the engine of `build_summary` and is written for 100,000 entries: each entry is
added to its innermost row only, and every parent is summed from its children once, while the
frozen rows are made. That is exact because sums are integers (seconds, counts, minor-unit-
seconds) and each printed amount is rounded once, from its own row's sum. Under TAG an entry
sits in several rows, so the rows just above the TAG level are summed per entry instead.

Keys are (id, name) pairs, so two names for one id make two rows; DATE, WEEK and MONTH keys are
ISO text in the report zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import Any

from addon.reports.model import GroupBy, Ref, SummaryRow, TimeEntry, Totals
from addon.reports.money import Money, round_ratio
from addon.reports.periods import Weekday, load_zone, month_start
from addon.reports.periods import week_start as start_of_week
from addon.reports.rates import RateBook, rate_lookup

__all__ = ["SECONDS_PER_HOUR", "WITHOUT", "RowSums", "sum_rows"]

SECONDS_PER_HOUR = 3600

WITHOUT = {
    GroupBy.PROJECT: "Without project",
    GroupBy.CLIENT: "Without client",
    GroupBy.TASK: "Without task",
    GroupBy.TAG: "Without tag",
}

Key = tuple[str, str]
"""A row's (id, name); both are the ISO text for DATE, WEEK and MONTH rows."""

Path = tuple[Key, ...]
"""One row per level, outermost first: where an entry's sums go."""

Keyer = Callable[[TimeEntry], Key]
Earner = Callable[[TimeEntry], tuple[str, int] | None]
Rows = tuple[SummaryRow, ...]
Pather = Callable[[TimeEntry], Iterable[Path]]
Tree = dict[Key, Any]
"""Nested dicts, one level per grouping, with `RowSums` at the leaves."""


class RowSums:
    """Exact running sums of one row while a summary is built; frozen into `Totals` at the end.

    Earned amounts are minor-unit-seconds (divided by 3600 once, at the end). The first currency
    seen has its own fields and others go to a dict made only when needed: a three-level summary
    has about one leaf per entry, and a dict per leaf is one more object per entry for the
    garbage collector's full scans to walk (see `_leaf_sums`).
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

    def merge(self, other: RowSums) -> None:
        self.duration += other.duration
        self.billable += other.billable
        self.count += other.count
        if other.currency is not None:
            self.earn(other.currency, other.amount)
        if other.others:
            for currency, amount in other.others.items():
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
    if exact >= 0:
        return (exact * 2 + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR)
    return round_ratio(exact, SECONDS_PER_HOUR)


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


@dataclass(slots=True)
class _Freezer:
    """Turns the tree of leaf sums into sorted, frozen rows, summing parents from children.

    `tag_parent` holds the sums of the rows just above a TAG level, counted per entry: an entry
    sits under each of its tags, so those rows cannot be summed from their children.
    """

    groups: tuple[GroupBy, ...]
    tag_depth: int | None
    tag_parent: dict[Path, RowSums]
    orders: dict[Key, tuple[bool, str, str]] = field(default_factory=dict)
    refs: dict[Key, Ref] = field(default_factory=dict)

    def order(self, key: Key) -> tuple[bool, str, str]:
        """Sort order of a key ("Without ..." last), and its shared `Ref`, made once per key."""
        found = self.orders.get(key)
        if found is None:
            found = self.orders[key] = (key[0] == "", key[1].casefold(), key[0])
            self.refs[key] = Ref(*key)
        return found

    def rows(self, tree: Tree, prefix: Path) -> tuple[Rows, RowSums]:
        """The rows of `tree` (the level below `prefix`), and the sums of `prefix` itself."""
        depth = len(prefix)
        group, last = self.groups[depth], depth == len(self.groups) - 1
        total, made, refs = RowSums(), [], self.refs
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
) -> tuple[Tree, dict[Path, RowSums]]:
    """Sums per leaf in nested dicts, and per row just above a TAG level (see `_Freezer`).

    Only leaves are touched per entry; parents are summed from them once, at the end. Nested
    dicts rather than one dict of paths: each object that outlives its entry (a path tuple, a
    list to bucket it) adds to the garbage collector's full scans, which took most of the time
    of a 100,000-entry build (four full collections, against two for plain dicts).
    """
    tree: Tree = {}
    tag_parent: dict[Path, RowSums] = {}
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
                sums = node[path[-1]] = RowSums()
            sums.add(duration, billable, amount)
        if tag_depth is not None:
            sums = tag_parent.get(path[:tag_depth])
            if sums is None:
                sums = tag_parent[path[:tag_depth]] = RowSums()
            sums.add(duration, billable, amount)
    return tree, tag_parent


def sum_rows(
    work: Iterable[TimeEntry],
    groups: tuple[GroupBy, ...],
    *,
    zone: str,
    first: Weekday,
    rates: RateBook,
) -> tuple[Rows, RowSums]:
    """The sorted rows of `groups` (checked already) over work entries, and their grand sums."""
    earned = _earner(rates)
    if not groups:
        root = RowSums()
        for entry in work:
            root.add(entry.duration, entry.billable, earned(entry) if entry.billable else None)
        return (), root
    tag_depth = groups.index(GroupBy.TAG) if GroupBy.TAG in groups else None
    tree, tag_parent = _leaf_sums(work, _pather(groups, zone, first), earned, tag_depth)
    return _Freezer(groups, tag_depth, tag_parent).rows(tree, ())
