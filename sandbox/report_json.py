"""Computed reports as Reports API JSON, in the variant the workspace's `ShapeMode` selects.

Default field sets are the OpenAPI DTOs: TimeEntryDto, TimeEntryReportTotals, GroupOneDto,
TimeEntryWeeklyReportDto (`time-entry-report.yml`); expense reports are in `expense_json.py`.
Additions the spec lacks but live data has (reports-api.md §4): money
on detailed rows (`rate`, `amount`, `earnedRate`, `earnedAmount`, `costRate`, `costAmount`,
`currency`), and on totals `totalAmount`, `totalAmountByCurrency`, `numOfCurrencies` and
`amounts[].amountByCurrency`. Timestamps are rendered in the request's zone with its offset,
as probed live (§3.1). Missing project, client or task ids are `""`, as in the 2019 recording.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sandbox.behaviour import Behaviour
from sandbox.data import Workspace
from sandbox.report_query import DetailedQuery, SummaryQuery, TimeQuery, WeeklyQuery
from sandbox.reports import (
    DetailedReport,
    Group,
    Line,
    SummaryReport,
    Totals,
    WeeklyReport,
)
from sandbox.shapes import ShapeMode, format_duration, format_money

__all__ = ["detailed_body", "summary_body", "weekly_body"]

Json = dict[str, Any]


def detailed_body(
    ws: Workspace,
    report: DetailedReport,
    query: DetailedQuery,
    shape: ShapeMode,
    behaviour: Behaviour | None = None,
) -> Json:
    behaviour = behaviour or Behaviour()
    rows = [_entry_row(ws, line, query.time, shape) for line in report.lines]
    rows = [_as_behaved(row, line, behaviour) for row, line in zip(rows, report.lines, strict=True)]
    return {shape.entries_key: rows, "totals": _totals(report.totals, query.time, shape)}


def summary_body(
    ws: Workspace,
    report: SummaryReport,
    query: SummaryQuery,
    shape: ShapeMode,
    *,
    by_currency: bool = True,
) -> Json:
    """The summary; `by_currency` gives each group `amounts[{type, value, amountByCurrency}]`
    beside its `amount` (which adds every currency into one number), as live rows do."""
    chart = [
        {
            "id": group.key,
            "totalTime": format_duration(group.totals.seconds, shape, in_totals=True),
            "totalBillableTime": format_duration(
                group.totals.billable_seconds, shape, in_totals=True
            ),
            "totalAmount": _shown(group.totals, query.time, shape),
            "earned": format_money(group.totals.total("EARNED"), shape),
        }
        for group in report.by_project
    ]
    return {
        "groupOne": [
            _group_row(group, query.time, shape, by_currency=by_currency) for group in report.groups
        ],
        "totals": _totals(report.totals, query.time, shape),
        shape.chart_key: chart,
    }


def weekly_body(ws: Workspace, report: WeeklyReport, query: WeeklyQuery, shape: ShapeMode) -> Json:
    q = query.time
    if shape.weekly == "weeks":  # [S002]'s shape: one week, groups nested as in its example
        return {
            "weeks": [
                {
                    "weekStart": report.days[0].isoformat(),
                    "weekEnd": report.days[-1].isoformat(),
                    "groups": [_group_row(group, q, shape) for group in report.groups],
                }
            ],
            "totals": _totals(report.totals, q, shape),
        }
    return {
        "groupOne": [_group_row(group, q, shape, report.days) for group in report.groups],
        "totals": _totals(report.totals, q, shape),
        "totalsByDay": [
            _day(day.isoformat(), totals, q, shape)
            for day, totals in zip(report.days, report.by_day, strict=True)
        ],
        "decimalFormat": False,
        "trackTimeDownToSeconds": True,
        "includeUsersWithoutTime": False,
        "usersWithoutTime": [],
    }


def _entry_row(ws: Workspace, line: Line, q: TimeQuery, shape: ShapeMode) -> Json:
    entry = line.entry
    project = ws.projects.get(entry.project_id or "")
    client = ws.clients.get(project.client_id or "") if project else None
    task = ws.tasks.get(entry.task_id or "")
    user = ws.users.get(entry.user_id)
    row: Json = {
        shape.entry_id: entry.id,
        "description": entry.description,
        "userId": entry.user_id,
        "userName": user.name if user else "",
        "userEmail": user.email if user else "",
        "billable": entry.billable,
        "projectId": project.id if project else "",
        "projectName": project.name if project else "",
        "projectColor": project.color if project else "",
        "clientId": client.id if client else "",
        "clientName": client.name if client else "",
        "taskId": task.id if task else "",
        "taskName": task.name if task else "",
        "tags": [{"id": t, "name": ws.tags[t].name} for t in entry.tag_ids if t in ws.tags],
        "timeInterval": {
            "start": _stamp(entry.start, q),
            "end": _stamp(entry.end, q),
            "duration": format_duration(line.seconds, shape),
        },
        "approvalRequestId": None,
        "locked": False,
    }
    row.update(_entry_money(line, q, shape))
    return row


def _as_behaved(row: Json, line: Line, behaviour: Behaviour) -> Json:
    """The row as the workspace's behaviour serves it: `type`, names, nesting (behaviour.py)."""
    entry = line.entry
    if behaviour.row_type == "present":
        row["type"] = entry.type
        row["isLocked"] = False
        row["tagIds"] = [tag["id"] for tag in row.get("tags", [])]
    if behaviour.row_names == "ids_only":
        row.pop("tags", None)
        row.pop("taskName", None)
        row["tagIds"] = list(entry.tag_ids)
    if behaviour.row_refs == "nested":
        row = _nested(row, entry.tag_ids)
    return row


