"""Decode a detailed-report page's bytes straight into `TimeEntry` values: the fast path.

The reference parser (`entries.parse_detailed_page`) walks `json.loads` output field by field,
building a JSON path for every field it reads: ~35 ms of CPU per 1,000-row page, more than one
core can spend at the 46 requests/s the limiter allows. Here msgspec decodes the bytes into the
`wire` Structs in C (~3 ms), and a conversion that builds no paths and shares equal `Ref`s turns
them into the same `TimeEntry` values.

The reference stays the judge of every page the fast path cannot vouch for. Anything unusual
(a type msgspec refuses, a disagreement between reference forms, a value the model refuses)
sends the whole page through `parse_detailed_page`, which either raises its
`ClockifyResponseError` naming the JSON path, or accepts a page the Structs were too strict for;
the latter is logged with msgspec's path (so a Struct can be widened), never lost. So the fast
path accepts a subset of what the reference accepts, and gives the same entries for it (held by
tests/unit/test_rows_decode.py on generated rows).
"""

from __future__ import annotations

import json
import logging
import math
import re
from datetime import UTC, datetime
from decimal import Decimal

import msgspec
from msgspec import UNSET

from addon.clockify.entries import DetailedPage, parse_detailed_page
from addon.clockify.errors import ClockifyResponseError
from addon.clockify.fields import parse_iso_duration
from addon.clockify.summaries import parse_detailed_totals, parse_report_totals
from addon.clockify.wire import WireInterval, WirePage, WireRef, WireRow
from addon.reports.model import EntryType, Ref, TimeEntry
from addon.reports.money import Money, money_from_report
from addon.reports.remote import ReportTotals

__all__ = ["decode_detailed_page", "describe_validation_error"]

log = logging.getLogger(__name__)

_PAGE = msgspec.json.Decoder(WirePage)
_TYPES = {kind.value: kind for kind in EntryType}
_Refs = dict[str, Ref]  # by id: the last Ref built for it
_Reading = tuple[str, str]  # (id, name) of one form of a reference; id "" names nothing


class _Unusual(Exception):
    """The fast path cannot vouch for this page: the reference parser decides."""


def decode_detailed_page(
    content: bytes, *, currency_fallback: str, totals: bool = False
) -> DetailedPage:
    """Entries of a `/reports/detailed` body, and its totals when `totals` (page 1) asks."""
    try:
        page = _PAGE.decode(content)
        rows = page.timeEntries if page.timeEntries is not UNSET else page.timeentries
        if rows is UNSET:
            raise _Unusual
        entries = _entries(rows, currency_fallback)
        found = _totals(page.totals, currency_fallback) if totals else None
    except (_Unusual, ClockifyResponseError, ValueError) as exc:  # msgspec's errors included
        return _by_reference(content, currency_fallback, totals, exc)
    return DetailedPage(entries, len(rows), found)


def describe_validation_error(exc: Exception) -> str:
    """msgspec's "Expected `str`, got `int` - at `$.timeentries[3].id`" in our path wording."""
    text = str(exc)
    match = _MSGSPEC_ERROR.fullmatch(text)
    if match is None:
        return text
    problem, where = match.group(1), match.group(2)
    path = where[2:] if where.startswith("$.") else where
    missing = _MISSING.fullmatch(problem)
    if missing is not None:
        return f"{path}.{missing.group(1)}: missing."
    expected = _EXPECTED.fullmatch(problem)
    if expected is None:
        return f"{path}: {problem[:1].lower()}{problem[1:]}."
    wanted = " or ".join(_WORDS.get(part, part) for part in expected.group(1).split(" | "))
    got = _WORDS.get(expected.group(2), expected.group(2))
    return f"{path}: expected {wanted}, got {got}."


