"""Read and check a Reports API request body as Clockify does; anything wrong is 400 code 501.

Fields and enums are those of `time-entry-report.yml` (DetailedReportFilterV1,
SummaryReportFilterV1, WeeklyReportFilterV1) and `expense-report.yml` (ExpenseReportFilterV1);
entity filters sit at the top level of the body, as there and in [S003] (reports-api.md §3.1).
Rules taken from reports-api.md:

* `dateRangeStart`/`dateRangeEnd` are wall-clock times in the body's `timeZone` (default: the
  user's zone, here the workspace's); a trailing `Z` or offset is ignored, as probed live (§3.1).
* The range may span at most 31 days on FREE and 366 days on other plans: the OpenAPI states the
  FREE limit, the 366-day figure is [S003]'s and the `ONE_YEAR_RANGE_REPORTS` feature (§5).
* The weekly report takes exactly 7 days, inclusive (`+6d 23:59:59`) or exclusive (`+7d
  00:00:00`), and says "Please select date range of exactly 7 days for weekly report" (§3.4).
* `summaryFilter.groups` takes 1 to 3 names of the [OAS-May] enum plus USER and TAG (§3.3).
* `pageSize` is capped by the server (1000 by default, or 200; the sources disagree, §3.2).

Checked but not applied (the sandbox has no such data): `approvalState`, `userGroups`,
`customFields`, `userCustomFields`, `auditFilter`, and the `status` of entity filters.
`exportType` other than JSON/JSON_V1 is refused with 400, since only JSON is rendered.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.data import Workspace
from sandbox.errors import ClockifyApiError
from sandbox.report_query import (
    AMOUNT_TYPES,
    DETAILED_SORT,
    EXPENSE_SORT,
    EXPORTS,
    GROUPS,
    INVOICING,
    ORDERS,
    SUMMARY_SORT,
    WEEKDAYS,
    DetailedQuery,
    ExpenseQuery,
    IdFilter,
    SummaryQuery,
    TimeQuery,
    WeeklyQuery,
    Window,
)

__all__ = [
    "DEFAULT_MAX_RANGE_DAYS",
    "MAX_RANGE_DAYS",
    "parse_detailed",
    "parse_expenses",
    "parse_guide_expenses",
    "parse_summary",
    "parse_weekly",
]

MAX_RANGE_DAYS = {"FREE": 31}
DEFAULT_MAX_RANGE_DAYS = 366
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?")
_WEEK = timedelta(days=7)


def _bad(message: str) -> ClockifyApiError:
    return ClockifyApiError(message)


def parse_detailed(
    body: Any, workspace: Workspace, page_cap: int, *, clamp_range: bool = False
) -> DetailedQuery:
    time = _time_query(body, workspace, clamp_range)
    options = _object(body, "detailedFilter", required=True)
    totals = _object(options, "options").get("totals", "CALCULATE")
    if totals not in ("CALCULATE", "EXCLUDE"):
        raise _bad("detailedFilter.options.totals must be CALCULATE or EXCLUDE")
    page, size = _page(options, "detailedFilter.", page_cap)
    sort = _enum(options, "sortColumn", DETAILED_SORT, "DATE", "detailedFilter.")
    return DetailedQuery(time, page, size, sort, totals == "CALCULATE")


def parse_summary(body: Any, workspace: Workspace, *, clamp_range: bool = False) -> SummaryQuery:
    time = _time_query(body, workspace, clamp_range)
    summary = _object(body, "summaryFilter", required=True)
    groups = summary.get("groups")
    if not isinstance(groups, list) or not 1 <= len(groups) <= 3:
        raise _bad("summaryFilter.groups must list 1 to 3 groups")
    for name in groups:
        if name not in GROUPS:
            raise _bad(f"summaryFilter.groups: {name!r} is not one of {', '.join(GROUPS)}")
    if len(set(groups)) != len(groups):
        raise _bad("summaryFilter.groups must not repeat a group")
    sort = _enum(summary, "sortColumn", SUMMARY_SORT, "GROUP", "summaryFilter.")
    return SummaryQuery(time, tuple(groups), sort)


def parse_weekly(body: Any, workspace: Workspace, *, clamp_range: bool = False) -> WeeklyQuery:
    time = _time_query(body, workspace, clamp_range)
    weekly = _object(body, "weeklyFilter", required=True)
    group = _enum(weekly, "group", ("USER", "PROJECT"), None, "weeklyFilter.", required=True)
    subgroup = _enum(weekly, "subgroup", ("TIME",), "TIME", "weeklyFilter.")
    span = time.window.end.replace(tzinfo=None) - time.window.start.replace(tzinfo=None)
    if not _WEEK - timedelta(seconds=1) <= span <= _WEEK:
        raise _bad("Please select date range of exactly 7 days for weekly report")
    return WeeklyQuery(time, group, subgroup)


def parse_expenses(
    body: Any, workspace: Workspace, page_cap: int, *, clamp_range: bool = False
) -> ExpenseQuery:
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    window = _window(body, workspace, clamp_range)
    page, size = _page(body, "", page_cap)
    return ExpenseQuery(
        window=window,
        users=_filter(body, "users"),
        clients=_filter(body, "clients"),
        projects=_filter(body, "projects"),
        tasks=_filter(body, "tasks"),
        categories=_filter(body, "categories"),
        billable=_bool(body, "billable"),
        invoicing=_enum(body, "invoicingState", INVOICING, "ALL"),
        note=_string(body, "note"),
        without_note=_bool(body, "withoutNote") or False,
        page=page,
        page_size=size,
        sort_column=_enum(body, "sortColumn", EXPENSE_SORT, "DATE"),
        sort_order=_enum(body, "sortOrder", ORDERS, "DESCENDING"),
    )


def parse_guide_expenses(
    body: Any, workspace: Workspace, page_cap: int, *, clamp_range: bool = False
) -> ExpenseQuery:
    """[S002]'s `/reports/expenses`: the same filters, nested in `expenseFilter`, `invoiced`."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    nested = dict(_object(body, "expenseFilter"))
    invoiced = _bool(nested, "invoiced", "expenseFilter.")
    nested.pop("invoiced", None)
    if invoiced is not None:
        nested["invoicingState"] = "INVOICED" if invoiced else "UNINVOICED"
    flat = {key: body[key] for key in ("dateRangeStart", "dateRangeEnd", "timeZone") if key in body}
    return parse_expenses({**nested, **flat}, workspace, page_cap, clamp_range=clamp_range)


