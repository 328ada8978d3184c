"""Billed-time rounding and the largest-remainder split of an invoice-level rounding."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addon.reports.rounding import allocate, billed_hundredths, round_seconds
from addon.reports.terms import ROUNDING_STEPS, RoundingDirection, TimeRounding


@pytest.mark.parametrize(
    ("seconds", "minutes", "direction", "billed"),
    [
        (61, 1, RoundingDirection.UP, 120),
        (61, 1, RoundingDirection.DOWN, 60),
        (89, 1, RoundingDirection.NEAREST, 60),
        (90, 1, RoundingDirection.NEAREST, 120),
        (1, 6, RoundingDirection.UP, 360),
        (0, 15, RoundingDirection.UP, 0),
        (3600, 60, RoundingDirection.UP, 3600),
        (5399, 60, RoundingDirection.NEAREST, 3600),
        (5400, 60, RoundingDirection.NEAREST, 7200),
    ],
)
def test_time_rounds_to_the_step_in_its_direction(
    seconds: int, minutes: int, direction: RoundingDirection, billed: int
) -> None:
    assert round_seconds(seconds, TimeRounding(minutes, direction)) == billed


def test_no_rounding_bills_tracked_seconds() -> None:
    assert round_seconds(61, None) == 61


@pytest.mark.parametrize(
    ("seconds", "hundredths"), [(360, 10), (900, 25), (60, 2), (18, 1), (17, 0)]
)
def test_billed_seconds_become_hundredths_of_an_hour(seconds: int, hundredths: int) -> None:
    assert billed_hundredths(seconds) == hundredths


@given(
    st.integers(0, 10**7),
    st.sampled_from(ROUNDING_STEPS),
    st.sampled_from(RoundingDirection),
)
def test_rounded_time_is_a_whole_step_within_one_step(
    seconds: int, minutes: int, direction: RoundingDirection
) -> None:
    billed = round_seconds(seconds, TimeRounding(minutes, direction))

    assert billed % (minutes * 60) == 0
    assert abs(billed - seconds) < minutes * 60


@given(st.integers(0, 10**6), st.lists(st.integers(0, 10**5), min_size=1, max_size=30))
def test_allocation_sums_exactly_and_stays_within_one_of_the_share(
    total: int, weights: list[int]
) -> None:
    parts = allocate(total, weights)

    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        share = (
            Fraction(total * weight, weight_sum) if weight_sum else Fraction(total, len(weights))
        )
        assert abs(part - share) < 1
