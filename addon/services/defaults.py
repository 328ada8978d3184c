"""A workspace's add-on settings (Clockify's SETTINGS_UPDATED list) as typed report defaults.

Clockify sends settings as a flat list `[{id, name, value}]` whose values are open JSON scalars
(a NUMBER may arrive as `19`, `19.5` or `"19"`). A value we cannot read falls back to the
manifest's default rather than breaking every report of the workspace; the invoice number
pattern is the exception, because numbering must never silently change: a bad pattern refuses
issuing with a message naming the setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from addon.manifest import SETTING_DEFAULTS
from addon.render.i18n import DurationStyle, Formatter, UnknownLanguage
from addon.reports.errors import InvalidPattern, ReportError
from addon.reports.numbering import NumberingSettings
from addon.reports.periods import Weekday
from addon.reports.terms import (
    ROUNDING_STEPS,
    InvoiceTerms,
    LineGrouping,
    RoundingDirection,
    Tax,
    TimeRounding,
)

__all__ = ["WorkspaceDefaults", "workspace_defaults"]


@dataclass(frozen=True, slots=True)
class WorkspaceDefaults:
    """What the sidebar and invoices start from; every field is already valid."""

    locale: str
    week_start: Weekday
    durations: DurationStyle
    number_pattern: str
    rounding: TimeRounding | None
    tax_percent: Decimal
    second_tax_percent: Decimal
    due_days: int
    grouping: LineGrouping
    sender_name: str
    mark_invoiced: bool = True

    def numbering(self) -> NumberingSettings:
        """The numbering settings; raises `InvalidPattern` naming the setting when it is bad."""
        try:
            return NumberingSettings(self.number_pattern)
        except ReportError as exc:
            raise InvalidPattern(f"Invoice number pattern (add-on settings): {exc}") from None

    def taxes(
        self,
        first: Decimal | None = None,
        second: Decimal | None = None,
        *,
        name: str = "Tax",
    ) -> tuple[Tax, ...]:
        """The invoice's taxes: the given percentages, else the workspace's; zero ones dropped.

        `name` is the word the invoice prints (the report language's "Tax"); the second tax is
        that word and "2". The name is frozen into the snapshot, as printed.
        """
        chosen = (
            (name, self.tax_percent if first is None else first),
            (f"{name} 2", self.second_tax_percent if second is None else second),
        )
        return tuple(Tax(name, percent) for name, percent in chosen if percent)

    def invoice_terms(self, *, zone: str, fmt: Formatter) -> InvoiceTerms:
        """The workspace's own invoice terms, worded in `fmt`'s language (taxes, line names)."""
        words = fmt.line_words()
        return InvoiceTerms(
            grouping=self.grouping,
            time_rounding=self.rounding,
            taxes=self.taxes(name=fmt.label("tax")),
            due_days=self.due_days,
            zone=zone,
            single_item_label=words.single_item,
            no_project_label=words.no_project,
            no_description_label=words.no_description,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "week_start": self.week_start.value,
            "durations": self.durations.value,
            "number_pattern": self.number_pattern,
            "tax_percent": str(self.tax_percent),
            "second_tax_percent": str(self.second_tax_percent),
            "due_days": self.due_days,
            "grouping": self.grouping.value,
            "mark_invoiced": self.mark_invoiced,
        }


def _values(settings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in settings:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            found[item["id"]] = item.get("value")
    return found


def _percent(value: Any, default: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return default
    try:
        percent = Decimal(str(value).strip())
    except InvalidOperation:
        return default
    return percent if percent.is_finite() and 0 <= percent <= 100 else default


def _whole(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, bool):
        return default
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return default
    if not number.is_finite() or number != number.to_integral_value():
        return default
    return int(number) if low <= number <= high else default


def _flag(value: Any, *, default: bool) -> bool:
    """A CHECKBOX value: a boolean, or the strings and numbers a form may send instead."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return default


def _locale(value: Any) -> str:
    if isinstance(value, str):
        try:
            Formatter(value, DurationStyle.DECIMAL)
            return value
        except UnknownLanguage:
            pass
    return str(SETTING_DEFAULTS["report-locale"])


def _rounding(minutes: Any, mode: Any) -> TimeRounding | None:
    step = _whole(minutes, 1, 1, 60)
    if step == 1 or step not in ROUNDING_STEPS:
        return None
    direction = mode if mode in {d.value for d in RoundingDirection} else "nearest"
    return TimeRounding(step, RoundingDirection(direction))


def workspace_defaults(settings: Iterable[Mapping[str, Any]]) -> WorkspaceDefaults:
    """The defaults of a stored settings list (missing or unreadable values: the manifest's)."""
    values = {**SETTING_DEFAULTS, **{k: v for k, v in _values(settings).items() if v is not None}}
    week = values.get("week-start")
    pattern = values.get("invoice-number-pattern")
    sender = values.get("email-sender-name")
    return WorkspaceDefaults(
        locale=_locale(values.get("report-locale")),
        week_start=Weekday(week) if week in {d.value for d in Weekday} else Weekday.MONDAY,
        durations=DurationStyle.DECIMAL,
        number_pattern=pattern.strip() if isinstance(pattern, str) and pattern.strip() else "",
        rounding=_rounding(
            values.get("billed-time-rounding"), values.get("billed-time-rounding-mode")
        ),
        tax_percent=_percent(values.get("tax-percent"), Decimal(0)),
        second_tax_percent=_percent(values.get("second-tax-percent"), Decimal(0)),
        due_days=_whole(values.get("payment-terms-days"), 30, 0, 365),
        grouping=LineGrouping.PROJECT,
        sender_name=sender.strip()[:100] if isinstance(sender, str) else "",
        mark_invoiced=_flag(values.get("mark-invoiced"), default=True),
    )
