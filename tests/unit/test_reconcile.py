"""`shortfall`: what rows lack against Clockify's totals, and the rounding slack on amounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from addon.clockify.reconcile import Expected, Tally, as_check, combine, shortfall
from addon.reports.model import Ref, TimeEntry
from addon.reports.money import Money

START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def _entry(index: int, seconds: int, *, billable: bool, cents: int | None) -> TimeEntry:
    return TimeEntry(
        id=f"e{index}",
        description="",
        user=Ref("u1", "Ann"),
        project=None,
        client=None,
        task=None,
        tags=(),
        start=START + timedelta(days=index),
        end=START + timedelta(days=index, seconds=seconds),
        duration=seconds,
        billable=billable,
        invoiced=False,
        earned=None if cents is None else Money(cents, "EUR"),
    )


def _tally(entries: list[TimeEntry]) -> Tally:
    tally = Tally()
    tally.count_rows(len(entries))
    for entry in entries:
        tally.add_entry(entry, entry.start.date())
    return tally


rows = st.lists(
    st.tuples(st.integers(0, 36_000), st.booleans(), st.integers(0, 10**7)), max_size=30
)


@given(rows)
def test_rows_that_are_all_there_add_up(values: list[tuple[int, bool, int]]) -> None:
    entries = [_entry(i, s, billable=b, cents=c) for i, (s, b, c) in enumerate(values)]
    expected = Expected(
        len(entries),
        sum(e.duration for e in entries),
        sum(e.duration for e in entries if e.billable),
        (Money(sum(c for _, _, c in values), "EUR"),) if entries else (),
    )

    assert shortfall(expected, _tally(entries)) is None


@given(rows.filter(bool), st.data())
def test_a_missing_row_is_always_named(
    values: list[tuple[int, bool, int]], data: st.DataObject
) -> None:
    entries = [_entry(i, s, billable=b, cents=c) for i, (s, b, c) in enumerate(values)]
    expected = Expected(
        len(entries),
        sum(e.duration for e in entries),
        sum(e.duration for e in entries if e.billable),
    )
    lost = data.draw(st.integers(0, len(entries) - 1))

    found = shortfall(expected, _tally(entries[:lost] + entries[lost + 1 :]))

    assert found is not None and f"Clockify counts {len(entries):,} entries" in found


def test_amounts_allow_half_a_cent_per_priced_row_and_no_more() -> None:
    entries = [_entry(i, 3600, billable=True, cents=100) for i in range(4)]
    tally = _tally(entries)

    def expected(cents: int) -> Expected:
        return Expected(4, 4 * 3600, 4 * 3600, (Money(cents, "EUR"),))

    assert shortfall(expected(402), tally) is None  # four rows rounded half a cent each way
    assert shortfall(expected(403), tally) is not None
    assert "EUR" in (shortfall(expected(300), tally) or "")


def test_rows_without_money_leave_amounts_unchecked_but_not_counts() -> None:
    entries = [_entry(i, 60, billable=False, cents=None) for i in range(2)]
    amounts = (Money(999, "EUR"),)

    assert shortfall(Expected(2, 120, 0, amounts), _tally(entries)) is None
    assert shortfall(Expected(3, 120, 0, amounts), _tally(entries)) is not None


def test_without_a_count_the_durations_carry_the_check() -> None:
    entries = [_entry(0, 60, billable=True, cents=1)]

    assert shortfall(Expected(None, 60, 60), _tally(entries)) is None
    assert "billable" in (shortfall(Expected(None, 60, 30), _tally(entries)) or "")


def test_windows_combine_and_print_clockifys_figures() -> None:
    parts = [
        Expected(2, 100, 50, (Money(10, "EUR"),)),
        None,
        Expected(3, 200, 0, (Money(5, "EUR"), Money(7, "USD"))),
    ]

    total = combine(parts)

    assert total == Expected(5, 300, 50, (Money(15, "EUR"), Money(7, "USD")))
    check = as_check(total, Expected(4, durations=False))
    assert (check.entries, check.duration, check.expenses) == (5, 300, 4)
    assert combine([None]) is None


def test_a_total_without_its_currency_is_held_only_against_rows_in_one_currency() -> None:
    euros = [_entry(i, 60, billable=True, cents=100) for i in range(3)]
    dollars = replace(euros[0], id="d", earned=Money(500, "USD"))

    assert shortfall(Expected(3, 180, 180, unlabelled=300), _tally(euros)) is None
    assert "300" in (shortfall(Expected(3, 180, 180, unlabelled=310), _tally(euros)) or "")
    mixed = _tally([*euros, dollars])  # Clockify added EUR and USD up: nothing to compare
    assert shortfall(Expected(4, 240, 240, unlabelled=800), mixed) is None
    assert combine([Expected(1, unlabelled=2), Expected(1, unlabelled=3)]) == Expected(
        2, unlabelled=5
    )
    assert combine([Expected(1, unlabelled=2), Expected(1)]) == Expected(2)
