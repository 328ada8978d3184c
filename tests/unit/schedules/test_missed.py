"""Runs outstanding after downtime: each once, oldest first, in capped batches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from addon.reports.periods import Weekday
from addon.schedules import (
    MISSED_CAP,
    Cadence,
    InvalidSchedule,
    MissedRuns,
    Occurrence,
    missed_occurrences,
)

BERLIN_NINE = Cadence.daily(hour=9, zone="Europe/Berlin")


def test_three_day_downtime_lists_each_missed_day_once_oldest_first() -> None:
    # Last handled the run due 2026-05-10; back at 12:00 UTC on 05-13. 09:00 CEST is 07:00 UTC.
    missed = missed_occurrences(
        BERLIN_NINE, date(2026, 5, 10), datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
    )

    assert missed == MissedRuns(
        (
            Occurrence(date(2026, 5, 11), datetime(2026, 5, 11, 7, 0, tzinfo=UTC)),
            Occurrence(date(2026, 5, 12), datetime(2026, 5, 12, 7, 0, tzinfo=UTC)),
            Occurrence(date(2026, 5, 13), datetime(2026, 5, 13, 7, 0, tzinfo=UTC)),
        ),
        more=False,
    )


def test_run_not_yet_due_today_is_not_missed() -> None:
    missed = missed_occurrences(
        BERLIN_NINE, date(2026, 5, 10), datetime(2026, 5, 13, 6, 59, tzinfo=UTC)
    )

    assert [occ.due for occ in missed.occurrences] == [date(2026, 5, 11), date(2026, 5, 12)]


def test_run_due_exactly_now_is_outstanding() -> None:
    missed = missed_occurrences(
        BERLIN_NINE, date(2026, 5, 12), datetime(2026, 5, 13, 7, 0, tzinfo=UTC)
    )

    assert [occ.due for occ in missed.occurrences] == [date(2026, 5, 13)]


def test_nothing_is_missed_when_the_last_run_is_up_to_date() -> None:
    missed = missed_occurrences(
        BERLIN_NINE, date(2026, 5, 13), datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
    )

    assert missed == MissedRuns((), more=False)


def test_schedule_that_never_ran_has_nothing_missed() -> None:
    missed = missed_occurrences(BERLIN_NINE, None, datetime(2026, 5, 13, 12, 0, tzinfo=UTC))

    assert missed == MissedRuns((), more=False)


def test_weekly_schedule_down_for_three_days_misses_its_one_run() -> None:
    # Monday 08:00 in New York (EDT, -04:00) is 12:00 UTC; down from Sunday 05-10 to Wednesday.
    cadence = Cadence.weekly(Weekday.MONDAY, hour=8, zone="America/New_York")

    missed = missed_occurrences(cadence, date(2026, 5, 4), datetime(2026, 5, 13, 15, 0, tzinfo=UTC))

    assert missed.occurrences == (
        Occurrence(date(2026, 5, 11), datetime(2026, 5, 11, 12, 0, tzinfo=UTC)),
    )


def test_long_outage_is_returned_in_capped_batches_without_loss() -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")
    now = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)

    first = missed_occurrences(cadence, date(2026, 1, 1), now)
    second = missed_occurrences(cadence, first.occurrences[-1].due, now)

    assert MISSED_CAP == 100
    assert len(first.occurrences) == 100
    assert first.more
    assert first.occurrences[0].due == date(2026, 1, 2)
    assert first.occurrences[-1].due == date(2026, 4, 11)
    assert second.occurrences[0].due == date(2026, 4, 12)


def test_batch_that_fits_exactly_in_the_cap_has_no_more() -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")

    missed = missed_occurrences(
        cadence, date(2026, 5, 10), datetime(2026, 5, 13, 12, 0, tzinfo=UTC), cap=3
    )

    assert len(missed.occurrences) == 3
    assert not missed.more


@pytest.mark.parametrize("cap", [0, -1, True])
def test_cap_below_one_is_refused(cap: int) -> None:
    with pytest.raises(InvalidSchedule, match="cap") as caught:
        missed_occurrences(
            BERLIN_NINE, date(2026, 5, 10), datetime(2026, 5, 13, tzinfo=UTC), cap=cap
        )

    assert caught.value.field == "cap"


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(InvalidSchedule, match="now must be a timezone-aware"):
        missed_occurrences(BERLIN_NINE, date(2026, 5, 10), datetime(2026, 5, 13, 12, 0))
