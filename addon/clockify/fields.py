"""Field readers every Clockify row parser shares: JSON paths, ids, durations, amounts, dates.

Separate from the parsers of whole rows (`entries.py`, `expenses.py`, `summaries.py`,
`directory.py`) because they all read fields the same way: one reader per field means one
variant list and one error message per mistake. Each reader takes the value and its JSON path
and raises `ClockifyResponseError` naming that path (`timeEntries[3].timeInterval.duration`)
and the type it expected, never the value and never a `KeyError`. Variants accepted:

* an id in `_id`, `id` or `get_id`; empty ids (`""`) are handled by `refs.py`;
* durations as whole seconds (an int, or a float/Decimal without a fraction) or ISO-8601
  (`PT2H`, `PT86H40M13S`);
* money in minor units, integer or fractional (rounded once by `money_from_report`); a rate of
  0 means "no rate applied" and becomes `None`; a row without its own currency takes the
  fallback (the workspace's);
* invoiced as `invoiced` (the guide's rows) or `invoicingInfo` (Clockify.Net's).

Pass JSON parsed with `parse_float=Decimal` where possible; floats are read by their `repr`.
The readers keep their leading underscore: they belong to `addon.clockify`'s parsers, not to
what the package offers the rest of the add-on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from addon.clockify.errors import ClockifyResponseError
from addon.reports.money import Money, money_from_report

__all__ = ["Row", "parse_iso_duration"]

Row = Mapping[str, object]
T = TypeVar("T")

_ID_KEYS = ("_id", "id", "get_id")
_ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?)?")


def parse_iso_duration(text: str, path: str = "duration") -> int:
    """Whole seconds of an ISO-8601 duration such as `PT2H`, `PT86H40M13S`, `P1DT2H` or `PT0S`.

    Strict: only days (24 h), hours, minutes and seconds, as integers. Years, months and weeks
    have no fixed length and fractions are not whole seconds, so both are refused.
    """
    match = _ISO_DURATION.fullmatch(text)
    if match is None or not any(match.groups()):
        raise ClockifyResponseError(f"{path}: expected an ISO-8601 duration such as PT2H.")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _build(path: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except ValueError as exc:  # the model's own checks (ReportError is a ValueError)
        raise ClockifyResponseError(f"{path}: {exc}") from None


def _invoiced(row: Row, path: str) -> bool:
    """`invoiced` (the guide's rows) or `invoicingInfo` (Clockify.Net's); absent means no."""
    invoiced = _flag(row, "invoiced", path, default=False)
    if row.get("invoicingInfo") is not None:
        info = _object(row["invoicingInfo"], f"{path}.invoicingInfo")
        manual = _flag(info, "manuallyInvoiced", f"{path}.invoicingInfo", default=False)
        invoiced = invoiced or manual or info.get("invoiceId") not in (None, "")
    return invoiced


def _object(value: object, path: str) -> Row:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ClockifyResponseError(f"{path}: expected an object, got {_kind(value)}.")
    return value


def _array(value: object, path: str) -> Sequence[object]:
    if not isinstance(value, list):
        raise ClockifyResponseError(f"{path}: expected an array, got {_kind(value)}.")
    return value


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ClockifyResponseError(f"{path}: expected a string, got {_kind(value)}.")
    return value


def _optional_text(row: Row, key: str, path: str) -> str:
    value = row.get(key)
    return "" if value is None else _text(value, f"{path}.{key}")


def _flag(row: Row, key: str, path: str, *, default: bool | None = None) -> bool:
    value = row.get(key, default)
    if not isinstance(value, bool):
        raise ClockifyResponseError(f"{path}.{key}: expected true or false, got {_kind(value)}.")
    return value


def _count(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ClockifyResponseError(f"{path}: expected a number, got {_kind(value)}.")
    whole = isinstance(value, int) or (
        math.isfinite(value) and value == int(value)  # a Decimal NaN/inf fails isfinite too
    )
    if not whole or value < 0:
        raise ClockifyResponseError(f"{path}: expected a whole, non-negative number.")
    return int(value)


def _duration(value: object, path: str) -> int:
    if isinstance(value, str):
        return parse_iso_duration(value, path)
    return _count(value, path)


def _id(row: Row, path: str) -> str:
    for key in _ID_KEYS:
        value = row.get(key)
        if value is not None:
            return _text(value, f"{path}.{key}")
    raise ClockifyResponseError(f"{path}._id: missing (also looked for id and get_id).")


def _instant(value: object, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, path))
    except ValueError:
        raise ClockifyResponseError(f"{path}: expected an ISO-8601 timestamp.") from None
    if moment.tzinfo is None:
        raise ClockifyResponseError(f"{path}: expected a timestamp with an offset.")
    return moment.astimezone(UTC)


def _day(value: object, path: str) -> date:
    text = _text(value, path)
    if not _DAY.fullmatch(text):
        raise ClockifyResponseError(f"{path}: expected a date such as 2024-01-15.")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ClockifyResponseError(f"{path}: {text[:10]} is not a calendar date.") from None


def _currency(value: object, path: str, fallback: str) -> str:
    return fallback if value is None or value == "" else _text(value, path)


def _money(value: object, currency: str, path: str) -> Money:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ClockifyResponseError(
            f"{path}: expected an amount in minor units, got {_kind(value)}."
        )
    try:
        return money_from_report(value, currency)
    except ValueError as exc:
        raise ClockifyResponseError(f"{path}: {exc}") from None


def _optional_money(row: Row, keys: tuple[str, ...], currency: str, path: str) -> Money | None:
    key = next((k for k in keys if row.get(k) is not None), None)
    return None if key is None else _money(row[key], currency, f"{path}.{key}")


def _rate(value: object, currency: str, path: str) -> Money | None:
    rate = _money(value, currency, path)
    return None if rate.minor == 0 else rate


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", list: "an array", dict: "an object"}.get(
        type(value),
        "a number" if isinstance(value, int | float | Decimal) else type(value).__name__,
    )
