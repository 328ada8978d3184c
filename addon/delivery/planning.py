"""`TickPlan`: the order a tick delivers in, and how many of its runs will need each key's rows.

Decision: a tick first lists what it will send (the first batch of each schedule's outstanding
runs, split by the missed-runs policy exactly as the runner splits it) and counts each run's
`RowsKey` in the tick's `SharedRows`. It then delivers schedules grouped by workspace and, within
one, by the rows their first run needs, so runs sharing rows follow each other and the held rows
are dropped as soon as the last of them is finished (`SharedRows.release`). Order between
schedules was never a promise (every one is claimed and sent independently), so grouping costs
nothing; ids break ties, so the order is stable across ticks and processes.

Planning is an estimate, never a rule: a run not planned (a later batch after a long outage, a
schedule whose plan failed) asks for its rows unplanned, which shares nothing but stays correct,
and the key a run uses is always computed from its own claimed period (`runner._deliver`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from addon.delivery.sharing import SharedRows
from addon.reports.periods import DateRange
from addon.schedules import MissedRuns as Outstanding
from addon.schedules import Occurrence, covered_period, missed_occurrences, next_occurrence
from addon.services.emails import rows_needed
from addon.services.report_rows import RowsKey
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.settings import MissedRuns
from addon.store.models import DeliveryRun, Schedule

__all__ = ["TickPlan", "last_handled", "period_of", "split_batch"]

Runs = tuple[Occurrence, ...]


def last_handled(schedule: Schedule, spec: ScheduleSpec) -> date:
    """The last due date handled; never run and no anchor: the day before the first due."""
    if schedule.last_due is not None:
        return schedule.last_due
    first: date = next_occurrence(spec.cadence, schedule.created_at).due
    return first - timedelta(days=1)


def split_batch(batch: Outstanding, policy: MissedRuns) -> tuple[Runs, Runs]:
    """(skipped, sent) of a batch: SKIP records all but the latest run as skipped."""
    if policy is not MissedRuns.SKIP:
        return (), batch.occurrences
    if batch.more:
        return batch.occurrences, ()
    return batch.occurrences[:-1], batch.occurrences[-1:]


def period_of(spec: ScheduleSpec, due: date) -> tuple[date, date]:
    """The days the run due on `due` reports on (what its claim stores)."""
    period = covered_period(spec.coverage, due, first_weekday=spec.week_start)
    return period.start, period.end


class TickPlan:
    """One tick's planned runs per schedule and their keys, counted in `shared`."""

    def __init__(self, shared: SharedRows, policy: MissedRuns, now: datetime) -> None:
        self.shared = shared
        self._policy = policy
        self._now = now
        self._planned: dict[int, dict[date, RowsKey]] = {}

    def order(self, schedules: Sequence[Schedule]) -> list[Schedule]:
        """`schedules` grouped by workspace, then by the rows their first run needs."""
        groups: dict[tuple[str, RowsKey | None], list[Schedule]] = {}
        for schedule in sorted(schedules, key=lambda s: (s.workspace_id, s.id)):
            keys = self._plan(schedule)
            first = next(iter(keys.values()), None)
            groups.setdefault((schedule.workspace_id, first), []).append(schedule)
        return [schedule for group in groups.values() for schedule in group]

    def _plan(self, schedule: Schedule) -> dict[date, RowsKey]:
        try:
            spec = spec_of(schedule)
            batch = missed_occurrences(spec.cadence, last_handled(schedule, spec), self._now)
            keys = {
                run.due: rows_needed(
                    schedule.workspace_id, spec, DateRange(*period_of(spec, run.due))
                )
                for run in split_batch(batch, self._policy)[1]
            }
        except Exception:  # not planned; the runner meets and logs the same error
            return {}
        for key in keys.values():
            self.shared.expect(key)
        self._planned[schedule.id] = keys
        return keys

    def take(self, schedule_id: int, due: date) -> RowsKey | None:
        """The planned key of `(schedule, due)`, once; give it back with `release`."""
        return self._planned.get(schedule_id, {}).pop(due, None)

    def release(self, key: RowsKey | None) -> None:
        if key is not None:
            self.shared.release(key)

    def forget(self, schedule_id: int) -> None:
        """Give back the keys of planned runs the schedule did not reach (it failed first)."""
        for key in self._planned.pop(schedule_id, {}).values():
            self.shared.release(key)

    def order_takeovers(
        self, found: Sequence[tuple[DeliveryRun, Schedule]]
    ) -> list[tuple[int, RowsKey | None]]:
        """Expired claims grouped like `order`, each counted once: (run id, key to release)."""
        groups: dict[tuple[str, RowsKey | None], list[int]] = {}
        for run, schedule in sorted(found, key=lambda pair: (pair[1].workspace_id, pair[0].id)):
            period = DateRange(run.period_start, run.period_end)
            try:
                key: RowsKey | None = rows_needed(schedule.workspace_id, spec_of(schedule), period)
            except Exception:  # not planned; the runner meets and logs the same error
                key = None
            if key is not None:
                self.shared.expect(key)
            groups.setdefault((schedule.workspace_id, key), []).append(run.id)
        return [(run_id, key) for (_, key), ids in groups.items() for run_id in ids]
