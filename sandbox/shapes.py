"""Which documented variant of each Reports API response a workspace is served.

The sources disagree on many response details (reports-api.md §4 and §10), and an add-on has to
accept them all. Each disagreement is one field of `ShapeMode`, chosen per workspace and
independently of the others. `ShapeMode()` is the official OpenAPI shape in
`shared/clockify/openapi/` ([OAS-Jul]), while a workspace is served `LIVE` unless told otherwise
(`SandboxState.shape`): what live captures show. Where the spec is silent (money on detailed rows,
per-currency totals) the default adds what live responses are reported to carry.

===================  ================  =====================================================
field                default           alternatives (source)
===================  ================  =====================================================
entries_key          `timeEntries`     `timeentries` ([OAS-May], [S002], live peers)
entry_id             `get_id`          `_id` ([S002], Clockify.Net), `id` ([S003])
duration             `seconds` (int)   `float`; `iso` = `PT2H`, `PT86H40M13S` ([S002]); `iso`
                                       applies to rows and groups, totals stay seconds
money                `int` cents       `float` cents, e.g. `40055.555555555555` (golden fixture)
entry_money          `plain`           `amounts` `[{type, value}]`; `hourly_rate`
                     (rate, amount,    `{amount, currency}` objects ([S002]); `none` (the
                     earnedRate, ...)  literal OAS TimeEntryDto, which has no money)
totals               `list`            `object`, `null_list` (`[null]`), `empty_list` (`[]`)
total_amount_null    False             True: `totalAmount: null` and `amounts: []` (Go payload)
by_currency          `list`            `empty_object`: `totalAmountByCurrency: {}` (Go payload)
group_id             `id` (GroupOne…)  `_id` (golden fixture, Go payload)
composite_entry_ids  False             True: TIMEENTRY groups' id is `{"DATE": …, "TIMEENTRY": …}`
chart_key            `chart`           `donutChart` (live, [COAS])
weekly               `days`            `weeks` (the guide's `weeks[].groups[]`, [S002])
expense_count_key    `expensesCount`   `expenseCount` ([S002])
===================  ================  =====================================================
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any, Literal

from sandbox.switches import switches_as_json, switches_from_json

__all__ = ["GUIDE", "LIVE", "OFFICIAL", "ShapeMode", "format_duration", "format_money"]


@dataclass(frozen=True, slots=True)
class ShapeMode:
    entries_key: Literal["timeEntries", "timeentries"] = "timeEntries"
    entry_id: Literal["get_id", "_id", "id"] = "get_id"
    duration: Literal["seconds", "float", "iso"] = "seconds"
    money: Literal["int", "float"] = "int"
    entry_money: Literal["plain", "amounts", "hourly_rate", "none"] = "plain"
    totals: Literal["list", "object", "null_list", "empty_list"] = "list"
    total_amount_null: bool = False
    by_currency: Literal["list", "empty_object"] = "list"
    group_id: Literal["id", "_id"] = "id"
    composite_entry_ids: bool = False
    chart_key: Literal["chart", "donutChart"] = "chart"
    weekly: Literal["days", "weeks"] = "days"
    expense_count_key: Literal["expensesCount", "expenseCount"] = "expensesCount"

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(ShapeMode)
        for item in fields(self):
            allowed = typing.get_args(hints[item.name]) or (True, False)
            if getattr(self, item.name) not in allowed:
                choices = ", ".join(map(str, allowed))
                raise ValueError(f"shape {item.name} must be one of {choices}")

    @classmethod
    def from_json(cls, body: Any, base: ShapeMode | None = None) -> ShapeMode:
        """Apply `{field: value}` (snake_case or camelCase names) over `base` or the default."""
        return switches_from_json(cls, body, base, "shape")

    def as_json(self) -> dict[str, Any]:
        return switches_as_json(self)


OFFICIAL = ShapeMode()
# What peers parsing live data report (reports-api.md §4.1, §4.2, §4.6).
LIVE = ShapeMode(
    entries_key="timeentries",
    entry_id="_id",
    money="float",
    group_id="_id",
    composite_entry_ids=True,
    chart_key="donutChart",
)
# The third-party guide [S002] (seeds/reports-api-guide.md), as printed.
GUIDE = ShapeMode(
    entries_key="timeentries",
    entry_id="_id",
    duration="iso",
    entry_money="hourly_rate",
    weekly="weeks",
    expense_count_key="expenseCount",
)


def format_duration(seconds: int, mode: ShapeMode, *, in_totals: bool = False) -> int | float | str:
    if mode.duration == "float":
        return float(seconds)
    if mode.duration == "iso" and not in_totals:
        return iso_duration(seconds)
    return seconds


def iso_duration(seconds: int) -> str:
    """ISO-8601 as Clockify writes it: `PT2H`, `PT86H40M13S`, `PT0S` (no days, only hours)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}H" if hours else "",
        f"{minutes}M" if minutes else "",
        f"{secs}S" if secs else "",
    ]
    return "PT" + ("".join(parts) or "0S")


def format_money(cents: Fraction, mode: ShapeMode) -> int | float:
    """Cents as the mode wants them: rounded half up to an int, or the exact value as a float."""
    if mode.money == "float":
        return float(cents)
    return round_half_up(cents)


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2)) if value >= 0 else -round_half_up(-value)
