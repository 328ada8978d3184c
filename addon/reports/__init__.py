"""The pure report core: summaries and invoices from tracked time, in exact money.

Values in, values out: no I/O, no clock, no environment, and no import from the rest of `addon`
(this is the bottom layer). The Clockify client parses responses into `model` types; renderers
read `Summary` and `Invoice`. Modules, bottom up:

    errors     ReportError and its subclasses (messages safe to show)
    money      Money, currency exponents, round_ratio (the rounding rule), RoundingRule
    periods    DateRange, utc_bounds, split_range, week/month keys in an IANA zone
    terms      InvoiceTerms and its parts: time rounding, grouping, discount, taxes
    model      TimeEntry, Expense, Summary, LineItem, Invoice ...
    rates      RateBook, resolve_rate, rate_lookup (Clockify's rate hierarchy)
    rounding   round_seconds, seconds_rounder, allocate
    summary_rows  sum_rows: a summary's rows and exact sums (the engine of build_summary)
    aggregate  EntryFilter, filter_entries, build_summary
    lines      PricedEntry, build_lines
    invoice    plan_invoices, build_invoice
    numbering  parse_pattern, counter_scope, next_sequence, format_invoice_number
"""

from addon.reports.aggregate import EntryFilter, build_summary, filter_entries, filter_expenses
from addon.reports.errors import ReportError
from addon.reports.invoice import InvoiceBatch, InvoicePlan, build_invoice, plan_invoices
from addon.reports.model import (
    Expense,
    GroupBy,
    Invoice,
    LineItem,
    LineKind,
    Party,
    RateSource,
    Ref,
    Summary,
    SummaryRow,
    TaxAmount,
    TimeEntry,
    Totals,
)
from addon.reports.money import Money, RoundingRule, money_from_report
from addon.reports.numbering import (
    CounterScope,
    NumberingSettings,
    counter_scope,
    format_invoice_number,
    next_sequence,
)
from addon.reports.periods import DateRange, SplitUnit, Weekday, split_range, utc_bounds
from addon.reports.rates import RateBook, resolve_rate
from addon.reports.terms import (
    FixedDiscount,
    InvoiceTerms,
    LineGrouping,
    PercentDiscount,
    RoundingDirection,
    Tax,
    TaxApplication,
    TaxMode,
    TimeRounding,
    TimeRoundingScope,
)

__all__ = [
    "CounterScope",
    "DateRange",
    "EntryFilter",
    "Expense",
    "FixedDiscount",
    "GroupBy",
    "Invoice",
    "InvoiceBatch",
    "InvoicePlan",
    "InvoiceTerms",
    "LineGrouping",
    "LineItem",
    "LineKind",
    "Money",
    "NumberingSettings",
    "Party",
    "PercentDiscount",
    "RateBook",
    "RateSource",
    "Ref",
    "ReportError",
    "RoundingDirection",
    "RoundingRule",
    "SplitUnit",
    "Summary",
    "SummaryRow",
    "Tax",
    "TaxAmount",
    "TaxApplication",
    "TaxMode",
    "TimeEntry",
    "TimeRounding",
    "TimeRoundingScope",
    "Totals",
    "Weekday",
    "build_invoice",
    "build_summary",
    "counter_scope",
    "filter_entries",
    "filter_expenses",
    "format_invoice_number",
    "money_from_report",
    "next_sequence",
    "plan_invoices",
    "resolve_rate",
    "split_range",
    "utc_bounds",
]
