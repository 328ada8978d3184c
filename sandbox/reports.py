"""Report arithmetic over a workspace's entries and expenses: filter, round, price, group, page.

Pure: a workspace and a parsed query in, plain values out; `report_json` turns them into one of
the documented response shapes. Money stays exact (`Fraction` cents) until it is rendered, and
with `round_lines=True` every entry's amount is rounded half up first, so integer totals are
the sums of the integer lines, as an invoice needs.

Grouping lives in `sandbox/aggregate.py`. Report rounding (`rounding: true`, or the workspace's
`timeRoundingInReports`) applies the workspace's RoundDto to each entry before pricing.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sandbox.aggregate import Group, Grouper, Line, Totals, user_name
from sandbox.data import Expense, Rounding, TimeEntry, Workspace
from sandbox.report_query import (
    DetailedQuery,
    ExpenseQuery,
    SummaryQuery,
    TimeQuery,
    WeeklyQuery,
)
from sandbox.shapes import round_half_up

__all__ = [
    "DetailedReport",
    "ExpenseReport",
    "Group",
    "Line",
    "SummaryReport",
    "Totals",
    "WeeklyReport",
    "detailed",
    "expenses",
    "select",
    "summary",
    "weekly",
]


@dataclass(frozen=True, slots=True)
class DetailedReport:
    lines: tuple[Line, ...]  # this page
    totals: Totals | None  # over every page; None when the request said EXCLUDE


@dataclass(frozen=True, slots=True)
class SummaryReport:
    groups: tuple[Group, ...]
    totals: Totals
    by_project: tuple[Group, ...]  # for the chart


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    days: tuple[date, ...]
    groups: tuple[Group, ...]
    by_day: tuple[Totals, ...]
    totals: Totals


@dataclass(frozen=True, slots=True)
class ExpenseReport:
    rows: tuple[Expense, ...]  # this page
    count: int
    total: dict[str, int]
    billable: dict[str, int]


def select(workspace: Workspace, query: TimeQuery, *, round_lines: bool) -> list[Line]:
    """The entries the query's period and filters admit, priced, in start order."""
    ws, q = workspace, query
    lines = []
    for entry in ws.entries:
        if not q.window.start <= entry.start <= q.window.end:
            continue
        project = ws.projects.get(entry.project_id) if entry.project_id else None
        checks = (
            (q.users, entry.user_id),
            (q.projects, entry.project_id),
            (q.clients, project.client_id if project else None),
            (q.tasks, entry.task_id),
            (q.currencies, ws.currency_id(entry.currency)),
        )
        if not all(f is None or f.admits(value) for f, value in checks):
            continue
        if q.tags is not None and not q.tags.admits_all(entry.tag_ids):
            continue
        if q.billable is not None and entry.billable is not q.billable:
            continue
        if q.invoicing != "ALL" and entry.invoiced is not (q.invoicing == "INVOICED"):
            continue
        if q.description and q.description.lower() not in entry.description.lower():
            continue
        if q.without_description and entry.description:
            continue
        seconds = _round(entry.seconds, ws.settings.round) if q.rounding else entry.seconds
        lines.append(_priced(entry, seconds, round_lines))
    return lines


class _SortedCache:
    """The sorted lines and totals of the last few detailed queries, one per page walk.

    A client paging through 100,000 entries asks the same query 100 times, one page each; the
    pricing (exact `Fraction`s) is what costs, so it is done once per query rather than once per
    page. The key holds the workspace's identity, its `revision` and its entry count. The sandbox
    bumps `revision` whenever it changes an entry in place (`Workspace.set_invoiced`) or appends
    (the generator), so a report asked after `PATCH .../time-entries/invoiced` is priced afresh;
    the count still catches an append or a `clear()` made on the list directly. Each cached item
    keeps its workspace alive, so an identity is never reused while it is cached.
    """

    def __init__(self, size: int = 8) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._items: OrderedDict[Hashable, tuple[list[Line], Totals, Workspace]] = OrderedDict()

    def get(
        self, workspace: Workspace, key: Hashable, build: Callable[[], list[Line]]
    ) -> tuple[list[Line], Totals]:
        key = (id(workspace), workspace.revision, len(workspace.entries), key)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0], found[1]
        lines = build()  # outside the lock: concurrent pages of other queries proceed
        totals = Totals.of(lines)
        with self._lock:
            self._items[key] = (lines, totals, workspace)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return lines, totals

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_SORTED = _SortedCache()


def detailed(workspace: Workspace, query: DetailedQuery, *, round_lines: bool) -> DetailedReport:
    key = (query.time, query.sort_column, round_lines)
    lines, totals = _SORTED.get(
        workspace, key, lambda: _sorted_lines(workspace, query, round_lines)
    )
    first = (query.page - 1) * query.page_size
    page = tuple(lines[first : first + query.page_size])
    return DetailedReport(page, totals if query.totals else None)


