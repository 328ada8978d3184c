"""Billed-time rounding and exact apportioning, in integer seconds.

Rounding a duration to a step is the only change billed time ever gets; `allocate` then spreads
an invoice-level rounding over lines without creating or losing a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from addon.reports.money import round_ratio
from addon.reports.terms import RoundingDirection, TimeRounding

__all__ = [
    "SECONDS_PER_HUNDREDTH_HOUR",
    "allocate",
    "billed_hundredths",
    "round_seconds",
    "seconds_rounder",
]

SECONDS_PER_HUNDREDTH_HOUR = 36
"""Invoice quantities are hours with two decimals, so one quantity step is 36 seconds."""


def round_seconds(seconds: int, rounding: TimeRounding | None) -> int:
    """`seconds` rounded to the rounding's step in its direction (NEAREST: ties go up)."""
    if rounding is None:
        return seconds
    step = rounding.minutes * 60
    whole, rest = divmod(seconds, step)
    if rest == 0 or rounding.direction is RoundingDirection.DOWN:
        return whole * step
    if rounding.direction is RoundingDirection.UP or 2 * rest >= step:
        return (whole + 1) * step
    return whole * step


def seconds_rounder(rounding: TimeRounding | None) -> Callable[[int], int]:
    """`round_seconds` with the rounding chosen once, for a rounding per entry of a large build.

    Durations are never negative, so floor division is the rounding itself: one expression per
    entry instead of a call, a `divmod` and enum comparisons.
    """
    if rounding is None:
        return lambda seconds: seconds
    step = rounding.minutes * 60
    if rounding.direction is RoundingDirection.UP:
        return lambda seconds: -(-seconds // step) * step
    if rounding.direction is RoundingDirection.DOWN:
        return lambda seconds: seconds // step * step
    return lambda seconds: (2 * seconds + step) // (2 * step) * step  # NEAREST, ties up


def billed_hundredths(seconds: int) -> int:
    """Billed seconds as hundredths of an hour, the printed and priced quantity.

    Steps of 6, 15, 30 and 60 minutes convert exactly; 1, 5 and 10 minutes land on the nearest
    0.01 h (ties up), at most 18 seconds away, which is why both time and hours are printed.
    """
    return round_ratio(seconds, SECONDS_PER_HUNDREDTH_HOUR)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` into integer parts proportional to `weights` that sum to `total` exactly.

    Largest-remainder method: everyone gets the floor of their exact share, and the units left
    over go to the largest remainders, earlier positions first on ties, so the result is
    deterministic. All-zero weights share equally. Weights must be non-negative.
    """
    if not weights:
        if total:
            raise ValueError("Cannot allocate a non-zero total over no parts.")
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    shares: list[int] = []
    remainders: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        share, remainder = divmod(total * weight, weight_sum)
        shares.append(share)
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[: total - sum(shares)]:
        shares[index] += 1
    return shares
