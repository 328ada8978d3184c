"""Chart data folds long tails; the SVG is inert, escaped and theme-friendly."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from addon.render.chart import Bar, chart_bars, chart_title, svg_bar_chart
from addon.render.i18n import Formatter
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy, Ref
from addon.reports.money import Money
from tests.unit.reports.builders import make_entry, usd

from .samples import HOSTILE_NAMES, hostile_summary, sample_summary

EN = Formatter("en")
SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314  # our own output, parsed to check it


def test_bars_follow_outer_groups_longest_first_with_model_totals() -> None:
    summary = sample_summary()

    bars = chart_bars(summary, fmt=EN)

    assert [bar.label for bar in bars] == ["Website", "App", "Without project"]
    assert sum(bar.seconds for bar in bars) == summary.totals.duration
    assert bars[0].amounts == summary.rows[1].totals.amounts


@pytest.mark.parametrize(
    ("locale", "hours", "without"),
    [
        ("en", "Hours by Project", "Without project"),
        ("de_DE", "Stunden nach Projekt", "Ohne Projekt"),
        ("fr_FR", "Heures par projet", "Sans projet"),
        ("es_ES", "Horas por proyecto", "Sin proyecto"),
        ("it_IT", "Ore per progetto", "Senza progetto"),
        ("nl_NL", "Uren per project", "Zonder project"),
        ("pt_BR", "Horas por projeto", "Sem projeto"),
        ("ja_JP", "プロジェクト別の時間", "プロジェクトなし"),
    ],
)
def test_chart_title_and_empty_group_read_naturally_in_each_language(
    locale: str, hours: str, without: str
) -> None:
    fmt = Formatter(locale)
    summary = sample_summary()

    bars = chart_bars(summary, fmt=fmt)

    assert chart_title(summary, fmt) == hours
    assert bars[-1].label == without


def test_groups_past_the_limit_fold_into_one_other_bar() -> None:
    entries = [
        make_entry(
            id=str(i), seconds=60 * (i + 1), rate=usd("60.00"), project=Ref(f"p{i}", f"P{i}")
        )
        for i in range(20)
    ]
    summary = build_summary(entries, [GroupBy.PROJECT])

    bars = chart_bars(summary, limit=5)

    assert len(bars) == 5
    assert (bars[-1].label, bars[-1].folded) == ("Other (16)", 16)
    assert sum(bar.seconds for bar in bars) == summary.totals.duration
    assert sum(bar.amounts[0].minor for bar in bars) == summary.totals.amounts[0].minor


def test_the_other_bar_is_named_in_the_report_language() -> None:
    entries = [
        make_entry(id=str(i), seconds=60 * (i + 1), project=Ref(f"p{i}", f"P{i}"))
        for i in range(1_005)
    ]
    summary = build_summary(entries, [GroupBy.PROJECT])

    de = chart_bars(summary, limit=5, fmt=Formatter("de_DE"))
    fr = chart_bars(summary, limit=5, fmt=Formatter("fr_FR"))

    assert de[-1].label == "Sonstige (1.001)"
    assert fr[-1].label == "Autres (1\u202f001)"
    svg = svg_bar_chart(de, Formatter("de_DE"))
    assert "Sonstige (1.001)" in [node.text for node in _parse(svg).iter(f"{SVG}text")]


def test_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        chart_bars(sample_summary(), limit=1)


def test_svg_escapes_labels_and_has_no_script_or_external_reference() -> None:
    summary = hostile_summary()

    svg = svg_bar_chart(chart_bars(summary, limit=20), EN, title=chart_title(summary, EN))

    root = _parse(svg)  # well-formed XML despite the names
    texts = [node.text for node in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts
    assert not list(root.iter(f"{SVG}script"))
    assert "href" not in svg and "style=" not in svg
    assert 'fill="currentColor"' in svg
    assert {name.replace("\t", " ").replace("\r", " ") for name in HOSTILE_NAMES} <= set(texts)


def test_control_characters_cannot_break_the_svg() -> None:
    svg = svg_bar_chart((Bar("a\x00b\x1bc", 60, ()),), EN)

    assert next(node.text for node in _parse(svg).iter(f"{SVG}text")) == "a b c"


def test_amount_chart_uses_one_currency_and_money_formatting() -> None:
    bars = (
        Bar("A", 3600, (Money(1000, "EUR"), Money(5000, "USD"))),
        Bar("B", 7200, (Money(9000, "USD"),)),
    )

    svg = svg_bar_chart(bars, Formatter("de_DE"), "amount", currency="USD")

    assert "50,00\xa0$" in svg and "90,00\xa0$" in svg
    assert "€" not in svg


def test_long_labels_are_clipped_and_empty_chart_is_valid() -> None:
    svg = svg_bar_chart((Bar("x" * 80, 60, ()),), EN)

    assert "x" * 29 + "\u2026" in svg
    assert _parse(svg_bar_chart((), EN)).tag == f"{SVG}svg"
