"""Typed failures of the scheduling core; every message names its field and is safe to show.

    ReportError (ValueError, addon.reports.errors)
     +-- InvalidSchedule            a cadence, instant or catch-up setting that cannot be used;
          |                         `field` says which input to fix
          +-- UnknownScheduleZone   the zone is not an IANA name (also an UnknownTimeZone)

They derive from `ReportError` so the HTTP layer's one mapping for the pure core (422 with
`code`) covers them too; the core itself knows nothing about HTTP.
"""

from __future__ import annotations

from addon.reports.errors import ReportError, UnknownTimeZone

__all__ = ["InvalidSchedule", "UnknownScheduleZone"]


class InvalidSchedule(ReportError):
    """Raise when a schedule value is out of range or inconsistent; `field` names the input."""

    code = "invalid_schedule"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownScheduleZone(InvalidSchedule, UnknownTimeZone):
    """Raise when a schedule's zone is not in the IANA database that zoneinfo reads."""

    code = "unknown_time_zone"
