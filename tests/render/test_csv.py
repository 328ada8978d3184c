"""CSV reads back to the model's figures and never hands a spreadsheet a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from addon.render.csvfile import (
    BOM,
    entries_csv,
    invoice_csv,
    neutralise,
    summary_csv,
    write_entries_csv,
    write_table_csv,
)
from addon.render.detailed_table import detailed_table
from addon.render.i18n import Formatter

from .samples import (
    FORMULA_PREFIXES,
    HOSTILE_NAMES,
    hostile_entries,
    hostile_summary,
    make_invoice,
    many_entries,
    sample_summary,
)

EN = Formatter("en")


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_summary_csv_totals_match_the_model_in_raw_columns() -> None:
    summary = sample_summary()

    records = _read(summary_csv(summary, EN))

    total = records[-1]
    assert total["Project"] == "Total"
    assert int(total["duration_seconds"]) == summary.totals.duration
    assert Decimal(total["duration_hours"]) == EN.hours(summary.totals.duration)
    assert [Decimal(total[f"amount:{a.currency}"]) for a in summary.totals.amounts] == [
        a.to_major() for a in summary.totals.amounts
    ]
    assert total["amount:USD_currency"] == "USD"
    assert total["Amount (USD)"] == "$520.56"


def test_summary_csv_repeats_the_parent_name_on_child_rows() -> None:
    records = _read(summary_csv(sample_summary(), EN))

    assert [(r["Project"], r["User"]) for r in records[:3]] == [
        ("App", ""),
        ("App", "Ann"),
        ("Website", ""),
    ]


def test_german_csv_has_german_labels_and_numbers_but_raw_decimal_points() -> None:
    summary = sample_summary()

    records = _read(summary_csv(summary, Formatter("de_DE")))

    total = records[-1]
    assert total["Projekt"] == "Gesamt"
    assert total["Betrag (USD)"] == "520,56\xa0$"
    assert total["amount:USD"] == "520.56"
    assert total["Dauer"] == "4,75"


def test_bom_is_written_only_on_request() -> None:
    assert summary_csv(sample_summary(), EN, bom=True).startswith(BOM)
    assert not summary_csv(sample_summary(), EN).startswith(BOM)


def test_invoice_csv_lines_and_totals_match_the_invoice() -> None:
    invoice = make_invoice()

    records = _read(invoice_csv(invoice, Formatter("fr_FR")))

    lines = [r for r in records if r["section"] == "line"]
    totals = {r["Description"]: r for r in records if r["section"] == "total"}
    assert [Decimal(r["amount"]) for r in lines] == [
        line.amount.to_major() for line in invoice.lines
    ]
    assert [Decimal(r["quantity"]) for r in lines] == [line.quantity for line in invoice.lines]
    assert Decimal(totals["Total"]["amount"]) == invoice.total.to_major()
    assert Decimal(totals["Sous-total"]["amount"]) == invoice.subtotal.to_major()
    assert Decimal(totals["Remise (10\xa0%)"]["amount"]) == -invoice.discount.to_major()
    assert lines[0]["date"] == "" or lines[0]["date"][4] == "-"


def test_hostile_text_is_neutralised_but_negative_numbers_stay_numbers() -> None:
    text = entries_csv(hostile_entries(), EN)

    records = _read(text)
    for record, name in zip(records, HOSTILE_NAMES, strict=True):
        expected = "'" + name if name.startswith(FORMULA_PREFIXES) else name
        assert record["Description"] == expected
        assert record["Project"] == expected
    negative = next(r for r in records if r["Description"] == "'-2")
    assert negative["rate"] == "-10.00"
    assert negative["Rate"] == "'-$10.00"
    for record in records:
        for key, value in record.items():
            assert not value.startswith(FORMULA_PREFIXES) or key in {"rate", "amount"}, key


def test_hostile_summary_names_are_neutralised() -> None:
    records = _read(summary_csv(hostile_summary(), EN))

    names = {r["Project"] for r in records} | {r["Tag"] for r in records}
    assert '\'=HYPERLINK("http://x","y")' in names
    assert "<script>alert(1)</script>" in names
    assert not any(name.startswith(FORMULA_PREFIXES) for name in names)


def test_neutralise_leaves_ordinary_text_alone() -> None:
    assert neutralise("Design") == "Design"
    assert neutralise("@home") == "'@home"
    assert neutralise("") == ""


def test_detailed_csv_streams_to_a_text_stream() -> None:
    out = io.StringIO(newline="")

    write_entries_csv(many_entries(2_000), EN, out, zone="Europe/Berlin")

    records = _read(out.getvalue())
    assert len(records) == 2_000
    assert records[0]["date"] == "2024-05-01"
    assert records[0]["duration_seconds"] == "60"
    assert records[0]["Description"] == "Task 0 =cmd"


@pytest.mark.parametrize(
    "locale", ["en", "de_DE", "fr_FR", "es", "it", "nl", "pt", "ja", "de_CH", "en_IN"]
)
def test_streamed_entries_csv_is_byte_identical_to_the_table_csv(locale: str) -> None:
    fmt = Formatter(locale)
    entries = [*hostile_entries(), *many_entries(1_500)]
    table_out = io.StringIO(newline="")

    write_table_csv(detailed_table(entries, fmt, zone="Europe/Berlin"), fmt, table_out, bom=True)
    streamed = entries_csv(iter(entries), fmt, zone="Europe/Berlin", bom=True)

    assert streamed == table_out.getvalue()
