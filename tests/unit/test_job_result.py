"""The job result's `check`: Clockify's figures, raw and worded, as the OpenAPI document says."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from addon.render.i18n import Formatter
from addon.reports.model import ClockifyCheck
from addon.reports.money import Money
from addon.services.previews import check_json, invoices_output, summary_output
from addon.services.report_spec import ReportRequest
from addon.web.openapi import document
from tests.render.samples import make_invoice, sample_summary

CHECK = ClockifyCheck(
    entries=2345,
    duration=15_725_160,
    billable_duration=14_400_000,
    amounts=(Money(123_450, "EUR"),),
    expenses=12,
    expense_amounts=(Money(30_000, "EUR"),),
)
REQUEST = ReportRequest.from_json(
    {"kind": "summary", "start": "2026-11-01", "end": "2026-11-30", "zone": "UTC"}
)


def job_result_validator() -> Draft202012Validator:
    """The published schema of a job's `result`, resolved against the whole document."""
    spec = document()
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(spec))
    schema = {"$ref": "urn:api#/components/schemas/Job/properties/result"}
    return Draft202012Validator(schema, registry=registry)


def validate(result: dict[str, Any]) -> None:
    errors = [error.message for error in job_result_validator().iter_errors(result)]
    assert errors == []


def test_a_checked_summary_result_carries_the_figures_and_the_worded_line() -> None:
    summary = replace(sample_summary(), check=CHECK)

    result = summary_output(summary, REQUEST, Formatter("de_DE")).result

    assert result["check"] == {
        "entries": 2345,
        "duration_seconds": 15_725_160,
        "billable_duration_seconds": 14_400_000,
        "amounts": [{"currency": "EUR", "minor": 123_450}],
        "expenses": 12,
        "expense_amounts": [{"currency": "EUR", "minor": 30_000}],
        "text": "Abgeglichen mit Clockify: 2.345 Einträge, 4.368,10 Std., 12 Ausgaben",
    }
    assert result["html"].count(result["check"]["text"]) == 1
    validate(result)


def test_an_unchecked_summary_result_says_null_and_prints_no_line() -> None:
    result = summary_output(sample_summary(), REQUEST, Formatter("en")).result

    assert result["check"] is None
    assert "cr-check" not in result["html"]
    validate(result)


@pytest.mark.parametrize("check", [CHECK, replace(CHECK, expenses=None, expense_amounts=())])
def test_invoice_drafts_share_one_check_in_the_result(check: ClockifyCheck) -> None:
    drafts = (replace(make_invoice(), check=check),)

    result = invoices_output(drafts, REQUEST, Formatter("ja_JP")).result

    assert result["check"] == check_json(check, Formatter("ja_JP"))
    assert result["check"]["expenses"] == check.expenses
    validate(result)


def test_no_drafts_no_check() -> None:
    result = invoices_output((), REQUEST, Formatter("en")).result

    assert result["check"] is None
    validate(result)
