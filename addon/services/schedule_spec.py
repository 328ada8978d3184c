"""`ScheduleSpec`: a schedule as the user defines it, validated before anything is stored.

Every field is checked on construction (the cadence by `addon.schedules.Cadence`, recipients by
`addon.mail.Recipients.parse`, locale by the renderer's `Formatter`), so a bad schedule is
refused with a 4xx naming the field when it is saved, never discovered at 02:30 on a Sunday.
Failures are `InvalidSchedule` (422, with `field`) or `InvalidRecipients` (400).

`ScheduleSpec.from_json` reads the web API's JSON; `spec_of` rebuilds the spec of a stored row;
`ScheduleSpec.columns` is what `addon.store.schedules` writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final, TypeVar

from addon.clockify.queries import Invoicing, ReportFilter
from addon.mail.compose import Recipients
from addon.render.files import ATTACHMENT_FORMATS, FileFormat
from addon.render.i18n import DurationStyle, Formatter, UnknownLanguage
from addon.reports.errors import shorten
from addon.reports.model import GroupBy, NonWorkTime
from addon.reports.periods import DateRange, Weekday
from addon.schedules import LAST_DAY, Cadence, Coverage, Frequency, InvalidSchedule, MonthDay
from addon.store.models import Schedule
from addon.store.schedules import ScheduleColumns

__all__ = [
    "TEMPLATE_FIELDS",
    "InvalidSchedule",
    "ReportFilters",
    "ReportKind",
    "ScheduleSpec",
    "spec_of",
    "template_values",
]

MAX_NAME: Final = 200
MAX_SUBJECT: Final = 500
MAX_BODY: Final = 10_000
MAX_IDS: Final = 500
TEMPLATE_FIELDS: Final = ("name", "period", "period_start", "period_end", "due")
"""Placeholders subject and body templates may use, e.g. `"{name}: {period}"`."""
_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


E = TypeVar("E", bound=StrEnum)


class ReportKind(StrEnum):
    SUMMARY = "summary"
    INVOICE = "invoice"


def _fail(name: str, message: str) -> InvalidSchedule:
    return InvalidSchedule(name, message)


def _enum(kind: type[E], name: str, value: object) -> E:
    if isinstance(value, kind):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(kind)
        raise _fail(name, f"{name} must be one of {allowed}, not {shorten(value)}.") from None


def _attachment(value: object) -> FileFormat:
    """One attachment format; HTML is a file format but never an attachment (it is the body)."""
    if isinstance(value, str) and value in ATTACHMENT_FORMATS:  # a StrEnum equals its value
        return FileFormat(value)
    allowed = ", ".join(ATTACHMENT_FORMATS)
    raise _fail("formats", f"formats must be one of {allowed}, not {shorten(value)}.")


def _ids(name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(name, f"{name} must be a list of Clockify ids, not {shorten(value)}.")
    if len(value) > MAX_IDS or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in value):
        raise _fail(name, f"{name} must hold at most {MAX_IDS} ids of 1 to 64 characters.")
    return tuple(dict.fromkeys(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFilters:
    """Which time a scheduled report covers; empty tuples and None filter nothing.

    `non_work_time` is not a Clockify filter but ours: where a summary puts breaks, holidays
    and time off (`NonWorkTime`). It sits with the filters because it decides, like them,
    which time the totals count; invoices never bill that time whatever it says.
    """

    clients: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    billable: bool | None = None
    invoicing: Invoicing = Invoicing.ALL
    non_work_time: NonWorkTime = NonWorkTime.SEPARATE

    def __post_init__(self) -> None:
        for name in ("clients", "projects", "users", "tags"):
            object.__setattr__(self, name, _ids(f"filters.{name}", getattr(self, name)))
        if self.billable is not None and not isinstance(self.billable, bool):
            raise _fail("filters.billable", "filters.billable must be true, false or null.")
        object.__setattr__(self, "invoicing", _enum(Invoicing, "filters.invoicing", self.invoicing))
        non_work = _enum(NonWorkTime, "filters.non_work_time", self.non_work_time)
        object.__setattr__(self, "non_work_time", non_work)

    def query(self, period: DateRange, zone: str) -> ReportFilter:
        return ReportFilter(
            period,
            zone,
            users=self.users,
            clients=self.clients,
            projects=self.projects,
            tags=self.tags,
            billable=self.billable,
            invoicing=self.invoicing,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "clients": list(self.clients),
            "projects": list(self.projects),
            "users": list(self.users),
            "tags": list(self.tags),
            "billable": self.billable,
            "invoicing": self.invoicing.value,
            "non_work_time": self.non_work_time.value,
        }


def _text(name: str, value: object, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise _fail(name, f"{name} must be text of {low} to {high} characters.")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSpec:
    """A validated schedule: which report, for whom, when, and what the email says."""

    name: str
    kind: ReportKind = ReportKind.SUMMARY
    filters: ReportFilters = field(default_factory=ReportFilters)
    groups: tuple[GroupBy, ...] = (GroupBy.PROJECT,)
    formats: tuple[FileFormat, ...] = ()
    locale: str = "en"
    durations: DurationStyle = DurationStyle.DECIMAL
    cadence: Cadence
    coverage: Coverage = Coverage.PREVIOUS_WEEK
    week_start: Weekday = Weekday.MONDAY
    recipients: Recipients
    subject_template: str = "{name}: {period}"
    body_template: str = "{name} for {period} is attached."
    skip_when_empty: bool = False

    def __post_init__(self) -> None:
        _text("name", self.name, 1, MAX_NAME)
        object.__setattr__(self, "kind", _enum(ReportKind, "kind", self.kind))
        if not isinstance(self.filters, ReportFilters):
            raise _fail("filters", "filters must be an object of filters.")
        self._check_groups()
        formats = tuple(_attachment(f) for f in self.formats)
        if len(set(formats)) != len(formats):
            raise _fail("formats", "Each attachment format can be chosen once.")
        object.__setattr__(self, "formats", formats)
        object.__setattr__(self, "durations", _enum(DurationStyle, "durations", self.durations))
        try:
            Formatter(self.locale, self.durations)
        except UnknownLanguage as exc:
            raise _fail("locale", str(exc)) from None
        if not isinstance(self.cadence, Cadence):
            raise _fail("cadence", "cadence must be a Cadence.")
        object.__setattr__(self, "coverage", _enum(Coverage, "coverage", self.coverage))
        object.__setattr__(self, "week_start", _enum(Weekday, "week_start", self.week_start))
        if not isinstance(self.recipients, Recipients):
            raise _fail("recipients", "recipients must be parsed with Recipients.parse.")
        if not isinstance(self.skip_when_empty, bool):
            raise _fail("skip_when_empty", "skip_when_empty must be true or false.")
        self._check_templates()

    def _check_groups(self) -> None:
        try:
            groups = tuple(GroupBy(g) for g in self.groups)
        except (ValueError, TypeError):
            names = ", ".join(GroupBy)
            raise _fail("groups", f"groups must be taken from {names}.") from None
        low = 1 if self.kind is ReportKind.SUMMARY else 0
        if not low <= len(groups) <= 3 or len(set(groups)) != len(groups):
            raise _fail("groups", f"A {self.kind} report has {low} to 3 distinct groups.")
        object.__setattr__(self, "groups", groups)

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
        cadence = _cadence_from_json(data)
        raw_recipients = data.get("recipients")
        if not isinstance(raw_recipients, Mapping):
            raise _fail("recipients", "recipients must be an object with to, cc and bcc lists.")
        raw_filters = data.get("filters") or {}
        if not isinstance(raw_filters, Mapping):
            raise _fail("filters", "filters must be an object.")
        known = {"clients", "projects", "users", "tags", "billable", "invoicing", "non_work_time"}
        unknown = sorted(set(raw_filters) - known)
        if unknown:
            raise _fail("filters", f"Unknown filter {shorten(unknown[0])}.")
        filters = ReportFilters(**raw_filters)  # each value checked in __post_init__
        groups = data.get("groups", ["PROJECT"])
        formats = data.get("formats", [])
        if not isinstance(groups, list) or not isinstance(formats, list):
            raise _fail("groups", "groups and formats must be lists.")
        optional = {
            key: data[key]
            for key in (
                "kind",
                "locale",
                "durations",
                "coverage",
                "week_start",
                "subject_template",
                "body_template",
                "skip_when_empty",
            )
            if key in data
        }
        return cls(
            name=data.get("name"),  # type: ignore[arg-type]  # checked in __post_init__
            filters=filters,
            groups=tuple(groups),
            formats=tuple(formats),
            cadence=cadence,
            recipients=Recipients.parse(
                raw_recipients.get("to", ()),
                raw_recipients.get("cc", ()),
                raw_recipients.get("bcc", ()),
            ),
            **optional,  # type: ignore[arg-type]  # each checked in __post_init__
        )

    def report_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "filters": self.filters.to_json(),
            "groups": [g.value for g in self.groups],
            "formats": [f.value for f in self.formats],
            "locale": self.locale,
            "durations": self.durations.value,
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


def _cadence_from_json(data: Mapping[str, object]) -> Cadence:
    frequency = _enum(Frequency, "frequency", data.get("frequency"))
    weekday = data.get("weekday")
    day = data.get("day_of_month")
    return Cadence(
        frequency=frequency,
        hour=data.get("hour"),  # type: ignore[arg-type]  # Cadence checks it
        minute=data.get("minute", 0),  # type: ignore[arg-type]  # Cadence checks it
        zone=data.get("zone"),  # type: ignore[arg-type]  # Cadence checks it
        weekday=None if weekday is None else _enum(Weekday, "weekday", weekday),
        month_day=_month_day(day),
    )


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
    return ScheduleSpec(
        name=row.name,
        kind=ReportKind(report.get("kind", ReportKind.SUMMARY.value)),
        filters=filters,
        groups=tuple(GroupBy(g) for g in report.get("groups", ())),
        formats=tuple(FileFormat(f) for f in report.get("formats", ())),
        locale=str(report.get("locale", "en")),
        durations=DurationStyle(report.get("durations", DurationStyle.DECIMAL.value)),
        cadence=cadence,
        coverage=Coverage(row.coverage),
        week_start=Weekday(row.week_start),
        recipients=Recipients.parse(
            row.recipients.get("to", ()),
            row.recipients.get("cc", ()),
            row.recipients.get("bcc", ()),
        ),
        subject_template=row.subject_template,
        body_template=row.body_template,
        skip_when_empty=row.skip_when_empty,
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
