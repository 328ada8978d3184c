"""The report model: what Clockify responses normalise into, and what reports and invoices are.

Inputs (`TimeEntry`, `Expense`) mirror one row of Clockify's detailed time and expense reports,
already parsed: ids and names side by side in `Ref`s, instants as aware UTC datetimes, durations
as integer seconds, money as `Money`. Outputs (`Summary`, `Invoice`) are frozen, self-contained
values: a renderer needs nothing else, and an issued `Invoice` never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from addon.reports.errors import InvalidEntry, shorten
from addon.reports.money import Money
from addon.reports.periods import DateRange, Weekday
from addon.reports.terms import InvoiceTerms, Tax, TaxApplication

__all__ = [
    "ClockifyCheck",
    "EntryType",
    "Expense",
    "GroupBy",
    "Invoice",
    "LineItem",
    "LineKind",
    "NonWorkTime",
    "Party",
    "RateSource",
    "Ref",
    "Summary",
    "SummaryRow",
    "SummarySource",
    "TaxAmount",
    "TimeEntry",
    "Totals",
]

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Ref:
    """A Clockify object as a report names it: its id and its display name at report time."""

    id: str
    name: str


class EntryType(StrEnum):
    """What a detailed-report row records (its `type`); a row without one is REGULAR work.

    Live rows carry `type` (real-behaviour.md §3). Breaks, holidays and time off are tracked
    time, but not work: they are never billed and are not counted as worked hours by default.
    """

    REGULAR = "REGULAR"
    BREAK = "BREAK"
    HOLIDAY = "HOLIDAY"
    TIME_OFF = "TIME_OFF"

    @property
    def is_work(self) -> bool:
        return self is EntryType.REGULAR


class NonWorkTime(StrEnum):
    """How a summary treats BREAK, HOLIDAY and TIME_OFF entries.

    SEPARATE (the default) keeps them out of the worked totals and shows them as their own
    group; INCLUDE counts them like work; EXCLUDE leaves them out of the report entirely.
    """

    SEPARATE = "SEPARATE"
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """One finished time entry from the detailed report.

    `duration` is whole seconds as Clockify reports it (it may differ from `end - start` when the
    workspace rounds time). `hourly_rate` is the rate Clockify applied (money per hour) or `None`
    when the response carried none; `earned` is Clockify's amount for the entry, already rounded
    with `money_from_report`. Running entries are not reports' business: the parser skips them.
    """

    id: str
    description: str
    user: Ref
    project: Ref | None
    client: Ref | None
    task: Ref | None
    tags: tuple[Ref, ...]
    start: datetime
    end: datetime
    duration: int
    billable: bool
    invoiced: bool
    hourly_rate: Money | None = None
    earned: Money | None = None
    type: EntryType = EntryType.REGULAR

    def __post_init__(self) -> None:
        for name, instant in (("start", self.start), ("end", self.end)):
            if instant.utcoffset() != _ZERO:
                raise InvalidEntry(f"Entry {shorten(self.id)}: {name} must be an aware UTC time.")
        if isinstance(self.duration, bool) or not isinstance(self.duration, int):
            raise InvalidEntry(f"Entry {shorten(self.id)}: duration must be whole seconds.")
        if self.duration < 0 or self.end < self.start:
            raise InvalidEntry(f"Entry {shorten(self.id)}: it cannot end before it starts.")


@dataclass(frozen=True, slots=True)
class Expense:
    """One expense from the expense report; `date` is its calendar day as Clockify shows it."""

    id: str
    date: date
    user: Ref
    project: Ref | None
    client: Ref | None
    category: str
    amount: Money
    billable: bool
    invoiced: bool
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ClockifyCheck:
    """What a report was checked against: Clockify's own totals for the same query and period.

    A report is only built once every window's rows add up to these figures (entry count, total
    and billable seconds, amount per currency; expense count and amounts when expenses were part
    of it), so printing them says "this is complete", in figures the admin can compare with
    Clockify's own reports. `expenses` is None when no expense report was fetched.
    """

    entries: int
    duration: int
    billable_duration: int
    amounts: tuple[Money, ...] = ()
    expenses: int | None = None
    expense_amounts: tuple[Money, ...] = ()


class GroupBy(StrEnum):
    """A summary grouping dimension, named as Clockify's `summaryFilter.groups` names it."""

    PROJECT = "PROJECT"
    CLIENT = "CLIENT"
    USER = "USER"
    TASK = "TASK"
    TAG = "TAG"
    DATE = "DATE"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True, slots=True)
class Totals:
    """Time and money of a set of entries.

    `duration` and `billable_duration` are seconds, `entries` a count. `amounts` holds one
    billable (earned) amount per currency, sorted by code; non-billable time earns nothing, as in
    Clockify. Each amount is rounded once from the exact sum of its entries, like Clockify's.

    `billable_duration` and `entries` are None on the rows of a summary built from Clockify's
    summary report (`SummarySource.CLOCKIFY`): its groups carry time and money, not those two.
    A summary's grand totals always have both.
    """

    duration: int
    billable_duration: int | None
    entries: int | None
    amounts: tuple[Money, ...]


