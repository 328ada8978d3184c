"""A schedule is validated when it is saved: bad input fails with a message naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from addon.delivery.runner import MailRetry
from addon.mail.compose import InvalidRecipients
from addon.render.files import FileFormat
from addon.reports.model import GroupBy, NonWorkTime
from addon.schedules import LAST_DAY, InvalidSchedule
from addon.services.schedule_spec import ReportKind, ScheduleSpec


def _json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Weekly hours",
        "kind": "summary",
        "groups": ["PROJECT", "USER"],
        "formats": ["csv", "pdf"],
        "frequency": "WEEKLY",
        "weekday": "MONDAY",
        "hour": 8,
        "minute": 30,
        "zone": "Europe/Berlin",
        "coverage": "PREVIOUS_WEEK",
        "recipients": {"to": ["boss@example.com"], "cc": [], "bcc": ["audit@example.com"]},
        "filters": {"billable": True, "projects": ["p1"]},
    }
    data.update(changes)
    return data


def test_valid_json_becomes_a_spec_that_round_trips_through_columns() -> None:
    spec = ScheduleSpec.from_json(_json())

    columns = spec.columns()

    assert spec.kind is ReportKind.SUMMARY
    assert spec.groups == (GroupBy.PROJECT, GroupBy.USER)
    assert spec.formats == (FileFormat.CSV, FileFormat.PDF)
    assert columns.frequency == "WEEKLY" and columns.weekday == "MONDAY"
    assert columns.recipients == {
        "to": ["boss@example.com"],
        "cc": [],
        "bcc": ["audit@example.com"],
    }
    assert columns.report["filters"]["projects"] == ["p1"]  # type: ignore[index]


def test_non_work_time_is_a_filter_stored_with_the_report_and_separate_by_default() -> None:
    default = ScheduleSpec.from_json(_json())
    chosen = ScheduleSpec.from_json(_json(filters={"non_work_time": "INCLUDE"}))

    assert default.filters.non_work_time is NonWorkTime.SEPARATE
    assert chosen.filters.non_work_time is NonWorkTime.INCLUDE
    assert chosen.columns().report["filters"]["non_work_time"] == "INCLUDE"  # type: ignore[index]


def test_last_day_of_month_is_stored_as_zero() -> None:
    spec = ScheduleSpec.from_json(
        _json(frequency="MONTHLY", weekday=None, day_of_month=0, coverage="PREVIOUS_MONTH")
    )

    assert spec.cadence.month_day == LAST_DAY
    assert spec.columns().day_of_month == 0


@pytest.mark.parametrize("flag", [False, True])
def test_a_boolean_day_of_month_is_refused_not_read_as_a_day(flag: bool) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        ScheduleSpec.from_json(
            _json(frequency="MONTHLY", weekday=None, day_of_month=flag, coverage="PREVIOUS_MONTH")
        )

    assert caught.value.field == "day_of_month"  # the JSON's name, for the CLI as for the API


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": " "}, "name", "name must be text"),
        ({"frequency": "HOURLY"}, "frequency", "DAILY, WEEKLY, MONTHLY"),
        ({"hour": 24}, "hour", "0 to 23"),
        ({"zone": "Mars/Olympus"}, "zone", "IANA"),
        ({"weekday": None}, "weekday", "needs a weekday"),
        ({"groups": []}, "groups", "1 to 3"),
        ({"groups": ["PROJECT", "PROJECT"]}, "groups", "distinct"),
        ({"groups": ["PLANET"]}, "groups", "groups must be taken from"),
        ({"formats": ["docx"]}, "formats", "csv, xlsx, pdf"),
        ({"formats": ["html"]}, "formats", "csv, xlsx, pdf"),  # a file format, never attached
        ({"formats": ["csv", "csv"]}, "formats", "once"),
        ({"coverage": "FOREVER"}, "coverage", "PREVIOUS_DAY"),
        ({"locale": "xx_YY"}, "locale", "locale"),
        ({"subject_template": "{name} {password}"}, "subject_template", "{password} is unknown"),
        ({"filters": {"colour": "red"}}, "filters", "Unknown filter"),
        ({"filters": {"billable": "yes"}}, "filters.billable", "true, false or null"),
        (
            {"filters": {"non_work_time": "apart"}},
            "filters.non_work_time",
            "SEPARATE, INCLUDE, EXCLUDE",
        ),
    ],
)
def test_invalid_schedule_is_refused_naming_the_field(
    changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        ScheduleSpec.from_json(_json(**changes))

    assert caught.value.field == field
    assert words in str(caught.value)


def test_bad_recipients_are_refused_as_a_bad_request() -> None:
    with pytest.raises(InvalidRecipients) as caught:
        ScheduleSpec.from_json(_json(recipients={"to": ["not an address"]}))

    assert caught.value.status == 400


def test_mail_retry_backs_off_exponentially_within_half_the_lease() -> None:
    retry = MailRetry(tries=6, base_seconds=2, cap_seconds=30)

    assert list(retry.delays(300)) == [2, 4, 8, 16, 30]
    assert sum(retry.delays(40)) <= 20
