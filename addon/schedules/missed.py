"""Runs that came due while no scheduler was running, so the runner can send or skip each once.

The runner keeps, per schedule, the last due date it handled (sent or deliberately skipped).
Everything after that date whose instant has passed is outstanding: the runs missed during
downtime and, last, the one due now. Each is listed once, oldest first, by its due date (the
claim key), so sending them in order and recording each due date never sends one twice.

The list is capped (`MISSED_CAP`, 100): after a long outage one tick does bounded work, and
`more` tells the runner to come back for the next batch once it has recorded these. Whether
old runs are sent or skipped is the runner's setting, not decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice, takewhile
from typing import Final

from addon.schedules.cadence import Cadence
from addon.schedules.errors import InvalidSchedule
from addon.schedules.times import Occurrence, check_due, check_instant, occurrences_since

__all__ = ["MISSED_CAP", "MissedRuns", "missed_occurrences"]

MISSED_CAP: Final = 100
"""Most outstanding runs returned by one call (about three months of a daily schedule)."""


@dataclass(frozen=True, slots=True)
class MissedRuns:
    """Outstanding runs, oldest first; `more` is True when the cap held some back."""

    occurrences: tuple[Occurrence, ...]
    more: bool


def missed_occurrences(
    cadence: Cadence, last_due: date | None, now: datetime, *, cap: int = MISSED_CAP
) -> MissedRuns:
    """Occurrences due after `last_due` whose instant is at or before `now`, oldest first.

    `last_due` None means the schedule has never run: nothing is missed, and its first run is
    `next_occurrence(cadence, created_at)`; we never backfill from the beginning of time.
    """
    instant = check_instant("now", now)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise InvalidSchedule("cap", f"cap must be a whole number of at least 1, not {cap!r}.")
    if last_due is None:
        return MissedRuns((), more=False)
    check_due("last_due", last_due)
    outstanding = takewhile(
        lambda occ: occ.at <= instant, occurrences_since(cadence, last_due + timedelta(days=1))
    )
    found = tuple(islice(outstanding, cap + 1))
    return MissedRuns(found[:cap], more=len(found) > cap)
