"""`ScheduleSpec`: a schedule as the user defines it, validated before anything is stored.

`ScheduleSpec.from_json` reads the web API's (and the CLI's) JSON in two steps: the body is read
into `addon.services.bodies.ScheduleInput`, the Struct the OpenAPI document is generated from
(types, ranges, lengths, unknown fields), then the spec checks what a schema cannot say: the
cadence rules (`addon.schedules.Cadence`), addresses (`addon.mail.Recipients.parse`), the locale
(the renderer's `Formatter`), distinct groups and formats, templates' placeholders. So a bad
schedule is refused with a 4xx naming the field when it is saved, never discovered at 02:30 on
a Sunday. Failures are `InvalidSchedule` (422, with `field`) or `InvalidRecipients` (400).

`spec_of` rebuilds the spec of a stored row; `ScheduleSpec.columns` is what
`addon.store.schedules` writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final, TypeVar

from addon.clockify.queries import Invoicing
from addon.errors import InvalidInput
from addon.mail.compose import InvalidRecipients, Recipients
from addon.render.files import ATTACHMENT_FORMATS, FileFormat
from addon.render.i18n import DurationStyle
from addon.reports.errors import shorten
from addon.reports.model import GroupBy, NonWorkTime
from addon.reports.periods import DateRange, Weekday
from addon.schedules import LAST_DAY, Cadence, Coverage, Frequency, InvalidSchedule, MonthDay
from addon.services import bodies
from addon.services.bodies import MAX_BODY, MAX_NAME, MAX_SUBJECT
from addon.services.body_errors import InvalidBody, read_body
from addon.services.report_spec import (
    ReportFilters,
    ReportKind,
    ReportSpec,
    ReportSpecFields,
    coerce_enum,
    groups_of,
)
from addon.store.models import Schedule
from addon.store.schedules import ScheduleColumns

__all__ = [
    "TEMPLATE_FIELDS",
    "InvalidSchedule",
    "ReportFilters",
    "ReportKind",
    "ReportSpec",
    "ScheduleSpec",
    "spec_of",
    "template_values",
]

TEMPLATE_FIELDS: Final = ("name", "period", "period_start", "period_end", "due")
"""Placeholders subject and body templates may use, e.g. `"{name}: {period}"`."""
_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CADENCE_NAMES: Final = {"month_day": "day_of_month"}
"""`Cadence`'s names for what the JSON calls otherwise."""


E = TypeVar("E", bound=StrEnum)


def _fail(name: str, message: str) -> InvalidSchedule:
    return InvalidSchedule(name, message)


def _enum(kind: type[E], name: str, value: object) -> E:
    return coerce_enum(kind, name, value, _fail)


def _attachment(value: object) -> FileFormat:
    """One attachment format; HTML is a file format but never an attachment (it is the body)."""
    if isinstance(value, str) and value in ATTACHMENT_FORMATS:  # a StrEnum equals its value
        return FileFormat(value)
    allowed = ", ".join(ATTACHMENT_FORMATS)
    raise _fail("formats", f"formats must be one of {allowed}, not {shorten(value)}.")


