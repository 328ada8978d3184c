"""A Reports API request once read: the period, the filters and each report's own options.

Plain frozen values, made by `sandbox/report_parse.py` from the request body and consumed by
`sandbox/reports.py`. Enum tuples are the OpenAPI's (`time-entry-report.yml`,
`expense-report.yml`), with USER and TAG added to the summary groups (reports-api.md §3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = [
    "AMOUNT_TYPES",
    "DETAILED_SORT",
    "EXPENSE_SORT",
    "EXPORTS",
    "GROUPS",
    "INVOICING",
    "ORDERS",
    "SUMMARY_SORT",
    "WEEKDAYS",
    "DetailedQuery",
    "ExpenseQuery",
    "IdFilter",
    "SummaryQuery",
    "TimeQuery",
    "WeeklyQuery",
    "Window",
]

GROUPS = ("PROJECT", "CLIENT", "USER", "TAG", "TASK", "TIMEENTRY", "DATE", "WEEK", "MONTH")
AMOUNT_TYPES = ("EARNED", "COST", "PROFIT", "HIDE_AMOUNT", "EXPORT")
DETAILED_SORT = (
    "ID",
    "DESCRIPTION",
    "USER",
    "DURATION",
    "DATE",
    "ZONED_DATE",
    "NATURAL",
    "USER_DATE",
)
SUMMARY_SORT = ("GROUP", "DURATION", "AMOUNT", "EARNED", "COST", "PROFIT")
EXPENSE_SORT = ("ID", "PROJECT", "USER", "CATEGORY", "DATE", "AMOUNT")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
ORDERS = ("ASCENDING", "DESCENDING")
INVOICING = ("INVOICED", "UNINVOICED", "ALL")
EXPORTS = ("JSON", "JSON_V1", "PDF", "CSV", "XLSX", "ZIP")


@dataclass(frozen=True, slots=True)
class IdFilter:
    """ContainsArchivedFilterV1 and kin; an empty `ids` list filters nothing."""

    contains: str
    ids: frozenset[str]

    def admits(self, value: str | None) -> bool:
        if not self.ids:
            return True
        hit = (value or "") in self.ids
        return not hit if self.contains == "DOES_NOT_CONTAIN" else hit

    def admits_all(self, values: tuple[str, ...]) -> bool:
        """For tags: any match, no match, or only these (`containedInTimeentry`)."""
        if not self.ids:
            return True
        present = set(values)
        if self.contains == "DOES_NOT_CONTAIN":
            return not present & self.ids
        if self.contains == "CONTAINS_ONLY":
            return bool(present) and present <= self.ids
        return bool(present & self.ids)


@dataclass(frozen=True, slots=True)
class Window:
    """The report period as aware datetimes in `zone`, both ends inclusive."""

    start: datetime
    end: datetime
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class TimeQuery:
    window: Window
    users: IdFilter | None
    clients: IdFilter | None
    projects: IdFilter | None
    tasks: IdFilter | None
    tags: IdFilter | None
    currencies: IdFilter | None
    billable: bool | None
    invoicing: str
    description: str | None
    without_description: bool
    rounding: bool
    amount_shown: str
    amount_types: tuple[str, ...]
    sort_order: str | None
    week_start: str


@dataclass(frozen=True, slots=True)
class DetailedQuery:
    time: TimeQuery
    page: int
    page_size: int
    sort_column: str
    totals: bool


@dataclass(frozen=True, slots=True)
class SummaryQuery:
    time: TimeQuery
    groups: tuple[str, ...]
    sort_column: str


@dataclass(frozen=True, slots=True)
class WeeklyQuery:
    time: TimeQuery
    group: str
    subgroup: str


@dataclass(frozen=True, slots=True)
class ExpenseQuery:
    window: Window
    users: IdFilter | None
    clients: IdFilter | None
    projects: IdFilter | None
    tasks: IdFilter | None
    categories: IdFilter | None
    billable: bool | None
    invoicing: str
    note: str | None
    without_note: bool
    page: int
    page_size: int
    sort_column: str
    sort_order: str
