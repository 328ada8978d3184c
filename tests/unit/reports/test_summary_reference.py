"""The summary equals a straightforward reference aggregation, whatever the engine does for speed.

The reference below walks every entry into every row it belongs to, one dict per row, and sorts
at the end: slow and obvious. Entries start near DST changes in their zone (and may run past local
midnight), carry non-work types, several currencies, their own rate, Clockify's `earned` or
neither (then a `RateBook` prices them), so every fast path in `build_summary` is compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from addon.reports.aggregate import build_summary
from addon.reports.model import (
    EntryType,
    GroupBy,
    NonWorkTime,
    Ref,
    Summary,
    SummaryRow,
    TimeEntry,
    Totals,
)
from addon.reports.money import Money
from addon.reports.periods import Weekday
from addon.reports.rates import RateBook
from addon.reports.summary_rows import WITHOUT

from .builders import ACME, ANN, APP, BOB, DESIGN, GLOBEX, REVIEW, URGENT, WEBSITE, make_entry

# Each zone with instants (UTC) where its offset changes in 2024; entries start around them.
CHANGES = {
    "Europe/Berlin": (datetime(2024, 3, 31, 1, tzinfo=UTC), datetime(2024, 10, 27, 1, tzinfo=UTC)),
    "America/Santiago": (datetime(2024, 4, 7, 3, tzinfo=UTC), datetime(2024, 9, 8, 4, tzinfo=UTC)),
    "Pacific/Auckland": (
        datetime(2024, 4, 6, 14, tzinfo=UTC),
        datetime(2024, 9, 28, 14, tzinfo=UTC),
    ),
    "UTC": (datetime(2024, 12, 31, 23, tzinfo=UTC),),
}
CAROL = Ref("u-carol", "al")  # lower case: sorts first only case-insensitively
BOOKS = (
    RateBook(),
    RateBook(workspace=Money(5000, "USD"), members={BOB.id: Money(7000, "USD")}),
    RateBook(
        projects={APP.id: Money(900, "JPY")},
        tasks={DESIGN.id: Money(8000, "EUR")},
        project_members={(WEBSITE.id, ANN.id): Money(12345, "USD")},
    ),
)
money = st.builds(Money, st.integers(0, 30_000), st.sampled_from(["USD", "EUR", "JPY"]))


@st.composite
def entries_near_changes(draw: st.DrawFn, zone: str) -> list[TimeEntry]:
    found = []
    for index in range(draw(st.integers(0, 25))):
        start = draw(st.sampled_from(CHANGES[zone])) + timedelta(
            seconds=draw(st.integers(-2 * 86400, 2 * 86400))
        )
        found.append(
            make_entry(
                id=f"e{index}",
                seconds=draw(st.integers(0, 14 * 3600)),
                start=start,
                rate=draw(st.none() | money),
                earned=draw(st.none() | money),
                user=draw(st.sampled_from([ANN, BOB, CAROL])),
                project=draw(st.sampled_from([WEBSITE, APP, None])),
                client=draw(st.sampled_from([ACME, GLOBEX, None])),
                task=draw(st.sampled_from([DESIGN, None])),
                tags=tuple(draw(st.lists(st.sampled_from([URGENT, REVIEW]), max_size=2))),
                billable=draw(st.booleans()),
                type=draw(st.sampled_from(EntryType)),
            )
        )
    return found


def _ref(ref: Ref | None, group: GroupBy) -> tuple[str, str]:
    return (ref.id, ref.name) if ref else ("", WITHOUT[group])


def _keys(entry: TimeEntry, group: GroupBy, zone: str, first: Weekday) -> list[tuple[str, str]]:
    day = entry.start.astimezone(ZoneInfo(zone)).date()
    if group is GroupBy.TAG:
        return list(dict.fromkeys(_ref(t, group) for t in entry.tags)) or [_ref(None, group)]
    if group is GroupBy.DATE:
        return [(day.isoformat(), day.isoformat())]
    if group is GroupBy.WEEK:
        monday = day - timedelta(days=(day.weekday() - first.number) % 7)
        return [(monday.isoformat(), monday.isoformat())]
    if group is GroupBy.MONTH:
        return [(day.isoformat()[:7], day.isoformat()[:7])]
    if group is GroupBy.USER:
        return [(entry.user.id, entry.user.name)]
    if group is GroupBy.PROJECT:
        return [_ref(entry.project, group)]
    if group is GroupBy.CLIENT:
        return [_ref(entry.client, group)]
    return [_ref(entry.task, group)]


def _earned(entry: TimeEntry, book: RateBook) -> tuple[str, int] | None:
    """Minor-unit-seconds: rate x seconds, or Clockify's earned x 3600, or the book's rate."""
    if not entry.billable:
        return None
    if entry.hourly_rate is None and entry.earned is not None:
        return entry.earned.currency, entry.earned.minor * 3600
    project = entry.project.id if entry.project else None
    candidates = [
        entry.hourly_rate,
        book.project_members.get((project, entry.user.id)) if project else None,
        book.tasks.get(entry.task.id) if entry.task else None,
        book.members.get(entry.user.id),
        book.projects.get(project) if project else None,
        book.workspace,
    ]
    rate = next((r for r in candidates if r is not None), None)
    return (rate.currency, rate.minor * entry.duration) if rate else None


@dataclass
class _Sums:
    duration: int = 0
    billable: int = 0
    count: int = 0
    earned: dict[str, int] = field(default_factory=dict)  # minor-unit-seconds per currency

    def add(self, entry: TimeEntry, earned: tuple[str, int] | None) -> None:
        self.duration += entry.duration
        self.billable += entry.duration if entry.billable else 0
        self.count += 1
        if earned:
            self.earned[earned[0]] = self.earned.get(earned[0], 0) + earned[1]

    def totals(self) -> Totals:
        codes = sorted(self.earned)
        amounts = tuple(Money((self.earned[c] * 2 + 3600) // 7200, c) for c in codes)
        return Totals(self.duration, self.billable, self.count, amounts)


def reference(
    entries: list[TimeEntry], groups: list[GroupBy], zone: str, first: Weekday, book: RateBook
) -> tuple[Totals, tuple[SummaryRow, ...]]:
    """Every row's sums, one dict entry per row path; each entry counted once per row."""
    rows: dict[tuple[tuple[str, str], ...], _Sums] = {}
    for entry in entries:
        earned = _earned(entry, book)
        paths = product(*(_keys(entry, g, zone, first) for g in groups))
        prefixes = {path[:depth] for path in paths for depth in range(len(groups) + 1)}
        for prefix in prefixes:
            rows.setdefault(prefix, _Sums()).add(entry, earned)

    def children(prefix: tuple[tuple[str, str], ...]) -> tuple[SummaryRow, ...]:
        below = [p for p in rows if len(p) == len(prefix) + 1 and p[:-1] == prefix]
        below.sort(key=lambda p: (p[-1][0] == "", p[-1][1].casefold(), p[-1][0]))
        group = groups[len(prefix)] if below else GroupBy.USER
        return tuple(SummaryRow(group, Ref(*p[-1]), rows[p].totals(), children(p)) for p in below)

    root = rows.get((), _Sums()).totals()
    return root, children(())


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(CHANGES)).flatmap(
        lambda z: st.tuples(st.just(z), entries_near_changes(z))
    ),
    st.lists(st.sampled_from(GroupBy), max_size=3, unique=True),
    st.sampled_from(Weekday),
    st.sampled_from(BOOKS),
    st.sampled_from(NonWorkTime),
)
def test_summary_equals_a_straightforward_reference_aggregation(
    zoned: tuple[str, list[TimeEntry]],
    groups: list[GroupBy],
    first: Weekday,
    book: RateBook,
    non_work: NonWorkTime,
) -> None:
    zone, entries = zoned
    counted = [e for e in entries if e.type.is_work or non_work is NonWorkTime.INCLUDE]

    summary = build_summary(
        entries, groups, zone=zone, week_start=first, rates=book, non_work=non_work
    )

    totals, rows = reference(counted, groups, zone, first, book)
    assert summary == Summary(tuple(groups), zone, first, totals, rows, summary.non_work)
    apart = [e for e in entries if not e.type.is_work and non_work is NonWorkTime.SEPARATE]
    assert sum(t.entries for _, t in summary.non_work) == len(apart)
    assert sum(t.duration for _, t in summary.non_work) == sum(e.duration for e in apart)
