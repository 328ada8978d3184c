"""Invoice numbering: patterns, counter scopes, the next value, and formatting."""

from __future__ import annotations

from datetime import date

import pytest

from addon.reports.errors import InvalidPattern
from addon.reports.numbering import (
    CounterScope,
    NumberingSettings,
    Token,
    client_code,
    counter_scope,
    format_invoice_number,
    next_sequence,
    parse_pattern,
)

ISSUED = date(2026, 3, 7)


@pytest.mark.parametrize(
    ("pattern", "sequence", "client", "number"),
    [
        ("INV-{YYYY}-{seq:4}", 42, "", "INV-2026-0042"),
        ("{YY}{MM}{DD}/{seq}", 7, "", "260307/7"),
        ("{client}-{seq:3}", 12345, "ACME", "ACME-12345"),  # widths pad, never cut
        ("{{{seq:2}}}", 5, "", "{05}"),
        ("Rechnung Nr. {seq:5}", 1, "", "Rechnung Nr. 00001"),
    ],
)
def test_number_is_formatted_from_pattern_date_client_and_sequence(
    pattern: str, sequence: int, client: str, number: str
) -> None:
    settings = NumberingSettings(pattern)

    assert format_invoice_number(settings, sequence, ISSUED, client) == number


def test_pattern_parses_into_text_and_tokens() -> None:
    assert parse_pattern("A{seq:4}B").parts == ("A", Token("seq", 4), "B")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("INV-{YYYY}", "exactly one {seq}"),
        ("{seq}-{seq}", "exactly one {seq}"),
        ("{seq}-{year}", "not a number pattern token"),
        ("{seq:0}", "takes a width"),
        ("{seq:99}", "takes a width"),
        ("{YYYY:4}{seq}", "takes a width"),
        ("{seq", "Unmatched"),
        ("seq}", "Unmatched"),
        ("", "1 to 64"),
        ("x" * 65 + "{seq}", "1 to 64"),
        ("A\n{seq}", "line breaks"),
    ],
)
def test_bad_pattern_is_a_typed_error_saying_what_to_fix(pattern: str, message: str) -> None:
    with pytest.raises(InvalidPattern, match=message.replace("{", r"\{").replace("}", r"\}")):
        NumberingSettings(pattern)


def test_yearly_reset_without_a_year_in_the_pattern_is_refused() -> None:
    with pytest.raises(InvalidPattern, match="restarts every year"):
        NumberingSettings("INV-{seq}", yearly_reset=True)


def test_per_client_counter_without_client_in_the_pattern_is_refused() -> None:
    with pytest.raises(InvalidPattern, match="two clients"):
        NumberingSettings("INV-{seq}", scope=CounterScope.PER_CLIENT)


@pytest.mark.parametrize(
    ("settings", "scope"),
    [
        (NumberingSettings("{seq}"), "global"),
        (NumberingSettings("{YYYY}-{seq}", yearly_reset=True), "global:2026"),
        (NumberingSettings("{client}-{seq}", scope=CounterScope.PER_CLIENT), "client:c-1"),
        (
            NumberingSettings(
                "{client}{YY}{seq}", scope=CounterScope.PER_CLIENT, yearly_reset=True
            ),
            "client:c-1:2026",
        ),
    ],
)
def test_counter_scope_key_follows_scope_and_yearly_reset(
    settings: NumberingSettings, scope: str
) -> None:
    assert counter_scope(settings, ISSUED, "c-1") == scope


def test_next_sequence_starts_at_the_offset_and_never_goes_back() -> None:
    settings = NumberingSettings("{seq}", start=1000)

    assert next_sequence(settings, None) == 1000
    assert next_sequence(settings, 5) == 1000
    assert next_sequence(settings, 1200) == 1201


def test_start_below_one_is_refused() -> None:
    with pytest.raises(InvalidPattern, match="starts at"):
        NumberingSettings("{seq}", start=0)


def test_client_code_is_ascii_upper_case_from_the_name() -> None:
    assert client_code("Café Müller GmbH") == "CAFEMU"
    assert client_code("株式会社") == "CLIENT"


@pytest.mark.parametrize("code", ["", "A B", "x" * 17, "a/b"])
def test_client_code_unfit_for_a_number_is_refused(code: str) -> None:
    settings = NumberingSettings("{client}-{seq}", scope=CounterScope.PER_CLIENT)

    with pytest.raises(InvalidPattern, match="Client code"):
        format_invoice_number(settings, 1, ISSUED, code)
