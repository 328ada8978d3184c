"""The invoice as a table of lines and a list of labelled totals, as every format prints them.

Separate from the summary and detailed tables because an invoice has its own columns
(description, date, quantity, unit price, amount) and its totals are labelled pairs, not rows:
subtotal, rounding, discount, each tax, total, in the order they reconcile.
"""

from __future__ import annotations

from addon.render.i18n import Formatter
from addon.render.tables import (
    EMPTY,
    Cell,
    Column,
    Kind,
    Row,
    Table,
    _date_cell,
    _text,
    money_cell,
)
from addon.reports.model import Invoice
from addon.reports.terms import PercentDiscount

__all__ = ["invoice_lines_table", "invoice_totals"]


def invoice_lines_table(invoice: Invoice, fmt: Formatter) -> Table:
    """The invoice's lines as printed: description, date, quantity (hours), unit price, amount."""
    columns = (
        Column("description", fmt.label("description"), Kind.TEXT),
        Column("date", fmt.label("date"), Kind.DATE),
        Column("quantity", fmt.label("quantity"), Kind.NUMBER),
        Column("unit_price", fmt.label("unit_price"), Kind.MONEY),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )
    rows = tuple(
        Row(
            (
                _text(line.description),
                _date_cell(fmt, line.date) if line.date else EMPTY,
                Cell(fmt.number(line.quantity), line.quantity),
                money_cell(fmt, line.unit_price),
                money_cell(fmt, line.amount),
            )
        )
        for line in invoice.lines
    )
    return Table(fmt.label("lines"), columns, rows)


def invoice_totals(invoice: Invoice, fmt: Formatter) -> tuple[tuple[str, Cell], ...]:
    """Subtotal, rounding adjustment (if any), discount, each tax with its percent, total.

    The discount prints negative, so every amount after the subtotal adds up to the total.
    """
    pairs = [(fmt.label("subtotal"), money_cell(fmt, invoice.subtotal))]
    if invoice.rounding_adjustment.minor:
        pairs.append(
            (fmt.label("rounding_adjustment"), money_cell(fmt, invoice.rounding_adjustment))
        )
    discount = invoice.terms.discount
    if discount is not None or invoice.discount.minor:
        label = fmt.label("discount")
        if isinstance(discount, PercentDiscount):
            label = f"{label} ({fmt.percent(discount.percent)})"
        pairs.append((label, money_cell(fmt, -invoice.discount)))
    for tax in invoice.taxes:
        pairs.append(
            (f"{tax.tax.name} ({fmt.percent(tax.tax.percent)})", money_cell(fmt, tax.amount))
        )
    pairs.append((fmt.label("total"), money_cell(fmt, invoice.total)))
    return tuple(pairs)