def _time_query(body: Any, workspace: Workspace, clamp_range: bool) -> TimeQuery:
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object")
    _enum(body, "exportType", EXPORTS, "JSON")
    if body.get("exportType", "JSON") not in ("JSON", "JSON_V1"):
        raise _bad("exportType: the sandbox answers JSON only (JSON or JSON_V1)")
    _enum(body, "approvalState", ("APPROVED", "UNAPPROVED", "ALL"), "ALL")
    shown = _enum(body, "amountShown", AMOUNT_TYPES, "EARNED")
    types = body.get("amounts")
    if types is None:
        types = [shown]
    if not isinstance(types, list) or any(t not in AMOUNT_TYPES for t in types):
        raise _bad(f"amounts must be a list of {', '.join(AMOUNT_TYPES)}")
    tags = _filter(body, "tags", tag=True)
    rounding = _bool(body, "rounding")
    return TimeQuery(
        window=_window(body, workspace, clamp_range),
        users=_filter(body, "users"),
        clients=_filter(body, "clients"),
        projects=_filter(body, "projects"),
        tasks=_filter(body, "tasks"),
        tags=tags,
        currencies=_filter(body, "currency"),
        billable=_bool(body, "billable"),
        invoicing=_enum(body, "invoicingState", INVOICING, "ALL"),
        description=_string(body, "description"),
        without_description=_bool(body, "withoutDescription") or False,
        rounding=workspace.settings.time_rounding_in_reports if rounding is None else rounding,
        amount_shown=shown,
        amount_types=tuple(t for t in types if t in ("EARNED", "COST", "PROFIT")),
        sort_order=_enum(body, "sortOrder", ORDERS, None),
        week_start=_enum(body, "weekStart", WEEKDAYS, workspace.settings.week_start),
    )


