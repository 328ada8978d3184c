"""msgspec's `ValidationError` becomes our error: the field a form knows, in our words."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from addon.render.files import ATTACHMENT_FORMATS
from addon.services import bodies
from addon.services.body_errors import InvalidBody, explain, field_of, location, read_body

SCHEDULE: dict[str, Any] = {
    "name": "Weekly hours",
    "frequency": "WEEKLY",
    "weekday": "MONDAY",
    "hour": 8,
    "zone": "Europe/Berlin",
    "recipients": {"to": ["boss@example.com"]},
}


def _refusal(data: object, kind: type[msgspec.Struct]) -> InvalidBody:
    with pytest.raises(InvalidBody) as caught:
        read_body(data, kind)
    return caught.value


@pytest.mark.parametrize(
    ("path", "field", "where"),
    [
        (("recipients", "to", 3), "recipients.to", "recipients.to[3]"),
        (("invoice", "due_days"), "invoice.due_days", "invoice.due_days"),
        (("groups", 0), "groups", "groups[0]"),
        ((), "", "The body"),
    ],
)
def test_a_path_names_the_field_without_positions(path: Any, field: str, where: str) -> None:
    assert field_of(path) == field
    assert location(path) == where


@pytest.mark.parametrize(
    ("change", "field", "path", "message"),
    [
        ({"hour": 24}, "hour", ("hour",), "hour must be a whole number from 0 to 23, not 24."),
        ({"minute": 7.5}, "minute", ("minute",), "minute must be a whole number from 0 to 59"),
        ({"name": ""}, "name", ("name",), "name must be text of 1 to 200 characters, not ''."),
        (
            {"frequency": "HOURLY"},
            "frequency",
            ("frequency",),
            "frequency must be one of DAILY, WEEKLY, MONTHLY, not 'HOURLY'.",
        ),
        (
            {"weekday": "FUNDAY"},
            "weekday",
            ("weekday",),
            "must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY or null",
        ),
        (
            {"day_of_month": True},
            "day_of_month",
            ("day_of_month",),
            "day_of_month must be a whole number from 0 to 31, 'LAST' or null, not True.",
        ),
        (
            {"formats": ["docx"]},
            "formats",
            ("formats", 0),
            "formats must be taken from csv, xlsx, pdf; 'docx' is not one of them.",
        ),
        (
            {"filters": {"billable": "yes"}},
            "filters.billable",
            ("filters", "billable"),
            "filters.billable must be true, false or null, not 'yes'.",
        ),
        ({"filters": {"colour": 1}}, "filters", ("filters",), "Unknown filter 'colour'."),
        ({"nmae": "typo"}, "nmae", ("nmae",), "Unknown field 'nmae'."),
        (
            {"filters": {"projects": ["p1", ""]}},
            "filters.projects",
            ("filters", "projects", 1),
            "filters.projects[1] must be text of 1 to 64 characters, not ''.",
        ),
        (
            {"recipients": {"to": ["a@example.com", "b@example.com", "c@example.com", 4]}},
            "recipients.to",
            ("recipients", "to", 3),
            "recipients.to[3] must be text, not 4.",
        ),
        (
            {"recipients": {"to": []}},
            "recipients.to",
            ("recipients", "to"),
            "recipients.to must be a list of at least one item, not [].",
        ),
        (
            {"groups": ["PROJECT", "USER", "TAG", "DATE"]},
            "groups",
            ("groups",),
            "groups must be a list of at most 3 items",
        ),
    ],
)
def test_a_refused_schedule_names_the_field_and_what_it_takes(
    change: dict[str, Any], field: str, path: tuple[str | int, ...], message: str
) -> None:
    refusal = _refusal({**SCHEDULE, **change}, bodies.ScheduleInput)

    assert (refusal.field, refusal.path) == (field, path)
    assert message in str(refusal)


def test_a_missing_field_is_named_with_what_it_takes() -> None:
    refusal = _refusal({"start": "2026-01-01"}, bodies.ReportRequest)

    assert refusal.field == "end"
    assert str(refusal) == "end is required: a date like 2026-01-31."


def test_nested_fields_are_named_with_dots() -> None:
    body = {"start": "2026-01-01", "end": "2026-01-31", "invoice": {"due_days": -1}}

    refusal = _refusal(body, bodies.ReportRequest)

    assert refusal.field == "invoice.due_days"
    assert str(refusal) == "invoice.due_days must be a whole number from 0 to 365 or null, not -1."


def test_a_body_that_is_not_an_object_names_no_field() -> None:
    refusal = _refusal([1], bodies.ReportRequest)

    assert refusal.field == ""
    assert str(refusal) == "The body must be an object, not [1]."


def test_a_long_value_is_cut_in_the_message() -> None:
    refusal = _refusal({**SCHEDULE, "name": "x" * 5000}, bodies.ScheduleInput)

    assert len(str(refusal)) < 120


def test_explain_reads_msgspecs_own_error() -> None:
    data = {"start": "2026-01-01", "end": "2026-01-31", "invoice": {"due_days": 366}}
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(data, bodies.ReportRequest)
    assert str(caught.value).endswith("- at `$.invoice.due_days`")  # what explain parses

    refusal = explain(caught.value, bodies.ReportRequest, data)

    assert (refusal.field, refusal.path) == ("invoice.due_days", ("invoice", "due_days"))


def test_attachment_formats_are_the_renderers() -> None:
    assert [a.value for a in bodies.Attachment] == [f.value for f in ATTACHMENT_FORMATS]
