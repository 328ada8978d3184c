"""The shared tabular view: every figure comes from the model, formatted by the Formatter."""

from __future__ import annotations

import types
from decimal import Decimal

from addon.render.detailed_table import detailed_table
from addon.render.i18n import Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
from addon.render.summary_tables import summary_currency_totals, summary_table
from addon.render.tables import Kind
from addon.reports.model import GroupBy

from .samples import (
    make_invoice,
    many_entries,
    per_invoice_rounding_invoice,
    sample_entries,
    sample_summary,
)

EN = Formatter("en")


def test_summary_rows_are_depth_first_with_parents_marked_as_subtotals() -> None:
    summary = sample_summary()

    table = summary_table(summary, EN)
    rows = list(table.rows)

    assert [(row.cells[0].text, row.depth, row.subtotal) for row in rows] == [
        ("App", 0, True),
        ("Ann", 1, False),
        ("Website", 0, True),
        ("Ann", 1, False),
        ("Bob", 1, False),
        ("Without project", 0, True),
        ("Bob", 1, False),
    ]
    assert table.levels == ("Project", "User")
    assert table.columns[0].label == "Project / User"


def test_summary_has_one_money_column_per_currency_holding_model_amounts() -> None:
    summary = sample_summary()

    table = summary_table(summary, EN)

    money = [column for column in table.columns if column.kind is Kind.MONEY]
    assert [column.key for column in money] == ["amount:EUR", "amount:USD"]
    (footer,) = table.footer
    assert [cell.value for cell in footer.cells[4:]] == [
        amount.to_major() for amount in summary.totals.amounts
    ]
    assert footer.cells[1].value == summary.totals.duration
    assert footer.cells[4].text == "€95.50"


def test_group_without_an_amount_in_a_currency_has_an_empty_cell() -> None:
    table = summary_table(sample_summary((GroupBy.PROJECT,)), EN)

    app = next(iter(table.rows))

    assert app.cells[0].text == "App"
    assert (app.cells[5].text, app.cells[5].value, app.cells[5].currency) == ("", None, "USD")


def test_without_labels_and_dates_follow_the_report_language() -> None:
    de = summary_table(sample_summary((GroupBy.PROJECT, GroupBy.DATE)), Formatter("de_DE"))
    fr = summary_table(sample_summary((GroupBy.PROJECT,)), Formatter("fr_FR"))

    de_names = [row.cells[0].text for row in de.rows]
    assert "Ohne Projekt" in de_names
    assert "01.05.2024" in de_names
    assert [row.cells[0].text for row in fr.rows][-1] == "Sans projet"
    assert de.columns[1].label == "Dauer"


def test_currency_totals_table_lists_each_currency_once() -> None:
    summary = sample_summary()

    table = summary_currency_totals(summary, Formatter("de_DE"))

    assert [(row.cells[0].text, row.cells[1].text) for row in table.rows] == [
        ("EUR", "95,50\xa0€"),
        ("USD", "520,56\xa0$"),
    ]


def test_invoice_lines_carry_quantity_price_and_amount_from_the_model() -> None:
    invoice = make_invoice()

    table = invoice_lines_table(invoice, EN)
    rows = list(table.rows)

    assert len(rows) == len(invoice.lines)
    for row, line in zip(rows, invoice.lines, strict=True):
        assert row.cells[0].text == line.description
        assert row.cells[2].value == line.quantity
        assert row.cells[4].value == line.amount.to_major()


def test_invoice_totals_add_up_to_the_total() -> None:
    invoice = make_invoice()

    pairs = invoice_totals(invoice, EN)

    labels = [label for label, _ in pairs]
    assert labels == ["Subtotal", "Discount (10%)", "GST (5%)", "QST (9.975%)", "Total"]
    values = [cell.value for _, cell in pairs]
    assert isinstance(values[0], Decimal)
    assert sum(v for v in values[:-1] if isinstance(v, Decimal)) == invoice.total.to_major()
    assert pairs[-1][1].text == EN.money(invoice.total)


def test_rounding_adjustment_prints_only_when_nonzero() -> None:
    invoice = per_invoice_rounding_invoice()

    pairs = dict(invoice_totals(invoice, EN))

    assert invoice.rounding_adjustment.minor != 0
    assert pairs["Rounding adjustment"].value == invoice.rounding_adjustment.to_major()
    assert "Rounding adjustment" not in dict(invoice_totals(make_invoice(), EN))


def test_detailed_rows_are_a_lazy_generator() -> None:
    table = detailed_table(many_entries(100_000), EN)

    assert isinstance(table.rows, types.GeneratorType)
    first = next(iter(table.rows))
    assert first.cells[8].value == 60
    assert first.cells[10].text == "$2.00"


def test_detailed_row_shows_entry_fields() -> None:
    entry = sample_entries()[3]

    (row,) = detailed_table([entry], Formatter("fr_FR"), zone="Europe/Paris").rows

    assert row.cells[0].text == "1 mai 2024"
    assert row.cells[2].text == ""
    assert row.cells[7].text == "Non"
    assert row.cells[8].value == 900


def test_billable_column_says_yes_or_no_in_the_report_language() -> None:
    entries = sample_entries()

    rows = list(detailed_table(entries, Formatter("de_DE")).rows)

    assert [row.cells[7].text for row in rows] == ["Ja", "Ja", "Ja", "Nein"]


def test_month_groups_print_the_month_name_in_the_report_language() -> None:
    summary = sample_summary((GroupBy.MONTH, GroupBy.PROJECT))

    names = {
        locale: [row.cells[0].text for row in summary_table(summary, Formatter(locale)).rows]
        for locale in ("en", "de_DE", "fr_FR")
    }

    assert names["en"][0] == "May 2024"
    assert names["de_DE"][0] == "Mai 2024"
    assert names["fr_FR"][0] == "mai 2024"
    assert "2024-05" not in names["en"]
