"""Generated activity for a generated catalog: time entries and expenses over a period.

Split from `sandbox/generator.py`, which builds the catalog these draw from. Entries fall on
weekdays mostly (95%), start between 07:00 and 17:55 local time in the workspace's zone, last
15 minutes to 4 hours (30% carry odd seconds), and carry the rate that applies to their user,
project and task (`Workspace.resolve_rates`). Work older than 30 days is mostly invoiced.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sandbox.data import Expense, TimeEntry, Workspace, object_id

__all__ = ["SeededIds", "days_between", "make_entries", "make_expenses"]

_DESCRIPTIONS = (
    "Kick-off call",
    "Sprint planning",
    "Bug fixing",
    "Code review",
    "Weekly status meeting",
    "Client workshop",
    "Wireframes",
    "Performance tuning",
    "Release preparation",
    "",
)
_NOTES = ("Train ticket", "Taxi to client", "Licence renewal", "Team lunch", "Hotel night", "")


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


class SeededIds:
    """Ids `object_id(namespace, kind, n)`: stable for a seed, distinct across seeds."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._count = 0

    def new(self, kind: str) -> str:
        self._count += 1
        return object_id(self._namespace, kind, str(self._count))


def make_entries(
    ws: Workspace, rng: random.Random, ids: SeededIds, count: int, start: date, end: date
) -> list[TimeEntry]:
    zone = ZoneInfo(ws.time_zone)
    days = days_between(start, end)
    weekdays = [day for day in days if day.weekday() < 5] or days
    users = list(ws.users.values())
    tag_ids = [tag.id for tag in ws.tags.values() if not tag.archived]
    drafts = []
    for _ in range(count):
        user = rng.choice(users)
        day = rng.choice(weekdays) if rng.random() < 0.95 else rng.choice(days)
        projects = [p for p in ws.projects.values() if p.member(user.id)]
        project = rng.choice(projects) if projects and rng.random() < 0.93 else None
        tasks = [t for t in ws.tasks.values() if project and t.project_id == project.id]
        task = rng.choice(tasks) if tasks and rng.random() < 0.75 else None
        second = rng.randrange(60) if rng.random() < 0.3 else 0
        local = datetime.combine(day, time(rng.randint(7, 17), rng.randrange(0, 60, 5), second))
        begin = local.replace(tzinfo=zone).astimezone(UTC)
        seconds = rng.randrange(15, 241, 5) * 60 + (rng.randrange(60) if second else 0)
        billable = bool(project and project.billable and (task is None or task.billable))
        aged = (end - day).days > 30
        drafts.append(
            (
                begin,
                user.id,
                project.id if project else None,
                task.id if task else None,
                tuple(sorted(rng.sample(tag_ids, rng.choice((0, 0, 1, 1, 2))))),
                rng.choice(_DESCRIPTIONS),
                begin + timedelta(seconds=seconds),
                billable and rng.random() < 0.92,
                rng.random() < (0.7 if aged else 0.05),
            )
        )
    drafts.sort(key=lambda draft: (draft[0], draft[1]))
    made = []
    for begin, user_id, project_id, task_id, tags, text, finish, billable, invoiced in drafts:
        hourly, cost = ws.resolve_rates(user_id, project_id, task_id)
        made.append(
            TimeEntry(
                ids.new("entry"),
                user_id,
                project_id,
                task_id,
                tags,
                text,
                begin,
                finish,
                billable,
                invoiced and billable,
                ws.project_currency(project_id),
                hourly,
                cost,
            )
        )
    return made


NON_WORK_TYPES = ("BREAK", "HOLIDAY", "TIME_OFF")


def make_non_work_entries(
    ws: Workspace, rng: random.Random, ids: SeededIds, count: int, start: date, end: date
) -> list[TimeEntry]:
    """Breaks (30 min at noon), holidays and time off (whole 8-hour days), in turn.

    Some holidays and time off sit on billable projects with rates and are flagged billable, so
    Clockify prices them in its totals: an add-on that bills them is caught.
    """
    zone = ZoneInfo(ws.time_zone)
    weekdays = [day for day in days_between(start, end) if day.weekday() < 5]
    users = list(ws.users.values())
    billable_projects = [p for p in ws.projects.values() if p.billable]
    made = []
    for index in range(count):
        kind = NON_WORK_TYPES[index % len(NON_WORK_TYPES)]
        user = rng.choice(users)
        day = rng.choice(weekdays)
        hour, seconds = (12, 30 * 60) if kind == "BREAK" else (9, 8 * 3600)
        begin = datetime.combine(day, time(hour)).replace(tzinfo=zone).astimezone(UTC)
        candidates = [p for p in billable_projects if p.member(user.id)]
        project = rng.choice(candidates) if candidates and kind != "BREAK" else None
        billable = project is not None and rng.random() < 0.5
        hourly, cost = ws.resolve_rates(user.id, project.id if project else None, None)
        made.append(
            TimeEntry(
                ids.new("entry"),
                user.id,
                project.id if project else None,
                None,
                (),
                kind.replace("_", " ").title(),
                begin,
                begin + timedelta(seconds=seconds),
                billable,
                False,
                ws.project_currency(project.id if project else None),
                hourly,
                cost,
                kind,
            )
        )
    return made


def make_expenses(
    ws: Workspace, rng: random.Random, ids: SeededIds, count: int, start: date, end: date
) -> list[Expense]:
    days = days_between(start, end)
    projects = [p for p in ws.projects.values() if p.client_id]
    categories = list(ws.categories.values())
    drafts = []
    for _ in range(count):
        project = rng.choice(projects)
        category = rng.choice(categories)
        day = rng.choice(days)
        if category.unit_price is not None:
            quantity = float(rng.randrange(10, 401))
            amount = int(quantity) * category.unit_price
        else:
            quantity, amount = 1.0, rng.randrange(500, 40001)
        tasks = [t.id for t in ws.tasks.values() if t.project_id == project.id]
        drafts.append(
            (
                day,
                rng.choice([m.user_id for m in project.memberships]),
                project,
                rng.choice(tasks) if tasks and rng.random() < 0.3 else None,
                category.id,
                amount,
                quantity,
                rng.random() < 0.8,
                rng.random() < (0.6 if (end - day).days > 30 else 0.05),
                rng.choice(_NOTES),
            )
        )
    drafts.sort(key=lambda draft: (draft[0], draft[1]))
    return [
        Expense(
            ids.new("expense"),
            user_id,
            project.id,
            task_id,
            category_id,
            day,
            amount,
            quantity,
            project.currency,
            billable,
            invoiced and billable,
            notes,
        )
        for (
            day,
            user_id,
            project,
            task_id,
            category_id,
            amount,
            quantity,
            billable,
            invoiced,
            notes,
        ) in drafts
    ]
