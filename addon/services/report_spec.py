"""`ReportSpec`, what a report shows, and `ReportRequest`, what the sidebar asks to build.

`ReportSpec` (kind, filters, groups, locale, durations, week start) is the one value the
sidebar's request and a schedule (`addon.services.schedule_spec.ScheduleSpec`) share: each adds
only what is its own (a request: period, zone and invoice options; a schedule: cadence,
coverage, recipients, formats and templates), so a rule about reports is written once.

Validation has two steps. The body is read into `addon.services.bodies.ReportRequest`, the Struct
the OpenAPI document is generated from (types, ranges, lengths, unknown fields); then
`from_json` checks what a schema cannot say (end on or after start, at most `MAX_DAYS`, a known
zone and locale, distinct groups, percentages with at most 4 decimals). Either step answers 422
naming the field, so a queued job can only fail for reasons outside the request (Clockify
unavailable, a revoked token). `to_json` is canonical (sorted ids, fixed key order), so its
digest identifies identical requests for the result cache.

`ReportKind` and `ReportFilters` are the rest of the report vocabulary both share.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final, TypeVar

import msgspec

from addon.clockify.queries import Invoicing, ReportFilter
from addon.errors import InvalidInput
from addon.render.i18n import DurationStyle, Formatter, UnknownLanguage
from addon.reports.errors import ReportError, shorten
from addon.reports.model import GroupBy, NonWorkTime
from addon.reports.periods import DateRange, Weekday, load_zone
from addon.reports.terms import LineGrouping
from addon.services import bodies
from addon.services.bodies import ReportKind
from addon.services.body_errors import InvalidBody, read_body

__all__ = [
    "MAX_DAYS",
    "InvalidReportRequest",
    "InvoiceOptions",
    "ReportFilters",
    "ReportKind",
    "ReportRequest",
    "ReportSpec",
    "ReportSpecFields",
    "coerce_enum",
    "groups_of",
    "read_request",
]

MAX_DAYS: Final = 1830
"""Five years: longer periods are split by the client anyway, but a sidebar preview of more is
more likely a typo than a wish, and would hold a worker thread for a long time."""

S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E", bound=StrEnum)


class InvalidReportRequest(InvalidInput):
    """Raise when a report-side request body is malformed; `field` names the input (422)."""


def read_request(body: object, kind: type[S]) -> S:
    """`body` as the Struct `kind` of a report-side body (reports, issuing, test emails);
    raises `InvalidReportRequest` naming the field."""
    try:
        return read_body(body, kind)
    except InvalidBody as exc:
        raise InvalidReportRequest(exc.field, str(exc)) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFilters:
    """Which time a report covers; empty tuples and None filter nothing.

    `non_work_time` is not a Clockify filter but ours: where a summary puts breaks, holidays
    and time off (`NonWorkTime`). It sits with the filters because it decides, like them,
    which time the totals count; invoices never bill that time whatever it says. Values come
    validated (from `bodies.Filters` or a stored row); ids are kept once, in their order.
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
            object.__setattr__(self, name, tuple(dict.fromkeys(getattr(self, name))))

    @classmethod
    def of(cls, body: bodies.Filters | None) -> ReportFilters:
        """The filters a request body chose (none: filter nothing)."""
        if body is None:
            return cls()
        fields = ("clients", "projects", "users", "tags", "billable", "invoicing")
        return cls(
            **{name: getattr(body, name) for name in fields}, non_work_time=body.non_work_time
        )

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


def groups_of(
    kind: ReportKind, groups: tuple[GroupBy, ...], body: Mapping[str, Any]
) -> tuple[GroupBy, ...]:
    """The groups a body asked for: a detailed report that does not name any has none (the
    Struct's default, one group, is a summary's)."""
    return () if kind is ReportKind.DETAILED and "groups" not in body else groups


def coerce_enum(
    kind: type[E],
    name: str,
    value: object,
    fail: Callable[[str, str], Exception] = InvalidInput,
) -> E:
    """`value` as a member of `kind`, or `fail(name, message)` naming the allowed values (each
    door raises its own error: a report request's 422, a schedule's)."""
    if isinstance(value, kind):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(kind)
        raise fail(name, f"{name} must be one of {allowed}, not {shorten(value)}.") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSpec:
    """What a report shows, whatever period it covers: kind, filters, groups, language.

    Validated on construction, raising `InvalidInput` naming the field: a summary has 1 to 3
    distinct groups, an invoice 0 to 3 (its lines' grouping), a detailed report none (a body
    that omits `groups` gets none: `groups_of`); the locale must be one the
    renderer speaks. Enum fields also accept their string values (stored JSON, the CLI).
    """

    kind: ReportKind = ReportKind.SUMMARY
    filters: ReportFilters = field(default_factory=ReportFilters)
    groups: tuple[GroupBy, ...] = (GroupBy.PROJECT,)
    locale: str = "en"
    durations: DurationStyle = DurationStyle.DECIMAL
    week_start: Weekday = Weekday.MONDAY

    def __post_init__(self) -> None:
        kind = coerce_enum(ReportKind, "kind", self.kind)
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.filters, ReportFilters):
            raise InvalidInput("filters", "filters must be an object of filters.")
        try:
            groups = tuple(GroupBy(g) for g in self.groups)
        except (ValueError, TypeError):
            names = ", ".join(GroupBy)
            raise InvalidInput("groups", f"groups must be taken from {names}.") from None
        if kind is ReportKind.DETAILED and groups:
            raise InvalidInput("groups", "A detailed report has no groups: a row per entry.")
        low = 1 if kind is ReportKind.SUMMARY else 0
        if not low <= len(groups) <= 3 or len(set(groups)) != len(groups):
            raise InvalidInput("groups", f"A {kind} report has {low} to 3 distinct groups.")
        object.__setattr__(self, "groups", groups)
        durations = coerce_enum(DurationStyle, "durations", self.durations)
        object.__setattr__(self, "durations", durations)
        object.__setattr__(self, "week_start", coerce_enum(Weekday, "week_start", self.week_start))
        if not isinstance(self.locale, str):
            raise InvalidInput("locale", "locale must be a language code such as en or de_DE.")
        try:
            Formatter(self.locale, durations)
        except UnknownLanguage as exc:
            raise InvalidInput("locale", str(exc)) from None

    def query(self, period: DateRange, zone: str) -> ReportFilter:
        """The Clockify query for `period` in `zone`, with these filters."""
        return self.filters.query(period, zone)


