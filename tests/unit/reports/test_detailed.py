"""The detailed report's compact rows: round trip, non-work placement, the size bound."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from addon.reports import detailed
from addon.reports.detailed import (
    MAX_ENTRIES,
    MAX_SNAPSHOT_BYTES,
    DetailedCollector,
    TooManyEntries,
    collect,
    detailed_from_json,
)
from addon.reports.model import ClockifyCheck, EntryType, NonWorkTime, TimeEntry
from tests.unit.reports.builders import (
    APP,
    BOB,
    DESIGN,
    MAY_1_9AM,
    REVIEW,
    URGENT,
    make_entry,
    usd,
)


def _entries(count: int) -> list[TimeEntry]:
    return [
        make_entry(
            id=f"{i:024x}",
            start=MAY_1_9AM + timedelta(minutes=37 * i),
            seconds=900 + i % 7 * 60,
            description=f"Ticket {i % 50}: review and fix",
            user=BOB if i % 2 else make_entry().user,
            project=APP,
            task=DESIGN if i % 3 else None,
            tags=(URGENT, REVIEW) if i % 5 == 0 else (),
            rate=usd("80.00"),
            earned=usd("20.00"),
        )
        for i in range(count)
    ]


def test_entries_come_back_equal_through_the_json_snapshot() -> None:
    entries = _entries(30)
    check = ClockifyCheck(30, sum(e.duration for e in entries), 0, (usd("600.00"),))

    report = collect(entries, check=check)
    stored = json.loads(json.dumps(report.to_json()))
    again = detailed_from_json(stored)

    assert list(again.entries()) == entries
    assert again.totals == report.totals
    assert again.check == check
    assert report.totals.entries == 30
    assert report.totals.amounts == (usd("600.00"),)


def test_a_page_reads_only_its_first_rows() -> None:
    report = collect(_entries(250))

    assert [e.id for e in report.entries(100)] == [f"{i:024x}" for i in range(100)]
    assert report.count == 250


@pytest.mark.parametrize(
    ("mode", "listed", "worked", "apart", "left_out"),
    [
        (NonWorkTime.SEPARATE, 2, 3600, 1800, 0),
        (NonWorkTime.INCLUDE, 2, 5400, 0, 0),
        (NonWorkTime.EXCLUDE, 1, 3600, 0, 1),
    ],
)
def test_breaks_are_listed_by_type_and_counted_as_non_work_time_says(
    mode: NonWorkTime, listed: int, worked: int, apart: int, left_out: int
) -> None:
    work = make_entry(id="w", seconds=3600)
    pause = make_entry(id="b", seconds=1800, type=EntryType.BREAK, billable=False)

    report = collect([work, pause], mode)

    assert report.count == listed
    assert report.totals.duration == worked
    assert report.non_work.duration == apart
    assert report.left_out == left_out
    if listed == 2:
        assert [e.type for e in report.entries()] == [EntryType.REGULAR, EntryType.BREAK]


def test_more_than_the_bound_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detailed, "MAX_ENTRIES", 5)
    collector = DetailedCollector()
    for entry in _entries(5):
        collector.add(entry)

    with pytest.raises(TooManyEntries, match="at most 5 entries"):
        collector.add(make_entry(id="one-too-many"))


def test_the_snapshot_of_max_entries_stays_under_its_documented_size() -> None:
    sample = 2000
    size = len(json.dumps(collect(_entries(sample)).to_json(), separators=(",", ":")))

    per_entry = size / sample
    assert per_entry * MAX_ENTRIES < MAX_SNAPSHOT_BYTES, per_entry
