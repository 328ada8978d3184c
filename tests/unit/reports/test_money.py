"""Money: exponents from ISO 4217, exact conversions, and the one rounding rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addon.reports.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency
from addon.reports.money import (
    Money,
    currency_exponent,
    money_from_report,
    round_minor,
    round_ratio,
    sum_money,
)


@pytest.mark.parametrize(("currency", "exponent"), [("JPY", 0), ("USD", 2), ("KWD", 3)])
def test_currency_exponent_comes_from_iso_4217(currency: str, exponent: int) -> None:
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize("code", ["usd", "XYZ", "US", "", "DOLLAR"])
def test_unknown_or_lower_case_currency_is_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        Money(100, code)


def test_float_minor_units_are_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money(1.5, "USD")  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize(
    ("text", "currency", "minor", "shown"),
    [
        ("1234", "JPY", 1234, "1234"),
        ("12.50", "USD", 1250, "12.50"),
        ("1.005", "KWD", 1005, "1.005"),
    ],
)
def test_major_units_convert_exactly_both_ways(
    text: str, currency: str, minor: int, shown: str
) -> None:
    money = Money.from_major(text, currency)

    assert money.minor == minor
    assert str(money.to_major()) == shown


@pytest.mark.parametrize(
    ("text", "currency"), [("12.345", "USD"), ("1.5", "JPY"), ("0.0001", "KWD")]
)
def test_more_decimals_than_the_currency_has_is_refused(text: str, currency: str) -> None:
    with pytest.raises(InvalidAmount, match="decimal places"):
        Money.from_major(text, currency)


def test_adding_two_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money(100, "USD") + Money(100, "EUR")


def test_sum_of_other_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        sum_money([Money(1, "USD"), Money(1, "JPY")], "USD")


@pytest.mark.parametrize(
    ("value", "minor"),
    [
        (40055.555555555555, 40056),  # the summary golden: 7210 s at 200.00/h
        (69466.66666666667, 69467),
        (2.675, 3),  # read as the decimal text sent, not its binary neighbour 2.67499...
        (0.5, 1),
        (-0.5, -1),
        (Decimal("100.4999"), 100),
        ("7.5", 8),
        (12, 12),
    ],
)
def test_report_amounts_round_once_half_away_from_zero(value: float | str, minor: int) -> None:
    assert money_from_report(value, "USD") == Money(minor, "USD")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "abc", True])
def test_report_amount_that_is_not_a_number_is_refused(value: float | str | bool) -> None:
    with pytest.raises(InvalidAmount):
        money_from_report(value, "USD")


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**6))
def test_round_ratio_agrees_with_decimal_half_up(numerator: int, denominator: int) -> None:
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )

    assert round_ratio(numerator, denominator) == int(expected)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
    )
)
def test_round_minor_of_a_decimal_uses_the_same_rule(value: Decimal) -> None:
    assert round_minor(value) == int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
