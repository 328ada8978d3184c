"""What a report says about itself beside its tables: the Clockify check and left-out entries.

Every format prints the same sentences from here, so the line under a PDF and the row under a
CSV read alike. A report without a check (one stored before checks existed, or built without
Clockify) gets no line at all: an invented or zero line would claim a check that never ran.

The short line names entries, time and expenses, which fit a page footer; the full line adds
billable time and the amount per currency, for layouts with room (a CSV row, a sheet).
"""

from __future__ import annotations

from decimal import Decimal

from addon.render.i18n import Formatter
from addon.render.tables import Cell, Kind, money_cell
from addon.reports.model import ClockifyCheck, Invoice
from addon.reports.money import Money

__all__ = ["check_pairs", "check_text", "left_out_text"]


def _hours(fmt: Formatter, seconds: int) -> str:
    return fmt.label("hours_value", duration=fmt.duration(seconds))


def _amounts(fmt: Formatter, amounts: tuple[Money, ...]) -> str:
    return " / ".join(fmt.money(amount) for amount in amounts)  # commas already part figures


def check_text(check: ClockifyCheck | None, fmt: Formatter, *, full: bool = False) -> str:
    """ "Checked against Clockify: 2,345 entries, 4,368.43 h, 12 expenses"; "" without a check.

    `full` adds billable time, the amounts (one per currency) and the expense amounts.
    Durations follow the report's style (decimal or clock hours) with the language's hour sign.
    """
    if check is None:
        return ""
    figures = [fmt.count("entries", check.entries), _hours(fmt, check.duration)]
    if full:
        billable = _hours(fmt, check.billable_duration)
        figures.append(fmt.label("billable_value", duration=billable))
        if check.amounts:
            figures.append(fmt.label("amount_value", amounts=_amounts(fmt, check.amounts)))
    if check.expenses is not None:
        expenses = fmt.count("expenses", check.expenses)
        if full and check.expense_amounts:
            expenses = f"{expenses} ({_amounts(fmt, check.expense_amounts)})"
        figures.append(expenses)
    return fmt.label("check_line", figures=fmt.listing(figures))


def check_pairs(check: ClockifyCheck, fmt: Formatter) -> tuple[tuple[str, Kind, Cell], ...]:
    """The check's figures as label, kind and value (a metadata sheet): numbers stay numbers."""

    def count(value: int) -> Cell:
        return Cell(fmt.number(value, places=0), Decimal(value))

    def duration(seconds: int) -> Cell:
        return Cell(fmt.duration(seconds), seconds)

    amount, expenses = fmt.label("amount"), fmt.label("expenses")
    triples: list[tuple[str, Kind, Cell]] = [
        (fmt.label("entries"), Kind.NUMBER, count(check.entries)),
        (fmt.label("duration"), Kind.DURATION, duration(check.duration)),
        (fmt.label("billable_duration"), Kind.DURATION, duration(check.billable_duration)),
    ]
    triples.extend(
        (f"{amount} ({a.currency})", Kind.MONEY, money_cell(fmt, a)) for a in check.amounts
    )
    if check.expenses is not None:
        triples.append((expenses, Kind.NUMBER, count(check.expenses)))
        triples.extend(
            (f"{expenses} ({a.currency})", Kind.MONEY, money_cell(fmt, a))
            for a in check.expense_amounts
        )
    return tuple(triples)


def left_out_text(invoice: Invoice, fmt: Formatter) -> str:
    """ "3 breaks, holidays or time-off entries were not billed."; "" when none were left out.

    Said on the invoice because its hours are fewer than the client's tracked time in Clockify,
    and the reader should learn why from the invoice, not from a support ticket.
    """
    if invoice.non_work_left_out <= 0:
        return ""
    return fmt.count("left_out", invoice.non_work_left_out)