def _nested(row: Json, tag_ids: tuple[str, ...]) -> Json:
    """Flat `projectId`/`projectName`/... as the regular API's objects; rates without currency."""
    project_id, client_id = row.pop("projectId"), row.pop("clientId")
    project = {
        "id": project_id,
        "name": row.pop("projectName"),
        "clientId": client_id,
        "clientName": row.pop("clientName"),
        "color": row.pop("projectColor"),
    }
    row["project"] = project if project_id else None
    row["user"] = {
        "id": row.pop("userId"),
        "name": row.pop("userName"),
        "email": row.pop("userEmail"),
    }
    task_id, task_name = row.pop("taskId"), row.pop("taskName", None)
    row["task"] = (
        None
        if not task_id
        else {"id": task_id, **({} if task_name is None else {"name": task_name})}
    )
    if "tags" not in row:
        row["tagIds"] = list(tag_ids)
    for key in ("hourlyRate", "costRate"):
        if isinstance(row.get(key), dict):
            row[key] = {"amount": row[key]["amount"]}
    if "rate" in row:  # the plain money variant becomes the regular API's rate objects
        rate, cost = row.pop("rate"), row.pop("costRate")
        row.pop("earnedRate", None)
        row["hourlyRate"] = {"amount": rate} if rate else None
        row["costRate"] = {"amount": cost} if cost else None
        row["amount"] = row.pop("earnedAmount")
        row.pop("costAmount", None)
    return row


def _entry_money(line: Line, q: TimeQuery, shape: ShapeMode) -> Json:
    entry = line.entry
    rate = entry.hourly_rate.amount if entry.hourly_rate else 0
    cost_rate = entry.cost_rate.amount if entry.cost_rate else 0
    values = {"EARNED": line.earned, "COST": line.cost, "PROFIT": line.earned - line.cost}
    shown = None if q.amount_shown == "HIDE_AMOUNT" else values.get(q.amount_shown, line.earned)
    amount = None if shown is None else format_money(shown, shape)
    match shape.entry_money:
        case "plain":
            return {
                "rate": rate,
                "amount": amount,
                "earnedRate": rate,
                "earnedAmount": format_money(line.earned, shape),
                "costRate": cost_rate,
                "costAmount": format_money(line.cost, shape),
                "currency": entry.currency,
            }
        case "amounts":
            return {
                "amounts": [
                    {"type": kind, "value": format_money(values[kind], shape)}
                    for kind in q.amount_types
                ]
            }
        case "hourly_rate":
            return {
                "hourlyRate": {"amount": rate, "currency": entry.currency} if rate else None,
                "costRate": {"amount": cost_rate, "currency": entry.currency}
                if cost_rate
                else None,
                "amount": amount,
            }
    return {}