def _text(name: str, value: object, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise _fail(name, f"{name} must be text of {low} to {high} characters.")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSpec(ReportSpecFields):
    """A validated schedule: which report (`report`, the value the sidebar's requests use too),
    for whom, when, and what the email says."""

    name: str
    report: ReportSpec = field(default_factory=ReportSpec)
    formats: tuple[FileFormat, ...] = ()
    cadence: Cadence
    coverage: Coverage = Coverage.PREVIOUS_WEEK
    recipients: Recipients
    subject_template: str = "{name}: {period}"
    body_template: str = "{name} for {period} is attached."
    skip_when_empty: bool = False
    timesheet: bool = False
    """Invoice drafts carry the timesheet appendix (`addon.render.timesheet`)."""

    def __post_init__(self) -> None:
        _text("name", self.name, 1, MAX_NAME)
        if not isinstance(self.report, ReportSpec):
            raise _fail("report", "report must be a ReportSpec.")
        formats = tuple(_attachment(f) for f in self.formats)
        if len(set(formats)) != len(formats):
            raise _fail("formats", "Each attachment format can be chosen once.")
        object.__setattr__(self, "formats", formats)
        if not isinstance(self.cadence, Cadence):
            raise _fail("cadence", "cadence must be a Cadence.")
        object.__setattr__(self, "coverage", _enum(Coverage, "coverage", self.coverage))
        if not isinstance(self.recipients, Recipients):
            raise _fail("recipients", "recipients must be parsed with Recipients.parse.")
        if not isinstance(self.skip_when_empty, bool):
            raise _fail("skip_when_empty", "skip_when_empty must be true or false.")
        self._check_templates()

    def _check_templates(self) -> None:
        _text("subject_template", self.subject_template, 1, MAX_SUBJECT)
        _text("body_template", self.body_template, 0, MAX_BODY)
        for name in ("subject_template", "body_template"):
            for found in _PLACEHOLDER.findall(getattr(self, name)):
                if found not in TEMPLATE_FIELDS:
                    fields = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
                    raise _fail(name, f"{name} may use {fields}; {{{found[:40]}}} is unknown.")
        if "\n" in self.subject_template or "\r" in self.subject_template:
            raise _fail("subject_template", "subject_template must be a single line.")

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ScheduleSpec:
        """A spec from the web API's JSON (field names as in `columns`); raises on bad input."""
        if not isinstance(data, Mapping):
            raise _fail("schedule", "A schedule is a JSON object.")
        wire = _read(data)
        recipients = wire.recipients
        try:
            report = ReportSpec(
                kind=wire.kind,
                filters=ReportFilters.of(wire.filters),
                groups=groups_of(wire.kind, wire.groups, data),
                locale=wire.locale,
                durations=wire.durations,
                week_start=wire.week_start,
            )
        except InvalidInput as exc:  # a schedule's input: its errors are the schedule's
            raise _fail(exc.field, str(exc)) from None
        return cls(
            name=wire.name,
            report=report,
            formats=tuple(FileFormat(f) for f in wire.formats),
            cadence=_cadence(wire),
            coverage=wire.coverage,
            recipients=Recipients.parse(recipients.to, recipients.cc, recipients.bcc),
            subject_template=wire.subject_template,
            body_template=wire.body_template,
            skip_when_empty=wire.skip_when_empty,
            timesheet=wire.timesheet,
        )

    def report_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "filters": self.filters.to_json(),
            "groups": [g.value for g in self.groups],
            "formats": [f.value for f in self.formats],
            "locale": self.locale,
            "durations": self.durations.value,
            "timesheet": self.timesheet,
        }

    def columns(self) -> ScheduleColumns:
        """The stored shape: cadence in columns, report and recipients as JSON."""
        cadence = self.cadence
        day: int | None = None
        if cadence.month_day is not None:
            day = 0 if cadence.month_day == LAST_DAY else int(cadence.month_day)
        return ScheduleColumns(
            name=self.name,
            report=self.report_json(),
            frequency=cadence.frequency.value,
            weekday=cadence.weekday.value if cadence.weekday is not None else None,
            day_of_month=day,
            hour=cadence.hour,
            minute=cadence.minute,
            zone=cadence.zone,
            coverage=self.coverage.value,
            week_start=self.week_start.value,
            recipients={
                "to": list(self.recipients.to),
                "cc": list(self.recipients.cc),
                "bcc": list(self.recipients.bcc),
            },
            subject_template=self.subject_template,
            body_template=self.body_template,
            skip_when_empty=self.skip_when_empty,
        )


