"""Parse one page of a Reports API response into model values, whatever variant Clockify sent.

The sources disagree on field names and units (reports-api.md §4, the sandbox's `ShapeMode`),
so each reader accepts every documented variant and normalises it:

* entries under `timeEntries` or `timeentries`; an entry's id in `_id`, `id` or `get_id`;
* durations as whole seconds (an int, or a float/Decimal without a fraction) or ISO-8601
  (`PT2H`, `PT86H40M13S`);
* money in minor units, integer or fractional (rounded once by `money_from_report`), as plain
  `rate`/`earnedRate`/`amount`/`earnedAmount`, as `amounts[{type, value}]` or as
  `hourlyRate{amount, currency}`; a rate of 0 means "no rate applied" and becomes `None`;
* references flat (`projectId`/`projectName`, ...) or nested as the regular API has them
  (`project{id,name,clientId,clientName}`, `user{}`, `task{}`, `client{}`), tags as
  `tags[{id,name}]` or only `tagIds`; two forms of one field must agree, and a name without
  an id is refused, so a row that named a project never lands in "Without project". Names a
  row leaves out are "" here and filled in from the workspace's listings (`names.py`);
* the row `type` (REGULAR when absent; BREAK, HOLIDAY, TIME_OFF), an unknown one refused;
* expenses from `/reports/expenses/detailed` (flat `userId`, `categoryName`, `notes`,
  `invoicingInfo`) or the guide's `/reports/expenses` (nested `user`/`project`, `category`,
  `description`, `invoiced`), with `expensesCount` or `expenseCount`.

Empty ids (`""`) mean "no project/client/task" and become `None`. Running entries (no `end`)
are counted on the page but not returned. A row missing a field or carrying a wrong type raises
`ClockifyResponseError` naming its path (`timeEntries[3].timeInterval.duration`), never a
`KeyError`. Rows without their own currency take `currency_fallback` (the workspace's).
Pass JSON parsed with `parse_float=Decimal` where possible; floats are read by their `repr`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from addon.clockify.errors import ClockifyResponseError
from addon.reports.model import EntryType, Expense, Ref, TimeEntry
from addon.reports.money import Money, money_from_report

__all__ = [
    "DetailedPage",
    "ExpensePage",
    "parse_detailed_page",
    "parse_expense_page",
    "parse_iso_duration",
]

Row = Mapping[str, object]
Number = int | float | Decimal
T = TypeVar("T")

_ID_KEYS = ("_id", "id", "get_id")
_ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?)?")


@dataclass(frozen=True, slots=True)
class DetailedPage:
    """Finished entries of one detailed-report page; `count` is its rows, running ones included.

    Paginate on `count`, not on `len(entries)`: a full page may hold a running entry.
    """

    entries: tuple[TimeEntry, ...]
    count: int


@dataclass(frozen=True, slots=True)
class ExpensePage:
    """Expenses of one expense-report page, and the report's totals when it gave them.

    `total` is the report's expense count; `total_amount` its `totalAmount` in minor units,
    rounded once. Clockify adds every currency up into that one number, so it names none.
    """

    entries: tuple[Expense, ...]
    count: int
    total: int | None
    total_amount: int | None = None


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


def parse_expense_page(raw: object, *, currency_fallback: str) -> ExpensePage:
    """Expenses of a `/reports/expenses/detailed` or `/reports/expenses` page."""
    body = _object(raw, "$")
    rows = _array(body.get("expenses"), "expenses")
    entries = tuple(
        _expense(_object(item, f"expenses[{i}]"), f"expenses[{i}]", currency_fallback)
        for i, item in enumerate(rows)
    )
    total: int | None = None
    amount: int | None = None
    totals = body.get("totals")
    if isinstance(totals, list):  # tolerate the time reports' list form
        totals = totals[0] if totals else None
    if totals is not None:
        counts = _object(totals, "totals")
        for name in ("expensesCount", "expenseCount"):
            if counts.get(name) is not None:
                total = _count(counts[name], f"totals.{name}")
                break
        if counts.get("totalAmount") is not None:
            amount = _money(counts["totalAmount"], currency_fallback, "totals.totalAmount").minor
    return ExpensePage(entries, len(rows), total, amount)


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


def _invoiced(row: Row, path: str) -> bool:
    """`invoiced` (the guide's rows) or `invoicingInfo` (Clockify.Net's); absent means no."""
    invoiced = _flag(row, "invoiced", path, default=False)
    if row.get("invoicingInfo") is not None:
        info = _object(row["invoicingInfo"], f"{path}.invoicingInfo")
        manual = _flag(info, "manuallyInvoiced", f"{path}.invoicingInfo", default=False)
        invoiced = invoiced or manual or info.get("invoiceId") not in (None, "")
    return invoiced


def _expense(row: Row, path: str, fallback: str) -> Expense:
    currency = _currency(row.get("currency"), f"{path}.currency", fallback)
    category = row.get("categoryName", row.get("category"))
    if isinstance(category, Mapping):
        category = category.get("name")
    invoiced = _invoiced(row, path)
    notes = row.get("notes", row.get("description"))
    project, client = _project_and_client(row, path)
    return _build(
        path,
        lambda: Expense(
            id=_id(row, path),
            date=_day(row.get("date"), f"{path}.date"),
            user=_required_ref(row, "user", path),
            project=project,
            client=client,
            category=_text(category, f"{path}.categoryName"),
            amount=_money(row.get("amount"), currency, f"{path}.amount"),
            billable=_flag(row, "billable", path),
            invoiced=invoiced,
            notes="" if notes is None else _text(notes, f"{path}.notes"),
        ),
    )


def _build(path: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except ValueError as exc:  # the model's own checks (ReportError is a ValueError)
        raise ClockifyResponseError(f"{path}: {exc}") from None


# -- fields -----------------------------------------------------------------------------------


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


def _ref(row: Row, name: str, path: str) -> Ref | None:
    """The `name` object of a row, from `{name}: {id, name}` and/or flat `{name}Id`/`{name}Name`.

    Both forms may be present (regular-API-style rows next to the report spec's); they must then
    name the same object. A form that says "none" (`""`, null) against one naming an object is a
    disagreement too: picking either would silently move the row into or out of "Without ...".
    """
    return _agree(path, name, [_nested(row, name, path), _flat(row, name, path)])


def _required_ref(row: Row, name: str, path: str) -> Ref:
    ref = _ref(row, name, path)
    if ref is None:
        raise ClockifyResponseError(f"{path}.{name}Id: missing.")
    return ref


def _project_and_client(row: Row, path: str) -> tuple[Ref | None, Ref | None]:
    """A row's project, and its client from flat, nested `client` or the nested project's fields.

    Regular-API-style rows carry the client inside the project (`project.clientId`); every form
    present must agree.
    """
    project = _ref(row, "project", path)
    forms = [_nested(row, "client", path), _flat(row, "client", path)]
    nested = row.get("project")
    if isinstance(nested, Mapping) and ("clientId" in nested or "clientName" in nested):
        where = f"{path}.project"
        forms.append(
            _form(nested.get("clientId"), nested.get("clientName"), where, "clientId", "clientName")
        )
    return project, _agree(path, "client", forms)


# One form of a reference as (id path, the object or None for "names nothing", name path);
# a form the row does not carry at all is None.
_Reading = tuple[str, Ref | None, str]
_Form = _Reading | None


def _nested(row: Row, name: str, path: str) -> _Form:
    if name not in row:
        return None
    where = f"{path}.{name}"
    if row[name] is None:
        return (f"{where}.id", None, f"{where}.name")
    nested = _object(row[name], where)
    return _form(nested.get("id"), nested.get("name"), where, "id", "name")


def _flat(row: Row, name: str, path: str) -> _Form:
    id_key, name_key = f"{name}Id", f"{name}Name"
    if id_key not in row and name_key not in row:
        return None
    return _form(row.get(id_key), row.get(name_key), path, id_key, name_key)


def _form(ref_id: object, ref_name: object, path: str, id_key: str, name_key: str) -> _Reading:
    """One form's reading; a name without an id is refused, never read as "no object"."""
    id_path, name_path = f"{path}.{id_key}", f"{path}.{name_key}"
    name = "" if ref_name is None else _text(ref_name, name_path)
    if ref_id is None or ref_id == "":
        if name:
            raise ClockifyResponseError(f"{id_path}: missing, but {name_key} names an object.")
        return (id_path, None, name_path)
    return (id_path, Ref(_text(ref_id, id_path), name), name_path)


def _agree(path: str, name: str, forms: Sequence[_Form]) -> Ref | None:
    """The one object every present form names (names may be missing from some forms)."""
    present = [form for form in forms if form is not None]
    if not present:
        return None
    first_path, found, first_name_path = present[0]
    for id_path, ref, name_path in present[1:]:
        if (ref is None) != (found is None) or (ref and found and ref.id != found.id):
            shown = "none" if ref is None else repr(ref.id)
            other = "none" if found is None else repr(found.id)
            raise ClockifyResponseError(
                f"{id_path}: {shown:.40} disagrees with {first_path} ({other:.40})."
            )
        if ref and found and ref.name and found.name and ref.name != found.name:
            raise ClockifyResponseError(  # names are user data: the paths say enough
                f"{name_path}: the name disagrees with {first_name_path}."
            )
        if ref and found and not found.name:
            found = ref
    return found


def _tags(row: Row, path: str) -> tuple[Ref, ...]:
    """`tags[{id, name}]`, or only `tagIds` (names come later from the tag listing).

    With both, they must hold the same ids: a tag in one list only would be kept or dropped
    depending on which list we happened to read.
    """
    tags: list[Ref] = []
    if row.get("tags") is not None:
        where = f"{path}.tags"
        for i, item in enumerate(_array(row["tags"], where)):
            item_row = _object(item, f"{where}[{i}]")
            _, tag, _ = _form(
                item_row.get("id"), item_row.get("name"), f"{where}[{i}]", "id", "name"
            )
            if tag is None:
                raise ClockifyResponseError(f"{where}[{i}].id: missing.")
            tags.append(tag)
    if row.get("tagIds") is None:
        return tuple(tags)
    where = f"{path}.tagIds"
    ids = [_text(item, f"{where}[{i}]") for i, item in enumerate(_array(row["tagIds"], where))]
    if row.get("tags") is None:
        return tuple(Ref(tag_id, "") for tag_id in ids if tag_id)
    if set(ids) != {tag.id for tag in tags}:
        raise ClockifyResponseError(f"{where}: holds other ids than {path}.tags.")
    return tuple(tags)


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