@dataclass(frozen=True, slots=True)
class InvoiceOptions:
    """Invoice terms chosen in the sidebar; `None` means "the workspace's setting"."""

    grouping: LineGrouping | None = None
    due_days: int | None = None
    tax_percent: Decimal | None = None
    second_tax_percent: Decimal | None = None
    discount_percent: Decimal | None = None
    notes: str = ""
    timesheet: bool = False

    def to_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "grouping": None if self.grouping is None else self.grouping.value,
            "due_days": self.due_days,
            "tax_percent": text(self.tax_percent),
            "second_tax_percent": text(self.second_tax_percent),
            "discount_percent": text(self.discount_percent),
            "notes": self.notes,
            "timesheet": self.timesheet,
        }


class ReportSpecFields:
    """Read `report`'s fields straight off a value that holds a `ReportSpec` (a request, a
    schedule), so code that only cares what a report shows reads both alike."""

    __slots__ = ()
    report: ReportSpec

    @property
    def kind(self) -> ReportKind:
        return self.report.kind

    @property
    def filters(self) -> ReportFilters:
        return self.report.filters

    @property
    def groups(self) -> tuple[GroupBy, ...]:
        return self.report.groups

    @property
    def locale(self) -> str:
        return self.report.locale

    @property
    def durations(self) -> DurationStyle:
        return self.report.durations

    @property
    def week_start(self) -> Weekday:
        return self.report.week_start


@dataclass(frozen=True, slots=True)
class ReportRequest(ReportSpecFields):
    """A report the sidebar asked for: what it shows (`report`), which days, in which zone."""

    report: ReportSpec
    period: DateRange
    zone: str
    invoice: InvoiceOptions

    @classmethod
    def from_json(cls, body: Mapping[str, Any], *, default_locale: str = "en") -> ReportRequest:
        """Validate the POST body; raises `InvalidReportRequest` naming the first bad field."""
        wire = read_request(body, bodies.ReportRequest)
        if wire.end < wire.start:
            raise InvalidReportRequest("end", "end must be on or after start.")
        if (wire.end - wire.start).days + 1 > MAX_DAYS:
            raise InvalidReportRequest("end", f"A report covers at most {MAX_DAYS} days.")
        try:
            load_zone(wire.zone)
        except ReportError:
            raise InvalidReportRequest("zone", f"Unknown time zone {shorten(wire.zone)}.") from None
        options = _invoice(wire.invoice)  # checked for every kind: a bad field is a 422
        locale = default_locale if isinstance(wire.locale, msgspec.UnsetType) else wire.locale
        try:
            spec = ReportSpec(
                kind=wire.kind,
                filters=ReportFilters.of(wire.filters),
                groups=groups_of(wire.kind, wire.groups, body),
                locale=locale,
                durations=wire.durations,
                week_start=wire.week_start,
            )
        except InvalidInput as exc:
            raise InvalidReportRequest(exc.field, str(exc)) from None
        return cls(
            report=spec,
            period=DateRange(wire.start, wire.end),
            zone=wire.zone,
            invoice=options if wire.kind is ReportKind.INVOICE else InvoiceOptions(),
        )

    def to_json(self) -> dict[str, Any]:
        filters = {
            **self.filters.to_json(),
            **{
                name: sorted(getattr(self.filters, name))
                for name in ("clients", "projects", "users", "tags")
            },
        }
        return {
            "kind": self.kind.value,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "zone": self.zone,
            "filters": filters,
            "groups": [g.value for g in self.groups],
            "locale": self.locale,
            "durations": self.durations.value,
            "week_start": self.week_start.value,
            "invoice": self.invoice.to_json(),
        }

    def cache_key(self, workspace_id: str, settings_version: str) -> str:
        """Digest of the request, the workspace and its settings (which change invoices)."""
        canonical = json.dumps(
            [workspace_id, settings_version, self.to_json()], sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _percent(value: str | float | None, name: str) -> Decimal | None:
    """A percentage: 0 to 100 (the Struct checks numbers; text is checked here), 4 decimals."""
    if value is None or value == "":
        return None
    field = f"invoice.{name}"
    if isinstance(value, float):
        percent = Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    else:
        try:
            percent = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidReportRequest(field, f"{field} must be a number.") from None
    if not percent.is_finite() or not 0 <= percent <= 100 or percent.as_tuple().exponent < -4:  # type: ignore[operator]  # finite: exponent is int
        raise InvalidReportRequest(
            field, f"{field} must be between 0 and 100 (at most 4 decimals)."
        )
    return percent


def _invoice(wire: bodies.InvoiceOptions | None) -> InvoiceOptions:
    if wire is None:
        return InvoiceOptions()
    return InvoiceOptions(
        grouping=wire.grouping,
        due_days=wire.due_days,
        tax_percent=_percent(wire.tax_percent, "tax_percent"),
        second_tax_percent=_percent(wire.second_tax_percent, "second_tax_percent"),
        discount_percent=_percent(wire.discount_percent, "discount_percent"),
        notes=wire.notes,
        timesheet=wire.timesheet,
    )
