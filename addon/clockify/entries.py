"""Parse one page of `/reports/detailed` into finished `TimeEntry` values, in every variant.

Separate from expenses and summaries because time-entry rows carry their own variants: entries
under `timeEntries` or `timeentries`; money as plain `rate`/`earnedRate`/`amount`/
`earnedAmount`, as `amounts[{type, value}]` or as `hourlyRate{amount, currency}`; and the row
`type` (REGULAR when absent; BREAK, HOLIDAY, TIME_OFF), an unknown one refused. Fields are read
by `fields.py`, references by `refs.py`.

Running entries (no `end`) are counted on the page but not returned. A row missing a field or
carrying a wrong type raises `ClockifyResponseError` naming its path, never a `KeyError`. Rows
without their own currency take `currency_fallback` (the workspace's).
"""

from __future__ import annotations

from dataclasses import dataclass

from addon.clockify.errors import ClockifyResponseError
from addon.clockify.fields import (
    Row,
    _array,
    _build,
    _currency,
    _duration,
    _flag,
    _id,
    _instant,
    _invoiced,
    _money,
    _object,
    _optional_money,
    _optional_text,
    _rate,
    _text,
)
from addon.clockify.refs import _project_and_client, _ref, _required_ref, _tags
from addon.reports.model import EntryType, TimeEntry
from addon.reports.money import Money
from addon.reports.remote import ReportTotals

__all__ = ["DetailedPage", "parse_detailed_page"]


@dataclass(frozen=True, slots=True)
class DetailedPage:
    """Finished entries of one detailed-report page; `count` is its rows, running ones included.

    Paginate on `count`, not on `len(entries)`: a full page may hold a running entry. `totals`
    is filled only where asked for (`rows.decode_detailed_page(..., totals=True)`, page 1).
    """

    entries: tuple[TimeEntry, ...]
    count: int
    totals: ReportTotals | None = None


def parse_detailed_page(raw: object, *, currency_fallback: str) -> DetailedPage:
    """Entries of a `/reports/detailed` page (TimeEntryDto rows in any documented variant)."""
    body = _object(raw, "$")
    key = next((k for k in ("timeEntries", "timeentries") if k in body), "timeEntries")
    rows = _array(body.get(key), key)
    entries = []
    for index, item in enumerate(rows):
        entry = _time_entry(_object(item, f"{key}[{index}]"), f"{key}[{index}]", currency_fallback)
        if entry is not None:
            entries.append(entry)
    return DetailedPage(tuple(entries), len(rows))


def _time_entry(row: Row, path: str, fallback: str) -> TimeEntry | None:
    interval = _object(row.get("timeInterval"), f"{path}.timeInterval")
    if interval.get("end") is None:
        return None  # running: reports only bill finished time
    entry_id = _id(row, path)
    rate, earned = _entry_money(row, path, fallback)
    project, client = _project_and_client(row, path)
    return _build(
        path,
        lambda: TimeEntry(
            id=entry_id,
            description=_optional_text(row, "description", path),
            user=_required_ref(row, "user", path),
            project=project,
            client=client,
            task=_ref(row, "task", path),
            tags=_tags(row, path),
            start=_instant(interval.get("start"), f"{path}.timeInterval.start"),
            end=_instant(interval.get("end"), f"{path}.timeInterval.end"),
            duration=_duration(interval.get("duration"), f"{path}.timeInterval.duration"),
            billable=_flag(row, "billable", path),
            invoiced=_invoiced(row, path),
            hourly_rate=rate,
            earned=earned,
            type=_entry_type(row.get("type"), f"{path}.type"),
        ),
    )


def _entry_type(value: object, path: str) -> EntryType:
    """REGULAR when absent (older rows and the spec have no `type`); an unknown type is refused.

    Refused rather than read as work: a new kind of non-work time would otherwise be billed.
    """
    if value is None:
        return EntryType.REGULAR
    try:
        return EntryType(_text(value, path))
    except ValueError:
        known = ", ".join(EntryType)
        raise ClockifyResponseError(
            f"{path}: expected one of {known}, got {value!r:.40}."
        ) from None


def _entry_money(row: Row, path: str, fallback: str) -> tuple[Money | None, Money | None]:
    """(hourly rate, earned amount) in whichever money variant the row carries."""
    currency = _currency(row.get("currency"), f"{path}.currency", fallback)
    if "amounts" in row:
        earned = None
        for i, item in enumerate(_array(row["amounts"], f"{path}.amounts")):
            where = f"{path}.amounts[{i}]"
            amount = _object(item, where)
            if _text(amount.get("type"), f"{where}.type") == "EARNED":
                earned = _money(amount.get("value"), currency, f"{where}.value")
        return None, earned
    if "hourlyRate" in row:
        rate = None
        if row["hourlyRate"] is not None:
            hourly = _object(row["hourlyRate"], f"{path}.hourlyRate")
            currency = _currency(hourly.get("currency"), f"{path}.hourlyRate.currency", currency)
            rate = _rate(hourly.get("amount"), currency, f"{path}.hourlyRate.amount")
        return rate, _optional_money(row, ("amount",), currency, path)
    rate_key = next((k for k in ("earnedRate", "rate") if row.get(k) is not None), None)
    rate = None if rate_key is None else _rate(row[rate_key], currency, f"{path}.{rate_key}")
    return rate, _optional_money(row, ("earnedAmount", "amount"), currency, path)
