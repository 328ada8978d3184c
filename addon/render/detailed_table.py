"""The detailed report: one row per time entry, streamed as tuples of typed values.

Separate from the summary and invoice tables because it has its own constraints: 100,000
entries must stream through without a list, and per-cell objects and Babel calls are the cost
that matters. So a detailed row is a plain tuple of already-typed values (`DetailedRow`), and
each writer formats it with `DetailedText`, whose formatters are compiled once per locale
(`numbers.py`) and memoised (bounded LRU caches, since entries repeat rates, days and
durations). `detailed_table` still offers the rows as a `Table` of `Cell`s for the page-based
renderers (HTML, the capped PDF), built from the same tuples and the same texts.

Entries each carry their own currency, so the table has one amount column and the cell's
`currency`, not a column per currency as summaries do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

from addon.render.i18n import Formatter
from addon.render.tables import EMPTY, Cell, Column, Kind, Row, Table
from addon.reports.model import Ref, TimeEntry
from addon.reports.money import Money
from addon.reports.periods import load_zone

__all__ = [
    "DetailedRow",
    "DetailedText",
    "detailed_columns",
    "detailed_rows",
    "detailed_table",
    "tag_names",
]

DetailedRow = tuple[date, str, str, str, str, str, str, bool, int, Money | None, Money | None]
"""Day (in the report's zone), user, project, client, task, description, tags (joined with
", "), billable, duration in seconds, hourly rate and amount (or None): the columns in order."""

_TEXT_KEYS = ("user", "project", "client", "task", "description", "tags", "billable")


def detailed_columns(fmt: Formatter) -> tuple[Column, ...]:
    """The columns of a detailed row, labelled in the report's language."""
    return (
        Column("date", fmt.label("date"), Kind.DATE),
        *(Column(key, fmt.label(key), Kind.TEXT) for key in _TEXT_KEYS),
        Column("duration", fmt.label("duration"), Kind.DURATION),
        Column("rate", fmt.label("rate"), Kind.MONEY),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )


def detailed_rows(entries: Iterable[TimeEntry], zone: str = "UTC") -> Iterator[DetailedRow]:
    """One tuple per entry, produced lazily; `zone` decides the calendar day of each start."""
    tz = load_zone(zone)
    for e in entries:
        yield (
            e.start.astimezone(tz).date(),
            e.user.name,
            e.project.name if e.project else "",
            e.client.name if e.client else "",
            e.task.name if e.task else "",
            e.description,
            tag_names(e.tags),
            e.billable,
            e.duration,
            e.hourly_rate,
            e.earned,
        )


def tag_names(tags: tuple[Ref, ...]) -> str:
    if len(tags) == 1:  # the common case, without a join
        return tags[0].name
    return ", ".join([tag.name for tag in tags]) if tags else ""


class DetailedText:
    """The printed text of a detailed row's typed values, memoised per value.

    Each cache is bounded (`maxsize`), so memory stays flat however many rows pass.
    """

    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.yes_no = {True: fmt.label("yes"), False: fmt.label("no")}
        self.date = lru_cache(maxsize=4096)(fmt.date)
        self.duration = lru_cache(maxsize=8192)(fmt.duration)
        self.money = lru_cache(maxsize=8192)(fmt.money)


def detailed_table(entries: Iterable[TimeEntry], fmt: Formatter, *, zone: str = "UTC") -> Table:
    """One row of `Cell`s per entry, produced lazily: 100,000 entries stream without a list.

    `zone` names the calendar whose day each entry's start falls on (the report's zone).
    """
    text = DetailedText(fmt)

    def money(amount: Money | None) -> Cell:
        return (
            EMPTY
            if amount is None
            else Cell(text.money(amount), amount.to_major(), amount.currency)
        )

    def row(values: DetailedRow) -> Row:
        day, user, project, client, task, description, tags, billable, seconds, rate, earned = (
            values
        )
        return Row(
            (
                Cell(text.date(day), day),
                *(Cell(name, name) for name in (user, project, client, task, description, tags)),
                Cell(text.yes_no[billable], text.yes_no[billable]),
                Cell(text.duration(seconds), seconds),
                money(rate),
                money(earned),
            )
        )

    rows = (row(values) for values in detailed_rows(entries, zone))
    return Table(fmt.label("detailed_report"), detailed_columns(fmt), rows)