class SummarySource(StrEnum):
    """Where a summary's figures come from.

    ENGINE: built by our engine from every detailed row (exact, every figure on every row).
    CLOCKIFY: Clockify's own summary report, one request per range window: the figures the admin
    sees in Clockify; its rows carry time and money but no entry count or billable time.
    """

    ENGINE = "ENGINE"
    CLOCKIFY = "CLOCKIFY"


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One group of a summary: its dimension, its key (`id` "" means "Without ..."), children."""

    group: GroupBy
    key: Ref
    totals: Totals
    children: tuple[SummaryRow, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary report: up to three nested groupings of the entries, and their grand totals.

    Grouped by TAG, an entry with several tags counts under each of them (so tag rows can add up
    to more than the total) and one without tags under "Without tag"; every other dimension puts
    each entry in exactly one row. `zone` and `week_start` say which calendar DATE, WEEK and MONTH
    keys use. `non_work` holds BREAK, HOLIDAY and TIME_OFF totals kept out of `totals` and `rows`
    (`NonWorkTime.SEPARATE`); `check` is what the fetch was checked against in Clockify;
    `source` says whose figures these are (see `SummarySource`).
    """

    groups: tuple[GroupBy, ...]
    zone: str
    week_start: Weekday
    totals: Totals
    rows: tuple[SummaryRow, ...]
    non_work: tuple[tuple[EntryType, Totals], ...] = ()
    check: ClockifyCheck | None = None
    source: SummarySource = SummarySource.ENGINE


class RateSource(StrEnum):
    """Where a line's hourly rate came from: the entry itself or a level of the rate hierarchy."""

    ENTRY = "ENTRY"
    WORKSPACE = "WORKSPACE"
    PROJECT = "PROJECT"
    MEMBER = "MEMBER"
    TASK = "TASK"
    PROJECT_MEMBER = "PROJECT_MEMBER"
    NONE = "NONE"


class LineKind(StrEnum):
    """Whether an invoice line bills time or expenses."""

    TIME = "TIME"
    EXPENSE = "EXPENSE"


@dataclass(frozen=True, slots=True)
class LineItem:
    """One printed invoice line, reconciled: `amount` is `quantity x unit_price`, rounded once.

    For time, `quantity` is billed hours with two decimals (Clockify's item quantity scale) and
    `unit_price` the hourly rate; `actual_seconds` is tracked time and `billed_seconds` the time
    after rounding, both kept so both can be shown. For an expense, `quantity` is 1 and
    `unit_price` the expense amount. `date` is set for DAY and ENTRY lines and for expenses.
    """

    kind: LineKind
    description: str
    date: date | None
    quantity: Decimal
    unit_price: Money
    amount: Money
    actual_seconds: int
    billed_seconds: int
    rate_source: RateSource | None
    taxes: TaxApplication
    entry_ids: tuple[str, ...]
    expense_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Party:
    """Who bills (the workspace) or who is billed (the client), as printed."""

    name: str
    address: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class TaxAmount:
    """One tax as printed: `amount` is `base x tax.percent / 100`, rounded per the rounding rule.

    For a compound second tax, `base` includes the first tax on the lines that carry both.
    """

    tax: Tax
    base: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class Invoice:
    """An issued invoice: an immutable snapshot holding everything needed to render it again.

    Reconciliation, true by construction and checked by property tests:
    `sum(line amounts) + rounding_adjustment == subtotal` (the adjustment is zero under
    `RoundingRule.PER_LINE`), and `subtotal - discount + sum(tax amounts) == total`.
    `actual_seconds`/`billed_seconds` are the sums over time lines; `period` is the service
    period to print, when the caller gave one. `non_work_left_out` counts the client's BREAK,
    HOLIDAY and TIME_OFF entries that were not billed; `check` is what the fetch was checked
    against (the whole query's figures, shared by every draft of one fetch). `timesheet` holds
    the billed entries when the timesheet appendix was asked for (empty: no appendix; snapshots
    stored before it existed read empty).
    """

    number: str
    issue_date: date
    due_date: date
    currency: str
    client: Ref
    bill_from: Party
    bill_to: Party
    terms: InvoiceTerms
    period: DateRange | None
    lines: tuple[LineItem, ...]
    rounding_adjustment: Money
    subtotal: Money
    discount: Money
    taxes: tuple[TaxAmount, ...]
    total: Money
    actual_seconds: int
    billed_seconds: int
    non_work_left_out: int = 0
    check: ClockifyCheck | None = None
    timesheet: tuple[TimeEntry, ...] = ()
