"""`ReportRequest` validation and its cache key; workspace settings as defaults; user zones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from addon.clockify.directory import parse_member
from addon.manifest import LOCALES
from addon.render.i18n import Formatter
from addon.reports.model import GroupBy, NonWorkTime
from addon.reports.periods import Weekday
from addon.reports.terms import LineGrouping, RoundingDirection
from addon.services.defaults import workspace_defaults
from addon.services.report_spec import MAX_DAYS, InvalidReportRequest, ReportRequest
from addon.services.reports import invoice_terms

BODY: dict[str, Any] = {
    "kind": "summary",
    "start": "2026-11-01",
    "end": "2026-11-30",
    "zone": "Europe/Berlin",
    "groups": ["PROJECT", "USER"],
    "filters": {"projects": ["p2", "p1"], "billable": True},
}


def test_a_valid_request_is_read_with_defaults() -> None:
    request = ReportRequest.from_json(BODY)

    assert request.period.days == 30
    assert request.groups == (GroupBy.PROJECT, GroupBy.USER)
    assert request.filters.projects == ("p2", "p1")
    assert request.week_start is Weekday.MONDAY
    assert request.locale == "en"


@pytest.mark.parametrize("mode", list(NonWorkTime))
def test_non_work_time_defaults_to_separate_and_takes_each_mode(mode: NonWorkTime) -> None:
    default = ReportRequest.from_json(BODY)
    chosen = ReportRequest.from_json({**BODY, "filters": {"non_work_time": mode.value}})

    assert default.filters.non_work_time is NonWorkTime.SEPARATE
    assert chosen.filters.non_work_time is mode
    assert ReportRequest.from_json(chosen.to_json()) == chosen
    if mode is not NonWorkTime.SEPARATE:
        assert chosen.cache_key("w", "") != default.cache_key("w", "")


def test_the_cache_key_ignores_id_order_but_not_content() -> None:
    one = ReportRequest.from_json(BODY)
    swapped = ReportRequest.from_json(
        {**BODY, "filters": {**BODY["filters"], "projects": ["p1", "p2"]}}
    )
    other = ReportRequest.from_json({**BODY, "end": "2026-11-29"})

    assert one.cache_key("w", "") == swapped.cache_key("w", "")
    assert one.cache_key("w", "") != other.cache_key("w", "")
    assert one.cache_key("w", "") != one.cache_key("w2", "")
    assert one.cache_key("w", "") != one.cache_key("w", "2026-12-01T00:00:00+00:00")


def test_the_stored_request_reads_back_as_the_same_request() -> None:
    request = ReportRequest.from_json(
        {**BODY, "kind": "invoice", "invoice": {"tax_percent": "7.5"}}
    )

    again = ReportRequest.from_json(request.to_json())

    assert again.to_json() == request.to_json()  # ids come back sorted: the canonical form
    assert again.cache_key("w", "") == request.cache_key("w", "")
    assert again.invoice.tax_percent == Decimal("7.5")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2026-02-30"}, "start"),
        ({"start": 20261101}, "start"),
        ({"end": "2026-10-31"}, "end"),
        ({"start": "2000-01-01"}, "end"),
        ({"zone": ""}, "zone"),
        ({"zone": "Europe/Atlantis"}, "zone"),
        ({"groups": "PROJECT"}, "groups"),
        ({"groups": ["PROJECT", "PROJECT"]}, "groups"),
        ({"groups": ["A", "B", "C", "D"]}, "groups"),
        ({"filters": []}, "filters"),
        ({"filters": {"colour": 1}}, "filters"),
        ({"filters": {"billable": "yes"}}, "filters.billable"),
        ({"filters": {"invoicing": "MAYBE"}}, "filters.invoicing"),
        ({"filters": {"non_work_time": "separate"}}, "filters.non_work_time"),
        ({"filters": {"non_work_time": None}}, "filters.non_work_time"),
        ({"filters": {"non_work_time": 1}}, "filters.non_work_time"),
        ({"durations": "minutes"}, "durations"),
        ({"locale": 7}, "locale"),
        ({"week_start": "FUNDAY"}, "week_start"),
        ({"kind": "invoice", "invoice": []}, "invoice"),
        ({"kind": "invoice", "invoice": {"due_days": -1}}, "invoice.due_days"),
        ({"kind": "invoice", "invoice": {"due_days": True}}, "invoice.due_days"),
        ({"kind": "invoice", "invoice": {"tax_percent": "NaN"}}, "invoice.tax_percent"),
        (
            {"kind": "invoice", "invoice": {"discount_percent": "0.00001"}},
            "invoice.discount_percent",
        ),
        ({"kind": "invoice", "invoice": {"grouping": "client"}}, "invoice.grouping"),
        ({"kind": "invoice", "invoice": {"notes": "x" * 2001}}, "invoice.notes"),
        ({"kind": "invoice", "invoice": {"font": "x"}}, "invoice"),
        ({"invoice": {"notes": "x" * 2001}}, "invoice.notes"),  # a summary checks it too
    ],
)
def test_bad_input_names_its_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidReportRequest) as caught:
        ReportRequest.from_json({**BODY, **change})

    assert caught.value.field == field
    assert str(caught.value)


def test_the_longest_period_is_five_years() -> None:
    ReportRequest.from_json({**BODY, "start": "2021-01-01", "end": "2026-01-04"})
    assert MAX_DAYS == 1830


def test_workspace_settings_become_defaults_and_bad_values_fall_back() -> None:
    defaults = workspace_defaults(
        [
            {"id": "report-locale", "value": "de_DE"},
            {"id": "week-start", "value": "SUNDAY"},
            {"id": "tax-percent", "value": "19"},
            {"id": "second-tax-percent", "value": "lots"},
            {"id": "payment-terms-days", "value": 14.0},
            {"id": "billed-time-rounding", "value": "15"},
            {"id": "billed-time-rounding-mode", "value": "up"},
            {"id": "invoice-number-pattern", "value": "  {YYYY}/{seq:3}  "},
        ]
    )

    assert defaults.locale == "de_DE"
    assert defaults.week_start is Weekday.SUNDAY
    assert defaults.tax_percent == Decimal(19)
    assert defaults.second_tax_percent == Decimal(0)
    assert defaults.due_days == 14
    assert defaults.rounding is not None and defaults.rounding.minutes == 15
    assert defaults.rounding.direction is RoundingDirection.UP
    assert defaults.number_pattern == "{YYYY}/{seq:3}"
    assert defaults.grouping is LineGrouping.PROJECT
    assert [t.percent for t in defaults.taxes()] == [Decimal(19)]
    assert [t.percent for t in defaults.taxes(Decimal(0), Decimal(5))] == [Decimal(5)]


def test_no_settings_means_the_manifest_defaults() -> None:
    defaults = workspace_defaults([])

    assert (defaults.locale, defaults.due_days, defaults.rounding) == ("en_US", 30, None)
    assert defaults.numbering().pattern == "INV-{YYYY}-{seq:4}"


@pytest.mark.parametrize(
    ("value", "marks"),
    [
        (True, True),
        (False, False),
        ("false", False),
        (" TRUE ", True),
        (0, False),
        (1, True),
        (None, True),
        ("maybe", True),
        (2, True),
        ([], True),
    ],
)
def test_mark_invoiced_reads_a_checkbox_and_defaults_to_marking(value: object, marks: bool) -> None:
    defaults = workspace_defaults([{"id": "mark-invoiced", "value": value}])

    assert defaults.mark_invoiced is marks
    assert defaults.to_json()["mark_invoiced"] is marks


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_the_settings_offer_is_kept_as_chosen(locale: str) -> None:
    defaults = workspace_defaults([{"id": "report-locale", "value": locale}])

    assert defaults.locale == locale
    assert Formatter(defaults.locale).language == locale.split("_")[0]  # its own words


@pytest.mark.parametrize("locale", ["xx_YY", "sw_KE", "", 7, None])
def test_a_locale_without_labels_falls_back_to_the_default(locale: object) -> None:
    defaults = workspace_defaults([{"id": "report-locale", "value": locale}])

    assert defaults.locale == "en_US"  # Babel knows sw_KE, but there are no Swahili labels


def test_an_unusable_invoice_number_pattern_is_refused_clearly() -> None:
    defaults = workspace_defaults([{"id": "invoice-number-pattern", "value": "X"}])

    with pytest.raises(ValueError, match="Invoice number pattern"):
        defaults.numbering()


@pytest.mark.parametrize(
    ("settings", "zone"),
    [
        ({"timeZone": "Asia/Kolkata"}, "Asia/Kolkata"),
        ({"timeZone": "Mars/Olympus"}, None),
        ({"timeZone": 5}, None),
        ({}, None),
        (None, None),
        ("UTC", None),
    ],
)
def test_a_users_time_zone_is_read_only_when_valid(settings: object, zone: str | None) -> None:
    raw = {"id": "u1", "name": "Ana", "email": "a@x.io", "memberships": [], "settings": settings}

    assert parse_member(raw, "w1").zone == zone


@pytest.mark.parametrize(
    ("locale", "names"),
    [("en_US", ("Tax", "Tax 2")), ("de_DE", ("Steuer", "Steuer 2")), ("ja_JP", ("税額", "税額 2"))],
)
def test_invoice_taxes_are_named_in_the_reports_language(
    locale: str, names: tuple[str, str]
) -> None:
    body = {**BODY, "kind": "invoice", "locale": locale, "invoice": {"second_tax_percent": "7"}}
    defaults = workspace_defaults([{"id": "tax-percent", "value": 19}])

    terms = invoice_terms(ReportRequest.from_json(body), defaults)

    assert [(tax.name, tax.percent) for tax in terms.taxes] == [
        (names[0], Decimal(19)),
        (names[1], Decimal(7)),
    ]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en_US", ("Professional services", "Without project", "(no description)")),
        ("de_DE", ("Dienstleistungen", "Ohne Projekt", "(ohne Beschreibung)")),
        ("fr_FR", ("Prestations de services", "Sans projet", "(sans description)")),
    ],
)
def test_invoice_lines_are_worded_in_the_reports_language(
    locale: str, words: tuple[str, str, str]
) -> None:
    body = {**BODY, "kind": "invoice", "locale": locale}

    terms = invoice_terms(ReportRequest.from_json(body), workspace_defaults([]))

    assert (terms.single_item_label, terms.no_project_label, terms.no_description_label) == words