def _window(body: dict[str, Any], workspace: Workspace, clamp_range: bool) -> Window:
    """The request's range; one longer than the plan allows is refused, or with `clamp_range`
    silently cut to its first `days` (a FREE plan serving "one month" of it, unconfirmed)."""
    zone_name = body.get("timeZone") or workspace.time_zone
    try:
        zone = ZoneInfo(zone_name) if isinstance(zone_name, str) else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        raise _bad(f"timeZone {zone_name!r} is not a valid time zone")
    start = _instant(body, "dateRangeStart", zone)
    end = _instant(body, "dateRangeEnd", zone)
    if end < start:
        raise _bad("dateRangeEnd must not be before dateRangeStart")
    days = MAX_RANGE_DAYS.get(workspace.plan, DEFAULT_MAX_RANGE_DAYS)
    if end.replace(tzinfo=None) - start.replace(tzinfo=None) > timedelta(days=days):
        if not clamp_range:
            raise _bad(f"Date range cannot be longer than {days} days on the {workspace.plan} plan")
        end = start + timedelta(days=days) - timedelta(milliseconds=1)
    return Window(start, end, zone)


def _instant(body: dict[str, Any], key: str, zone: ZoneInfo) -> datetime:
    value = body.get(key)
    if value is None or value == "":
        raise _bad(f"{key} is required")
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _bad(f"{key} must look like 2018-11-01T00:00:00 (got {value!r})")
    fraction = (match.group(2) or ".0")[1:7].ljust(6, "0")
    try:
        local = datetime.fromisoformat(f"{match.group(1)}.{fraction}")
    except ValueError:
        raise _bad(f"{key} is not a valid date: {value!r}") from None
    return local.replace(tzinfo=zone)


def _page(options: dict[str, Any], where: str, cap: int) -> tuple[int, int]:
    page = options.get("page", 1)
    size = options.get("pageSize", 50)
    for name, value in (("page", page), ("pageSize", size)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _bad(f"{where}{name} must be a whole number of at least 1")
    if size > cap:
        raise _bad(f"{where}pageSize must not be greater than {cap}")
    return page, size


def _filter(body: dict[str, Any], key: str, *, tag: bool = False) -> IdFilter | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(f"{key} must be an object with contains, ids and status")
    ids = value.get("ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _bad(f"{key}.ids must be a list of ids")
    choices = ("CONTAINS", "DOES_NOT_CONTAIN", "CONTAINS_ONLY")
    contains = _enum(value, "contains", choices, "CONTAINS", f"{key}.")
    if tag:
        contains = _enum(value, "containedInTimeentry", choices, contains, f"{key}.")
    statuses = ("ACTIVE", "ARCHIVED", "ALL", "ACTIVE_WITH_PENDING", "PENDING", "INACTIVE")
    _enum(value, "status", statuses, "ALL", f"{key}.")
    return IdFilter(contains, frozenset(ids))


def _object(body: dict[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
    value = body.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _bad(
            f"{key} is required and must be an object" if required else f"{key} must be an object"
        )
    return value


def _enum(
    body: dict[str, Any],
    key: str,
    allowed: tuple[str, ...],
    default: Any,
    where: str = "",
    *,
    required: bool = False,
) -> Any:
    value = body.get(key)
    if value is None:
        if required:
            raise _bad(f"{where}{key} is required: one of {', '.join(allowed)}")
        return default
    if value not in allowed:
        raise _bad(f"{where}{key} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _bool(body: dict[str, Any], key: str, where: str = "") -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise _bad(f"{where}{key} must be true or false")
    return value


def _string(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(f"{key} must be a string")
    return value or None
