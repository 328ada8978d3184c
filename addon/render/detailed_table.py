"""The detailed report as a table: one row per time entry, streamed and formatted with caches.

Separate from the summary and invoice tables because it has its own constraints: 100,000 entries
must stream through without a list, and formatting each cell through Babel is the cost that
matters, so rows are built lazily by a memoising formatter. Entries each carry their own
currency, so the table has one amount column and the cell's `currency`, not a column per
currency as summaries do.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache, partial

from addon.render.i18n import Formatter
from addon.render.tables import (
    EMPTY,
    Cell,
    Column,
    Kind,
    Row,
    Table,
    _date_cell,
    _duration_cell,
    _text,
    money_cell,
)
from addon.reports.model import Ref, TimeEntry
from addon.reports.periods import local_date

__all__ = ["detailed_table"]


class _RowFormatter:
    """Formats one detailed row, memoising Babel calls (bounded LRU caches).

    Babel takes about 100 us per amount; entries repeat rates, days and durations, so caching
    makes 100,000 rows several times faster while memory stays bounded by `maxsize`.
    """

    def __init__(self, fmt: Formatter, zone: str) -> None:
        self.zone = zone
        self.billable = {True: _text(fmt.label("yes")), False: _text(fmt.label("no"))}
        self.money = lru_cache(maxsize=4096)(partial(money_cell, fmt))
        self.duration = lru_cache(maxsize=4096)(partial(_duration_cell, fmt))
        self.day = lru_cache(maxsize=1024)(partial(_date_cell, fmt))

    def row(self, entry: TimeEntry) -> Row:
        def name(ref: Ref | None) -> Cell:
            return _text(ref.name if ref else "")

        return Row(
            (
                self.day(local_date(entry.start, self.zone)),
                name(entry.user),
                name(entry.project),
                name(entry.client),
                name(entry.task),
                _text(entry.description),
                _text(", ".join(tag.name for tag in entry.tags)),
                self.billable[entry.billable],
                self.duration(entry.duration),
                self.money(entry.hourly_rate) if entry.hourly_rate else EMPTY,
                self.money(entry.earned) if entry.earned else EMPTY,
            )
        )


def detailed_table(entries: Iterable[TimeEntry], fmt: Formatter, *, zone: str = "UTC") -> Table:
    """One row per entry, produced lazily: 100,000 entries stream through without a list.

    `zone` names the calendar whose day each entry's start falls on (the report's zone).
    """
    labels = ("date", "user", "project", "client", "task", "description", "tags", "billable")
    kinds = (Kind.DATE, *(Kind.TEXT,) * 7)
    columns = (
        *(Column(key, fmt.label(key), kind) for key, kind in zip(labels, kinds, strict=True)),
        Column("duration", fmt.label("duration"), Kind.DURATION),
        Column("rate", fmt.label("rate"), Kind.MONEY),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )
    formatter = _RowFormatter(fmt, zone)
    rows = (formatter.row(entry) for entry in entries)
    return Table(fmt.label("detailed_report"), columns, rows)