def _read(data: Mapping[str, object]) -> bodies.ScheduleInput:
    """The body as its Struct. A bad address list is `InvalidRecipients` (400), as
    `Recipients.parse` answers for a bad address; anything else is `InvalidSchedule` (422)."""
    try:
        return read_body(data, bodies.ScheduleInput)
    except InvalidBody as exc:
        path = exc.path
        if len(path) >= 2 and path[0] == "recipients" and isinstance(path[1], str):
            index = path[2] if len(path) > 2 and isinstance(path[2], int) else None
            raise InvalidRecipients(str(exc), field=path[1], index=index) from None
        raise InvalidSchedule(exc.field or "schedule", str(exc)) from None


def _cadence(wire: bodies.ScheduleInput) -> Cadence:
    """The cadence, its errors naming the JSON's fields (`day_of_month`, not `month_day`)."""
    try:
        return Cadence(
            frequency=wire.frequency,
            hour=wire.hour,
            minute=wire.minute,
            zone=wire.zone,
            weekday=wire.weekday,
            month_day=_month_day(wire.day_of_month),
        )
    except InvalidSchedule as exc:
        if exc.field not in _CADENCE_NAMES:
            raise
        name = _CADENCE_NAMES[exc.field]
        raise InvalidSchedule(name, str(exc).replace(exc.field, name)) from None


def _month_day(value: object) -> MonthDay | None:
    if value is None:
        return None
    if isinstance(value, bool):  # `False == 0` would read as "the last day of the month"
        raise _fail("month_day", "day_of_month must be 1-31, 0 or LAST, not a boolean.")
    if value == 0 or value == LAST_DAY:
        return LAST_DAY
    return value  # type: ignore[return-value]  # Cadence checks the range


def _list(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def spec_of(row: Schedule) -> ScheduleSpec:
    """The spec a stored schedule was saved from (stored rows were validated on the way in)."""
    report = row.report
    raw_filters = report.get("filters") or {}
    filters = ReportFilters(
        clients=_list(raw_filters.get("clients")),
        projects=_list(raw_filters.get("projects")),
        users=_list(raw_filters.get("users")),
        tags=_list(raw_filters.get("tags")),
        billable=raw_filters.get("billable"),
        invoicing=Invoicing(raw_filters.get("invoicing", Invoicing.ALL.value)),
        # schedules saved before the option existed read the default
        non_work_time=NonWorkTime(raw_filters.get("non_work_time", NonWorkTime.SEPARATE.value)),
    )
    cadence = Cadence(
        frequency=Frequency(row.frequency),
        hour=row.hour,
        minute=row.minute,
        zone=row.zone,
        weekday=Weekday(row.weekday) if row.weekday else None,
        month_day=_month_day(row.day_of_month),
    )
    spec = ReportSpec(
        kind=ReportKind(report.get("kind", ReportKind.SUMMARY.value)),
        filters=filters,
        groups=tuple(GroupBy(g) for g in report.get("groups", ())),
        locale=str(report.get("locale", "en")),
        durations=DurationStyle(report.get("durations", DurationStyle.DECIMAL.value)),
        week_start=Weekday(row.week_start),
    )
    return ScheduleSpec(
        name=row.name,
        report=spec,
        formats=tuple(FileFormat(f) for f in report.get("formats", ())),
        cadence=cadence,
        coverage=Coverage(row.coverage),
        recipients=Recipients.parse(
            row.recipients.get("to", ()),
            row.recipients.get("cc", ()),
            row.recipients.get("bcc", ()),
        ),
        subject_template=row.subject_template,
        body_template=row.body_template,
        skip_when_empty=row.skip_when_empty,
        timesheet=bool(report.get("timesheet", False)),  # older schedules: none
    )


def template_values(name: str, period: DateRange, due: date | None = None) -> dict[str, str]:
    """What `{name}`, `{period}`, `{period_start}`, `{period_end}` and `{due}` stand for."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return {
        "name": name,
        "period": start if start == end else f"{start} \u2013 {end}",
        "period_start": start,
        "period_end": end,
        "due": (due or period.end).isoformat(),
    }
