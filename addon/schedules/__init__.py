"""The pure core of scheduled sends: when a schedule fires, what it covers, what was missed.

Values in, values out: no I/O, database, clock or APScheduler. The database is the scheduler
of record and APScheduler only a clock that calls the runner; the runner asks this package
which occurrences are due and claims each by `(schedule id, Occurrence.due)`. Imports only
`addon.reports`. Modules, bottom up:

    errors    InvalidSchedule, UnknownScheduleZone (both ReportError)
    cadence   Cadence, Frequency, LAST_DAY: daily / weekly / monthly at a local time in a zone
    times     Occurrence, occurrences, next_occurrence, occurrence_on (and the DST rule)
    periods   Coverage, covered_period: the DateRange a run reports on, from its due date
    missed    MissedRuns, missed_occurrences, MISSED_CAP: runs outstanding after downtime
"""

from addon.schedules.cadence import LAST_DAY, Cadence, Frequency, MonthDay
from addon.schedules.errors import InvalidSchedule, UnknownScheduleZone
from addon.schedules.missed import MISSED_CAP, MissedRuns, missed_occurrences
from addon.schedules.periods import Coverage, covered_period
from addon.schedules.times import (
    Occurrence,
    next_occurrence,
    occurrence_on,
    occurrences,
    occurrences_since,
)

__all__ = [
    "LAST_DAY",
    "MISSED_CAP",
    "Cadence",
    "Coverage",
    "Frequency",
    "InvalidSchedule",
    "MissedRuns",
    "MonthDay",
    "Occurrence",
    "UnknownScheduleZone",
    "covered_period",
    "missed_occurrences",
    "next_occurrence",
    "occurrence_on",
    "occurrences",
    "occurrences_since",
]
