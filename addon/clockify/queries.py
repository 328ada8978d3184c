"""What to ask the Reports API for, and how that becomes request bodies (pure, no I/O).

A `ReportFilter` names a calendar period in an IANA zone plus the usual filters. Bodies always
carry an explicit `timeZone`: Clockify reads `dateRangeStart`/`dateRangeEnd` as wall-clock time
in that zone (reports-api.md §3.1), and without it falls back to the *installing user's* zone,
which would silently shift every report boundary. The bounds are written without an offset, as
in the spec's examples (`2018-11-01T00:00:00`, `2018-11-30T23:59:59.999`).

Entity filters sit at the top level of the body (the OpenAPI's placement, confirmed by [S003]).

Period splitting lives here too, because it is arithmetic: ranges longer than Clockify's
maximum are cut into whole years or calendar months (`split_for_span`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from addon.reports.periods import DateRange, SplitUnit, load_zone, split_range

__all__ = [
    "MAX_SPAN_DAYS",
    "MONTH_SPAN_DAYS",
    "Invoicing",
    "ReportFilter",
    "split_for_span",
]

MONTH_SPAN_DAYS = 31
"""The FREE plan's documented maximum: one month (31 days) per report request."""

MAX_SPAN_DAYS = 366
"""The longest range any plan accepts ("a year"; 366 so that a leap year fits)."""


class Invoicing(StrEnum):
    """Clockify's `invoicingState` filter."""

    ALL = "ALL"
    INVOICED = "INVOICED"
    UNINVOICED = "UNINVOICED"


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """A report period (calendar days in `zone`, both included) and its filters.

    Empty id tuples filter nothing. `billable` None means both billable and non-billable time.
    """

    period: DateRange
    zone: str
    users: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    billable: bool | None = None
    invoicing: Invoicing = Invoicing.ALL

    def __post_init__(self) -> None:
        load_zone(self.zone)  # an unknown zone fails here, not as Clockify's 400

    def body(self, window: DateRange | None = None) -> dict[str, Any]:
        """The fields every time and expense report shares, for `window` (default: the period)."""
        span = window or self.period
        body: dict[str, Any] = {
            "dateRangeStart": f"{span.start.isoformat()}T00:00:00.000",
            "dateRangeEnd": f"{span.end.isoformat()}T23:59:59.999",
            "timeZone": self.zone,
            "invoicingState": self.invoicing.value,
        }
        for name, ids in (
            ("users", self.users),
            ("clients", self.clients),
            ("projects", self.projects),
            ("tasks", self.tasks),
            ("tags", self.tags),
        ):
            if ids:
                body[name] = {"ids": list(ids), "contains": "CONTAINS", "status": "ALL"}
        if self.billable is not None:
            body["billable"] = self.billable
        return body

    def time_body(self, window: DateRange | None = None) -> dict[str, Any]:
        """`body` plus what the time reports take: earned amounts, and no rounding surprises."""
        return {**self.body(window), "amountShown": "EARNED", "amounts": ["EARNED"]}


def split_for_span(period: DateRange, max_days: int) -> tuple[DateRange, ...]:
    """`period` in pieces Clockify accepts: whole, by calendar year, or by calendar month.

    Months (at most 31 days) satisfy the strictest documented limit; years are used when the
    limit allows them, so a paid workspace's 3-year report is 3 requests, not 36.
    """
    if period.days <= max_days:
        return (period,)
    if max_days >= MAX_SPAN_DAYS:
        return _split_years(period)
    return split_range(period, SplitUnit.MONTH)


def _split_years(period: DateRange) -> tuple[DateRange, ...]:
    pieces: list[DateRange] = []
    cursor = period.start
    while cursor <= period.end:
        last = min(date(cursor.year, 12, 31), period.end)
        pieces.append(DateRange(cursor, last))
        cursor = last + timedelta(days=1)
    return tuple(pieces)