def _totals(totals: Totals | None, q: TimeQuery, shape: ShapeMode) -> Any:
    """TimeEntryReportTotals in a list (official), as an object, `[null]` or `[]`."""
    if shape.totals == "null_list":
        return [None]
    if totals is None:
        return {} if shape.totals == "object" else []
    if shape.totals == "empty_list":
        return []
    hidden = shape.total_amount_null or q.amount_shown == "HIDE_AMOUNT"
    kind = _kind(q)
    by_currency = totals.amount(kind)
    body: Json = {
        "_id" if shape.group_id == "_id" else "id": "",
        "totalTime": format_duration(totals.seconds, shape, in_totals=True),
        "totalBillableTime": format_duration(totals.billable_seconds, shape, in_totals=True),
        "entriesCount": totals.count,
        "totalAmount": None if hidden else format_money(totals.total(kind), shape),
        "totalAmountByCurrency": _by_currency(by_currency, shape, hidden),
        "numOfCurrencies": len(by_currency),
        "amounts": []
        if hidden
        else [
            {
                "type": t,
                "value": format_money(totals.total(t), shape),
                "amountByCurrency": _by_currency(totals.amount(t), shape, False),
            }
            for t in q.amount_types
        ],
    }
    return body if shape.totals == "object" else [body]


def _by_currency(amounts: dict[str, Fraction], shape: ShapeMode, hidden: bool) -> Any:
    if shape.by_currency == "empty_object":
        return {}
    if hidden:
        return []
    return [{"currency": c, "amount": format_money(v, shape)} for c, v in sorted(amounts.items())]


def _group_row(
    group: Group,
    q: TimeQuery,
    shape: ShapeMode,
    dates: tuple[date, ...] = (),
    *,
    by_currency: bool = False,
) -> Json:
    key: Any = group.key
    if shape.composite_entry_ids and group.dimension == "TIMEENTRY":
        key = dict(group.path)  # e.g. {"DATE": "2024-05-01", "USER": "…", "TIMEENTRY": "…"}
    row: Json = {
        shape.group_id: key,
        "name": group.name,
        "nameLowerCase": group.name.lower(),
        "duration": format_duration(group.totals.seconds, shape),
        "amount": _shown(group.totals, q, shape),
    }
    if by_currency and q.amount_shown != "HIDE_AMOUNT":
        row["amounts"] = [
            {
                "type": t,
                "value": format_money(group.totals.total(t), shape),
                "amountByCurrency": _by_currency(group.totals.amount(t), shape, False),
            }
            for t in q.amount_types
        ]
    if group.dimension == "PROJECT":
        row["clientName"] = group.client_name or ""
        row["color"] = group.color or ""
    if dates:
        row["days"] = [
            _day(day.isoformat(), totals, q, shape)
            for day, totals in zip(dates, group.days, strict=True)
        ]
    if group.children:
        row["children"] = [
            _group_row(child, q, shape, dates, by_currency=by_currency) for child in group.children
        ]
    return row


def _day(day: str, totals: Totals, q: TimeQuery, shape: ShapeMode) -> Json:
    return {
        "date": day,
        "duration": format_duration(totals.seconds, shape),
        "amount": _shown(totals, q, shape),
    }


def _shown(totals: Totals, q: TimeQuery, shape: ShapeMode) -> int | float | None:
    if q.amount_shown == "HIDE_AMOUNT":
        return None
    return format_money(totals.total(_kind(q)), shape)


def _kind(q: TimeQuery) -> str:
    return q.amount_shown if q.amount_shown in ("EARNED", "COST", "PROFIT") else "EARNED"


def _stamp(moment: datetime, q: TimeQuery) -> str:
    return moment.astimezone(q.window.zone).isoformat(timespec="seconds")
