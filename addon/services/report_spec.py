"""`ReportRequest`: what the sidebar asks to build, validated before a job is queued.

Every field is checked here (period, zone, filters, groups, locale, invoice options), so a bad
request is a 422 naming the field at once and a queued job can only fail for reasons outside
the request (Clockify unavailable, a revoked token). `to_json` is canonical (sorted ids, fixed
key order), so its digest identifies identical requests for the result cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from addon.render.i18n import DurationStyle, Formatter, UnknownLanguage
from addon.reports.errors import ReportError, shorten
from addon.reports.model import GroupBy
from addon.reports.periods import DateRange, Weekday, load_zone
from addon.reports.terms import MAX_DUE_DAYS, LineGrouping
from addon.services.schedule_spec import ReportFilters, ReportKind

__all__ = ["MAX_DAYS", "InvalidReportRequest", "InvoiceOptions", "ReportRequest"]

MAX_DAYS: Final = 1830
"""Five years: longer periods are split by the client anyway, but a sidebar preview of more is
more likely a typo than a wish, and would hold a worker thread for a long time."""
MAX_NOTES: Final = 2000
_FIELDS: Final = frozenset(
    {
        "kind",
        "start",
        "end",
        "zone",
        "filters",
        "groups",
        "locale",
        "durations",
        "week_start",
        "invoice",
        "refresh",
    }
)
_INVOICE_FIELDS: Final = frozenset(
    {"grouping", "due_days", "tax_percent", "second_tax_percent", "discount_percent", "notes"}
)
_FILTERS: Final = frozenset(
    {"clients", "projects", "users", "tags", "billable", "invoicing", "non_work_time"}
)


class InvalidReportRequest(ReportError):
    """Raise when a report request is malformed; `field` names the input (422)."""

    code = "invalid_request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class InvoiceOptions:
    """Invoice terms chosen in the sidebar; `None` means "the workspace's setting"."""

    grouping: LineGrouping | None = None
    due_days: int | None = None
    tax_percent: Decimal | None = None
    second_tax_percent: Decimal | None = None
    discount_percent: Decimal | None = None
    notes: str = ""

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
        }


@dataclass(frozen=True, slots=True)
class ReportRequest:
    kind: ReportKind
    period: DateRange
    zone: str
    filters: ReportFilters
    groups: tuple[GroupBy, ...]
    locale: str
    durations: DurationStyle
    week_start: Weekday
    invoice: InvoiceOptions

    @classmethod
    def from_json(cls, body: Mapping[str, Any], *, default_locale: str = "en") -> ReportRequest:
        """Validate the POST body; raises `InvalidReportRequest` naming the first bad field."""
        unknown = sorted(set(body) - _FIELDS)
        if unknown:
            raise InvalidReportRequest(unknown[0][:60], f"Unknown field {shorten(unknown[0])}.")
        kind = _choice(ReportKind, "kind", body.get("kind", "summary"))
        start, end = _date(body, "start"), _date(body, "end")
        if end < start:
            raise InvalidReportRequest("end", "end must be on or after start.")
        if (end - start).days + 1 > MAX_DAYS:
            raise InvalidReportRequest("end", f"A report covers at most {MAX_DAYS} days.")
        zone = body.get("zone", "UTC")
        if not isinstance(zone, str) or not zone:
            raise InvalidReportRequest("zone", "zone must be an IANA time zone name.")
        try:
            load_zone(zone)
        except ReportError:
            raise InvalidReportRequest("zone", f"Unknown time zone {shorten(zone)}.") from None
        groups = _groups(body.get("groups", ["PROJECT"]), kind)
        options = _invoice(body.get("invoice"))  # checked for every kind: a bad field is a 422
        locale = body.get("locale", default_locale)
        durations = _choice(DurationStyle, "durations", body.get("durations", "decimal"))
        if not isinstance(locale, str):
            raise InvalidReportRequest("locale", "locale must be a string such as en_US.")
        try:
            Formatter(locale, durations)
        except UnknownLanguage as exc:
            raise InvalidReportRequest("locale", str(exc)) from None
        return cls(
            kind=kind,
            period=DateRange(start, end),
            zone=zone,
            filters=_filters(body.get("filters")),
            groups=groups,
            locale=locale,
            durations=durations,
            week_start=_choice(Weekday, "week_start", body.get("week_start", "MONDAY")),
            invoice=options if kind is ReportKind.INVOICE else InvoiceOptions(),
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


def _choice(kind: Any, name: str, value: object) -> Any:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(v.value) for v in kind)
        raise InvalidReportRequest(name, f"{name} must be one of {allowed}.") from None


def _date(body: Mapping[str, Any], name: str) -> date:
    value = body.get(name)
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidReportRequest(name, f"{name} must be a date like 2026-01-31.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidReportRequest(name, f"{name} must be a date like 2026-01-31.") from None


def _groups(value: object, kind: ReportKind) -> tuple[GroupBy, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidReportRequest("groups", "groups must be a list of group names.")
    try:
        groups = tuple(GroupBy(v) for v in value)
    except ValueError:
        names = ", ".join(GroupBy)
        raise InvalidReportRequest("groups", f"groups must be taken from {names}.") from None
    low = 1 if kind is ReportKind.SUMMARY else 0
    if not low <= len(groups) <= 3 or len(set(groups)) != len(groups):
        raise InvalidReportRequest("groups", f"A {kind.value} report has {low} to 3 groups.")
    return groups


def _filters(value: object) -> ReportFilters:
    if value is None:
        return ReportFilters()
    if not isinstance(value, Mapping):
        raise InvalidReportRequest("filters", "filters must be an object.")
    unknown = sorted(set(value) - _FILTERS)
    if unknown:
        raise InvalidReportRequest("filters", f"Unknown filter {shorten(unknown[0])}.")
    try:
        return ReportFilters(**value)
    except ReportError as exc:
        field = getattr(exc, "field", "filters")
        raise InvalidReportRequest(str(field), str(exc)) from None


def _percent(options: Mapping[str, Any], name: str) -> Decimal | None:
    value = options.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidReportRequest(f"invoice.{name}", f"invoice.{name} must be a number.")
    try:
        percent = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidReportRequest(f"invoice.{name}", f"invoice.{name} must be a number.") from None
    if not percent.is_finite() or not 0 <= percent <= 100 or percent.as_tuple().exponent < -4:  # type: ignore[operator]  # finite: exponent is int
        raise InvalidReportRequest(
            f"invoice.{name}", f"invoice.{name} must be between 0 and 100 (at most 4 decimals)."
        )
    return percent


def _invoice(value: object) -> InvoiceOptions:
    if value is None:
        return InvoiceOptions()
    if not isinstance(value, Mapping):
        raise InvalidReportRequest("invoice", "invoice must be an object.")
    unknown = sorted(set(value) - _INVOICE_FIELDS)
    if unknown:
        raise InvalidReportRequest("invoice", f"Unknown invoice option {shorten(unknown[0])}.")
    grouping = value.get("grouping")
    due_days = value.get("due_days")
    if due_days is not None and (
        isinstance(due_days, bool)
        or not isinstance(due_days, int)
        or not 0 <= due_days <= MAX_DUE_DAYS
    ):
        raise InvalidReportRequest(
            "invoice.due_days", f"invoice.due_days must be a whole number from 0 to {MAX_DUE_DAYS}."
        )
    notes = value.get("notes", "")
    if not isinstance(notes, str) or len(notes) > MAX_NOTES:
        raise InvalidReportRequest(
            "invoice.notes", f"invoice.notes must be text of at most {MAX_NOTES} characters."
        )
    return InvoiceOptions(
        grouping=None if grouping is None else _choice(LineGrouping, "invoice.grouping", grouping),
        due_days=due_days,
        tax_percent=_percent(value, "tax_percent"),
        second_tax_percent=_percent(value, "second_tax_percent"),
        discount_percent=_percent(value, "discount_percent"),
        notes=notes,
    )
