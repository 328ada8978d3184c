"""Bar chart data for a summary's outer grouping, and an inline SVG drawing of it.

The data (`chart_bars`) is pure, so every format charts the same bars. The SVG has no script,
no external reference and no style attribute (CSP-safe in the sidebar): text uses
`currentColor`, so it follows the surrounding theme, and bars use one mid-tone blue that reads on
both light and dark backgrounds. Email clients that drop SVG get the HTML bar table instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Literal

from addon.render.i18n import Formatter
from addon.render.summary_tables import dimension_label, group_label
from addon.reports.model import Summary
from addon.reports.money import Money

__all__ = ["Bar", "chart_bars", "chart_title", "svg_bar_chart"]

BAR_COLOUR = "#3b82c4"
"""Mid-tone blue: WCAG non-text contrast >= 3:1 on white and on #1e1e1e."""

_CAPITALISED_IN_TITLES = frozenset({"en", "de"})

_WIDTH = 640
_LABEL_WIDTH = 220
_VALUE_WIDTH = 110
_ROW = 26
_LABEL_CHARS = 30
_ENGLISH = Formatter("en")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a group's label, its seconds and its amounts (one per currency, by code).

    `folded` counts the groups merged into this bar when it is the "other" bar, else 0.
    """

    label: str
    seconds: int
    amounts: tuple[Money, ...]
    folded: int = 0


def _merge(amounts: list[Money]) -> tuple[Money, ...]:
    by_code: dict[str, int] = {}
    for amount in amounts:
        by_code[amount.currency] = by_code.get(amount.currency, 0) + amount.minor
    return tuple(Money(minor, code) for code, minor in sorted(by_code.items()))


def chart_bars(
    summary: Summary, *, limit: int = 12, fmt: Formatter | None = None
) -> tuple[Bar, ...]:
    """Bars for the outer grouping, longest first; past `limit` the rest fold into one bar.

    Labels are localised when `fmt` is given ("Ohne Projekt"), else the model's names and
    English. The folded bar reads "Other (N)" ("Sonstige (N)"), N being the groups it holds, so a
    reader sees both that it is a remainder and how big. Folding adds the groups'
    already-rounded totals, which is exact for outer groups: each entry is in one of them
    (TAG rows may overlap, and then so do their bars, as in Clockify's own chart).
    """
    if limit < 2:
        raise ValueError("A chart needs a limit of at least 2 bars (one of them 'other').")
    rows = sorted(summary.rows, key=lambda row: -row.totals.duration)
    bars = [
        Bar(group_label(row, fmt) if fmt else row.key.name, row.totals.duration, row.totals.amounts)
        for row in rows
    ]
    if len(bars) <= limit:
        return tuple(bars)
    kept, rest = bars[: limit - 1], bars[limit - 1 :]
    words = fmt or _ENGLISH
    other = Bar(
        words.label("other", count=words.number(len(rest), places=0)),
        sum(bar.seconds for bar in rest),
        _merge([amount for bar in rest for amount in bar.amounts]),
        folded=len(rest),
    )
    return (*kept, other)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def _clip(label: str) -> str:
    """One printable line: control characters (invalid in XML 1.0) become spaces."""
    label = _CONTROLS.sub(" ", label)
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "\u2026"


def _measure(
    bars: tuple[Bar, ...], fmt: Formatter, measure: str, currency: str | None
) -> list[tuple[int, str]]:
    """(size for the bar length, printed value) per bar; sizes are seconds or minor units."""
    if measure == "hours":
        return [(bar.seconds, fmt.duration(bar.seconds)) for bar in bars]
    sizes = []
    for bar in bars:
        amount = next((a for a in bar.amounts if a.currency == currency), None)
        sizes.append((amount.minor, fmt.money(amount)) if amount else (0, ""))
    return sizes


def svg_bar_chart(
    bars: tuple[Bar, ...],
    fmt: Formatter,
    measure: Literal["hours", "amount"] = "hours",
    *,
    currency: str | None = None,
    title: str = "",
) -> str:
    """Horizontal bars as an inline `<svg>`; every label is XML-escaped.

    For `amount`, bars show `currency` (default: the first currency any bar has); a chart mixes
    no currencies. `title` (see `chart_title`) is the accessible name.
    """
    if measure == "amount" and currency is None:
        currency = next((a.currency for bar in bars for a in bar.amounts), None)
    values = _measure(bars, fmt, measure, currency)
    largest = max((size for size, _ in values), default=0)
    span = _WIDTH - _LABEL_WIDTH - _VALUE_WIDTH
    title = title or fmt.label("hours" if measure == "hours" else "amount")
    height = _ROW * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (bar, (size, text)) in enumerate(zip(bars, values, strict=True)):
        y = index * _ROW + 2
        length = round(span * max(size, 0) / largest) if largest > 0 else 0
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="currentColor" '
            f'font-size="13">{escape(_clip(bar.label))}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{_ROW - 8}" '
            f'rx="2" fill="{BAR_COLOUR}"/>'
            f'<text x="{_LABEL_WIDTH + length + 6}" y="{y + 17}" fill="currentColor" '
            f'font-size="12">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def chart_title(summary: Summary, fmt: Formatter, measure: str = "hours") -> str:
    """The chart's heading: "Hours by Project", "Stunden nach Projekt", "Heures par projet".

    English headings capitalise the dimension and German capitalises every noun; the other
    languages write it in lower case inside a phrase ("Ore per progetto", not "per Progetto").
    """
    dimension = dimension_label(summary.groups[0], fmt) if summary.groups else ""
    if fmt.language not in _CAPITALISED_IN_TITLES:
        dimension = dimension.lower()
    return fmt.label("chart_hours" if measure == "hours" else "chart_amount", dimension=dimension)