_MSGSPEC_ERROR = re.compile(r"(.*?) - at `(\$[^`]*)`", re.DOTALL)
_MISSING = re.compile(r"Object missing required field `([^`]*)`")
_EXPECTED = re.compile(r"Expected `([^`]*)`, got `([^`]*)`")
_WORDS = {
    "bool": "true or false",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "decimal": "a number",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


def _by_reference(content: bytes, fallback: str, totals: bool, exc: Exception) -> DetailedPage:
    try:
        body = json.loads(content, parse_float=Decimal)
    except ValueError:  # includes UnicodeDecodeError
        raise ClockifyResponseError("$: the detailed report's body is not JSON.") from None
    page = parse_detailed_page(body, currency_fallback=fallback)
    found = parse_detailed_totals(body, currency_fallback=fallback) if totals else None
    if not isinstance(exc, _Unusual):
        log.warning(
            "clockify detailed page decoded by the reference parser",
            extra={"refused_at": describe_validation_error(exc)},
        )
    return DetailedPage(page.entries, page.count, found)


def _totals(raw: msgspec.Raw, fallback: str) -> ReportTotals | None:
    parsed = json.loads(bytes(raw), parse_float=Decimal)
    return parse_report_totals(parsed, "totals", fallback)


def _entries(rows: list[WireRow], fallback: str) -> tuple[TimeEntry, ...]:
    refs: _Refs = {}
    entries = []
    for row in rows:
        interval = row.timeInterval
        if interval is None:
            raise _Unusual
        if interval.end is None:
            continue  # running: reports only bill finished time
        entries.append(_entry(row, interval, fallback, refs))
    return tuple(entries)


def _entry(row: WireRow, interval: WireInterval, fallback: str, refs: _Refs) -> TimeEntry:
    entry_id = row.under_id if row.under_id is not None else row.id
    entry_id = entry_id if entry_id is not None else row.get_id
    billable = row.billable
    kind = EntryType.REGULAR if row.type is None else _TYPES.get(row.type)
    if entry_id is None or billable is UNSET or kind is None:
        raise _Unusual
    rate, earned = _money(row, fallback)
    user = _ref(row.user, row.userId, row.userName, refs)
    if user is None:
        raise _Unusual
    invoiced = row.invoiced
    info = row.invoicingInfo
    if info is not None:
        invoiced = invoiced or info.manuallyInvoiced or info.invoiceId not in (None, "")
    return TimeEntry(
        entry_id,
        "" if row.description is None else row.description,
        user,
        _ref(row.project, row.projectId, row.projectName, refs),
        _client(row, refs),
        _ref(row.task, row.taskId, row.taskName, refs),
        _tags(row, refs) if row.tags or row.tagIds else (),
        _instant(interval.start),
        _instant(interval.end),
        _seconds(interval.duration),
        billable,
        invoiced,
        rate,
        earned,
        kind,
    )


def _ref(nested: object, ref_id: object, name: object, refs: _Refs) -> Ref | None:
    """A reference from its nested and flat forms, which must agree (as `refs.py` requires)."""
    if nested is UNSET:  # the common case: flat only, or not there at all
        if ref_id is UNSET and name is UNSET:
            return None
        found_id, found_name = _reading(ref_id, name)
        return _shared(found_id, found_name, refs) if found_id else None
    return _agree(_forms(nested, ref_id, name), refs)


def _forms(nested: object, ref_id: object, name: object) -> list[_Reading]:
    """Readings of a reference's nested form (when present) and flat form (when present)."""
    forms = []
    if nested is None:
        forms.append(("", ""))
    elif isinstance(nested, WireRef):
        forms.append(_reading(nested.id, nested.name))
    if ref_id is not UNSET or name is not UNSET:
        forms.append(_reading(ref_id, name))
    return forms


def _client(row: WireRow, refs: _Refs) -> Ref | None:
    project = row.project
    if not isinstance(project, WireRef) or (
        project.clientId is UNSET and project.clientName is UNSET
    ):
        return _ref(row.client, row.clientId, row.clientName, refs)
    forms = _forms(row.client, row.clientId, row.clientName)
    forms.append(_reading(project.clientId, project.clientName))
    return _agree(forms, refs)


def _reading(ref_id: object, name: object) -> _Reading:
    text = name if isinstance(name, str) else ""
    if not isinstance(ref_id, str) or ref_id == "":
        if text:
            raise _Unusual  # a name without an id
        return ("", "")
    return (ref_id, text)


def _agree(forms: list[_Reading], refs: _Refs) -> Ref | None:
    """The one object every form names, its name from the first form that has one."""
    if not forms:
        return None
    found_id, found_name = forms[0]
    for ref_id, name in forms[1:]:
        if ref_id != found_id or (name and found_name and name != found_name):
            raise _Unusual
        if not found_name:
            found_name = name
    return _shared(found_id, found_name, refs) if found_id else None


def _shared(ref_id: str, name: str, refs: _Refs) -> Ref:
    """One `Ref` per (id, name) and page: equal values, built once."""
    ref = refs.get(ref_id)
    if ref is None or ref.name != name:
        ref = refs[ref_id] = Ref(ref_id, name)
    return ref


def _tags(row: WireRow, refs: _Refs) -> tuple[Ref, ...]:
    tags = []
    if row.tags is not None:
        for item in row.tags:
            tag = _agree([_reading(item.id, item.name)], refs)
            if tag is None:
                raise _Unusual
            tags.append(tag)
    if row.tagIds is None:
        return tuple(tags)
    if row.tags is None:
        return tuple(_shared(tag_id, "", refs) for tag_id in row.tagIds if tag_id)
    if set(row.tagIds) != {tag.id for tag in tags}:
        raise _Unusual
    return tuple(tags)


def _money(row: WireRow, fallback: str) -> tuple[Money | None, Money | None]:
    """(hourly rate, earned amount) in whichever variant the row carries, as `entries.py`."""
    currency = row.currency or fallback
    if row.amounts is not UNSET:
        earned = None
        for amount in row.amounts:
            if amount.type is None:
                raise _Unusual
            if amount.type == "EARNED":
                earned = _amount(amount.value, currency)
        return None, earned
    if row.hourlyRate is not UNSET:
        rate = None
        if row.hourlyRate is not None:
            currency = row.hourlyRate.currency or currency
            rate = _rate(row.hourlyRate.amount, currency)
        return rate, None if row.amount is None else _amount(row.amount, currency)
    rate_value = row.earnedRate if row.earnedRate is not None else row.rate
    earned_value = row.earnedAmount if row.earnedAmount is not None else row.amount
    return (
        None if rate_value is None else _rate(rate_value, currency),
        None if earned_value is None else _amount(earned_value, currency),
    )


def _amount(value: int | Decimal | None, currency: str) -> Money:
    if value is None:
        raise _Unusual
    return money_from_report(value, currency)


def _rate(value: int | Decimal | None, currency: str) -> Money | None:
    rate = _amount(value, currency)
    return None if rate.minor == 0 else rate


def _instant(moment: datetime | None) -> datetime:
    if moment is None or moment.tzinfo is None:
        raise _Unusual
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _seconds(value: int | float | str | None) -> int:
    if isinstance(value, str):
        return parse_iso_duration(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and math.isfinite(value) and value >= 0 and value.is_integer():
        return int(value)
    raise _Unusual