def _sorted_lines(workspace: Workspace, query: DetailedQuery, round_lines: bool) -> list[Line]:
    lines = select(workspace, query.time, round_lines=round_lines)
    users = workspace.users
    keys: dict[str, Callable[[Line], Any]] = {
        "ID": lambda line: line.entry.id,
        "DESCRIPTION": lambda line: line.entry.description.lower(),
        "USER": lambda line: (user_name(users, line.entry.user_id), line.entry.start),
        "USER_DATE": lambda line: (user_name(users, line.entry.user_id), line.entry.start),
        "DURATION": lambda line: line.seconds,
    }
    key = keys.get(query.sort_column, lambda line: line.entry.start)
    descending = (query.time.sort_order or "DESCENDING") == "DESCENDING"
    lines.sort(key=lambda line: line.entry.id, reverse=descending)  # stable tie-break
    lines.sort(key=key, reverse=descending)
    return lines


def summary(
    workspace: Workspace, query: SummaryQuery, *, round_lines: bool, work_only: bool = False
) -> SummaryReport:
    """Groups and totals; `work_only` leaves BREAK, HOLIDAY and TIME_OFF out (a behaviour)."""
    lines = select(workspace, query.time, round_lines=round_lines)
    if work_only:
        lines = [line for line in lines if line.entry.type == "REGULAR"]
    grouper = Grouper(workspace, query.time, query.sort_column)
    return SummaryReport(
        grouper.groups(lines, query.groups, ()),
        Totals.of(lines),
        grouper.groups(lines, ("PROJECT",), ()),
    )


def weekly(workspace: Workspace, query: WeeklyQuery, *, round_lines: bool) -> WeeklyReport:
    """Groups by USER or PROJECT, each with the other as children, and per-day totals."""
    lines = select(workspace, query.time, round_lines=round_lines)
    first = query.time.window.start.date()
    days = tuple(first + timedelta(days=offset) for offset in range(7))
    other = "PROJECT" if query.group == "USER" else "USER"
    grouper = Grouper(workspace, query.time, "GROUP", days=days)
    groups = grouper.groups(lines, (query.group, other), ())
    return WeeklyReport(days, groups, grouper.by_day(lines), Totals.of(lines))


def expenses(workspace: Workspace, query: ExpenseQuery) -> ExpenseReport:
    ws, q = workspace, query
    first, last = q.window.start.date(), q.window.end.date()
    rows = []
    for expense in ws.expenses:
        project = ws.projects.get(expense.project_id)
        checks = (
            (q.users, expense.user_id),
            (q.projects, expense.project_id),
            (q.clients, project.client_id if project else None),
            (q.tasks, expense.task_id),
            (q.categories, expense.category_id),
        )
        if not first <= expense.date <= last:
            continue
        if not all(f is None or f.admits(value) for f, value in checks):
            continue
        if q.billable is not None and expense.billable is not q.billable:
            continue
        if q.invoicing != "ALL" and expense.invoiced is not (q.invoicing == "INVOICED"):
            continue
        if q.note and q.note.lower() not in expense.notes.lower():
            continue
        if q.without_note and expense.notes:
            continue
        rows.append(expense)
    keys: dict[str, Callable[[Expense], Any]] = {
        "ID": lambda e: e.id,
        "PROJECT": lambda e: ws.projects[e.project_id].name.lower(),
        "USER": lambda e: user_name(ws.users, e.user_id),
        "CATEGORY": lambda e: ws.categories[e.category_id].name.lower(),
        "AMOUNT": lambda e: e.amount,
    }
    descending = q.sort_order == "DESCENDING"
    rows.sort(key=lambda e: e.id, reverse=descending)
    rows.sort(key=keys.get(q.sort_column, lambda e: e.date), reverse=descending)
    total: dict[str, int] = {}
    billable: dict[str, int] = {}
    for expense in rows:
        total[expense.currency] = total.get(expense.currency, 0) + expense.amount
        if expense.billable:
            billable[expense.currency] = billable.get(expense.currency, 0) + expense.amount
    start = (q.page - 1) * q.page_size
    return ExpenseReport(tuple(rows[start : start + q.page_size]), len(rows), total, billable)


def _priced(entry: TimeEntry, seconds: int, round_lines: bool) -> Line:
    hourly, cost = entry.hourly_rate, entry.cost_rate
    earned = Fraction(hourly.amount * seconds, 3600) if hourly and entry.billable else Fraction(0)
    spent = Fraction(cost.amount * seconds, 3600) if cost else Fraction(0)
    if round_lines:
        earned, spent = Fraction(round_half_up(earned)), Fraction(round_half_up(spent))
    return Line(entry, seconds, earned, spent)


def _round(seconds: int, rounding: Rounding) -> int:
    """The workspace's report rounding: to nearest, up to or down to `minutes`."""
    step = rounding.minutes * 60
    if step <= 0:
        return seconds
    if rounding.round == "Round up to":
        return math.ceil(seconds / step) * step
    if rounding.round == "Round down to":
        return seconds // step * step
    return round_half_up(Fraction(seconds, step)) * step
