"""Counting reported time: one priced `Line` per entry, `Totals` per currency, nested `Group`s.

Clockify's grouping rules copied here: an entry with several tags counts in each TAG group; the
TIMEENTRY dimension groups by description (the Go payload in reports-api.md §4.2 keys it by the
description); an entry's day, week and month are those of its start in the request's zone.
Groups without a project, client, task or tag are named "Without project" and so on, with `""`
as their id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sandbox.data import TimeEntry, Workspace
from sandbox.report_query import WEEKDAYS, TimeQuery

__all__ = ["Group", "Grouper", "Line", "Totals", "user_name"]

_NONE_NAMES = {"PROJECT": "Without project", "CLIENT": "Without client", "TASK": "Without task"}


@dataclass(frozen=True, slots=True)
class Line:
    """One entry as a report counts it: rounded seconds and exact amounts in its currency."""

    entry: TimeEntry
    seconds: int
    earned: Fraction
    cost: Fraction


@dataclass(frozen=True, slots=True)
class Totals:
    seconds: int = 0
    billable_seconds: int = 0
    count: int = 0
    earned: dict[str, Fraction] = field(default_factory=dict)
    cost: dict[str, Fraction] = field(default_factory=dict)

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Totals:
        seconds = billable = count = 0
        earned: dict[str, Fraction] = {}
        cost: dict[str, Fraction] = {}
        for line in lines:
            count += 1
            seconds += line.seconds
            billable += line.seconds if line.entry.billable else 0
            currency = line.entry.currency
            earned[currency] = earned.get(currency, Fraction(0)) + line.earned
            cost[currency] = cost.get(currency, Fraction(0)) + line.cost
        return cls(seconds, billable, count, earned, cost)

    def amount(self, kind: str) -> dict[str, Fraction]:
        """EARNED, COST or PROFIT (earned minus cost), per currency."""
        if kind == "COST":
            return dict(self.cost)
        if kind == "PROFIT":
            return {
                c: self.earned.get(c, Fraction(0)) - self.cost.get(c, Fraction(0))
                for c in self.earned | self.cost
            }
        return dict(self.earned)

    def total(self, kind: str) -> Fraction:
        return sum(self.amount(kind).values(), Fraction(0))


@dataclass(frozen=True, slots=True)
class Group:
    """One summary row; `path` is `(dimension, key)` from the top group down to this one."""

    dimension: str
    key: str
    name: str
    path: tuple[tuple[str, str], ...]
    totals: Totals
    children: tuple[Group, ...]
    client_name: str | None = None
    color: str | None = None
    days: tuple[Totals, ...] = ()  # weekly only: one per day of the report


class Grouper:
    """Nests lines by dimension; one instance per request (it carries the zone and sorting)."""

    def __init__(
        self, workspace: Workspace, query: TimeQuery, sort: str, days: tuple[date, ...] = ()
    ) -> None:
        self.ws = workspace
        self.zone = query.window.zone
        self.week_start = WEEKDAYS.index(query.week_start)
        self.sort = sort
        self.descending = (
            query.sort_order or ("ASCENDING" if sort == "GROUP" else "DESCENDING")
        ) == "DESCENDING"
        self.days = days

    def groups(
        self, lines: list[Line], dims: tuple[str, ...], path: tuple[tuple[str, str], ...]
    ) -> tuple[Group, ...]:
        if not dims:
            return ()
        dim = dims[0]
        buckets: dict[str, tuple[str, list[Line]]] = {}
        for line in lines:
            for key, name in self._keys(line, dim):
                buckets.setdefault(key, (name, []))[1].append(line)
        made = []
        for key, (name, members) in buckets.items():
            here = (*path, (dim, key))
            project = self.ws.projects.get(key) if dim == "PROJECT" else None
            client = self.ws.clients.get(project.client_id or "") if project else None
            made.append(
                Group(
                    dim,
                    key,
                    name,
                    here,
                    Totals.of(members),
                    self.groups(members, dims[1:], here),
                    client_name=(client.name if client else "") if dim == "PROJECT" else None,
                    color=project.color if project else None,
                    days=self.by_day(members) if self.days else (),
                )
            )
        made.sort(key=self._order, reverse=self.descending)
        return tuple(made)

    def by_day(self, lines: list[Line]) -> tuple[Totals, ...]:
        per_day: dict[date, list[Line]] = {day: [] for day in self.days}
        for line in lines:
            per_day.setdefault(line.entry.start.astimezone(self.zone).date(), []).append(line)
        return tuple(Totals.of(per_day[day]) for day in self.days)

    def _order(self, group: Group) -> Any:
        totals = group.totals
        match self.sort:
            case "DURATION":
                return totals.seconds
            case "AMOUNT" | "EARNED":
                return totals.total("EARNED")
            case "COST" | "PROFIT":
                return totals.total(self.sort)
        if group.dimension in ("DATE", "WEEK", "MONTH"):
            return (group.key, group.key)
        return (group.name.lower(), group.key)

    def _keys(self, line: Line, dim: str) -> list[tuple[str, str]]:
        """The (key, name) pairs `line` belongs to along `dim`; several only for TAG."""
        entry, ws = line.entry, self.ws
        match dim:
            case "USER":
                return [(entry.user_id, user_name(ws.users, entry.user_id))]
            case "PROJECT" | "CLIENT" | "TASK":
                return [_entity(ws, entry, dim)]
            case "TAG":
                tags = [(t, ws.tags[t].name) for t in entry.tag_ids if t in ws.tags]
                return tags or [("", "Without tag")]
            case "TIMEENTRY":
                return [(entry.description, entry.description)]
        day = entry.start.astimezone(self.zone).date()
        if dim == "WEEK":
            monday = day - timedelta(days=(day.weekday() - self.week_start) % 7)
            return [(monday.isoformat(), f"{monday} - {monday + timedelta(days=6)}")]
        if dim == "MONTH":
            return [(day.strftime("%Y-%m"), day.strftime("%B %Y"))]
        return [(day.isoformat(), day.isoformat())]


def _entity(ws: Workspace, entry: TimeEntry, dim: str) -> tuple[str, str]:
    project = ws.projects.get(entry.project_id or "")
    if dim == "PROJECT":
        found: Any = project
    elif dim == "CLIENT":
        found = ws.clients.get(project.client_id or "") if project else None
    else:
        found = ws.tasks.get(entry.task_id or "")
    return (found.id, found.name) if found is not None else ("", _NONE_NAMES[dim])


def user_name(users: dict[str, Any], user_id: str) -> str:
    user = users.get(user_id)
    return user.name if user is not None else ""
