"""The detailed report: every time entry of a period, kept compact enough to store and stream.

A detailed job must keep its rows for later downloads (any format, any process, exactly what
the preview counted), and 100,000 `TimeEntry` objects would be a list of 100,000 objects of
about 1 KB each. So the rows are kept *columnar*: one list per field, names interned in a table
shared by every row, instants as epoch seconds, money as minor units. That is both the job's
snapshot (JSON in the database, about 120 bytes an entry: `MAX_ENTRIES` entries stay under
`MAX_SNAPSHOT_BYTES`) and the in-memory form the renderers stream `TimeEntry`s from, one at a
time (`DetailedReport.entries`).

A report holds at most `MAX_ENTRIES` entries; a larger period raises `TooManyEntries`, asking
for a shorter period or narrower filters, rather than storing an unbounded snapshot.

`non_work_time` applies as to summaries, per row: SEPARATE lists breaks, holidays and time off
with their type and counts them apart (`non_work`), INCLUDE lists and counts them like work,
EXCLUDE leaves them out (`left_out` counts them). Groups do not apply: a detailed report is
in entry order (the fetch's order: by start, then id).

Instants are kept to the second: Clockify's detailed report has no finer times.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from addon.reports.errors import InvalidSnapshot, ReportError
from addon.reports.model import (
    ClockifyCheck,
    EntryType,
    NonWorkTime,
    Ref,
    TimeEntry,
    Totals,
)
from addon.reports.money import Money

__all__ = [
    "MAX_ENTRIES",
    "MAX_SNAPSHOT_BYTES",
    "DetailedCollector",
    "DetailedReport",
    "TooManyEntries",
    "collect",
    "detailed_from_json",
]

MAX_ENTRIES: Final = 100_000
"""Entries one detailed report (a job's snapshot, a scheduled email) holds at most."""
MAX_SNAPSHOT_BYTES: Final = 16 * 1024 * 1024
"""What `MAX_ENTRIES` typical entries take as JSON at most (tests measure the bytes per entry)."""
SCHEMA: Final = 1

_FIELDS: Final = (
    "id description user project client task tags start end duration billable invoiced "
    "rate rate_currency earned earned_currency type"
).split()


class TooManyEntries(ReportError):
    """A detailed report of more than `MAX_ENTRIES` entries was asked for (422)."""

    code = "too_many_entries"


def _totals(duration: int, billable: int, entries: int, amounts: Mapping[str, int]) -> Totals:
    money = tuple(Money(minor, code) for code, minor in sorted(amounts.items()) if minor)
    return Totals(duration, billable, entries, money)


@dataclass(slots=True)
class _Tally:
    duration: int = 0
    billable: int = 0
    entries: int = 0
    amounts: dict[str, int] = field(default_factory=dict)

    def add(self, entry: TimeEntry) -> None:
        self.duration += entry.duration
        self.entries += 1
        if entry.billable:
            self.billable += entry.duration
            if entry.earned is not None:
                code = entry.earned.currency
                self.amounts[code] = self.amounts.get(code, 0) + entry.earned.minor

    def totals(self) -> Totals:
        return _totals(self.duration, self.billable, self.entries, self.amounts)


class DetailedCollector:
    """Collects a stream of entries into a `DetailedReport`, one entry at a time."""

    def __init__(self, non_work: NonWorkTime = NonWorkTime.SEPARATE) -> None:
        self.non_work = non_work
        self.columns: dict[str, list[Any]] = {name: [] for name in _FIELDS}
        self.refs: list[list[str]] = []
        self._ref_at: dict[tuple[str, str], int] = {}
        self.listed, self.apart = _Tally(), _Tally()
        self.left_out = 0

    def _ref(self, ref: Ref | None) -> int:
        if ref is None:
            return -1
        key = (ref.id, ref.name)
        at = self._ref_at.get(key)
        if at is None:
            at = self._ref_at[key] = len(self.refs)
            self.refs.append([ref.id, ref.name])
        return at

    def add(self, entry: TimeEntry) -> None:
        """Keep `entry` (or count it left out); raises `TooManyEntries` past `MAX_ENTRIES`."""
        non_work = not entry.type.is_work
        if non_work and self.non_work is NonWorkTime.EXCLUDE:
            self.left_out += 1
            return
        if self.listed.entries >= MAX_ENTRIES:
            raise TooManyEntries(
                f"A detailed report holds at most {MAX_ENTRIES:,} entries; choose a shorter "
                "period or narrower filters."
            )
        if non_work and self.non_work is NonWorkTime.SEPARATE:
            self.apart.add(entry)
            self.listed.entries += 1  # listed, but its time is counted apart
        else:
            self.listed.add(entry)
        c = self.columns
        c["id"].append(entry.id)
        c["description"].append(entry.description)
        c["user"].append(self._ref(entry.user))
        c["project"].append(self._ref(entry.project))
        c["client"].append(self._ref(entry.client))
        c["task"].append(self._ref(entry.task))
        c["tags"].append([self._ref(tag) for tag in entry.tags] if entry.tags else 0)
        c["start"].append(int(entry.start.timestamp()))
        c["end"].append(int(entry.end.timestamp()))
        c["duration"].append(entry.duration)
        c["billable"].append(int(entry.billable))
        c["invoiced"].append(int(entry.invoiced))
        for name in ("rate", "earned"):
            money: Money | None = entry.hourly_rate if name == "rate" else entry.earned
            c[name].append(None if money is None else money.minor)
            c[f"{name}_currency"].append(None if money is None else money.currency)
        c["type"].append(entry.type.value)

    def finish(self, check: ClockifyCheck | None) -> DetailedReport:
        return DetailedReport(
            {"schema": SCHEMA, "refs": self.refs, **self.columns},
            totals=self.listed.totals(),
            non_work=self.apart.totals(),
            left_out=self.left_out,
            check=check,
        )


@dataclass(frozen=True, slots=True)
class DetailedReport:
    """Every listed entry (columnar, see the module docstring) and what they add up to.

    `totals` counts every listed entry; under SEPARATE its time excludes breaks, holidays and
    time off, which `non_work` counts instead. `left_out` is how many EXCLUDE dropped.
    """

    data: dict[str, Any]
    totals: Totals
    non_work: Totals
    left_out: int
    check: ClockifyCheck | None

    @property
    def count(self) -> int:
        return len(self.data["id"])

    def entries(self, limit: int | None = None) -> Iterator[TimeEntry]:
        """The entries in order, built one at a time (the first `limit` only, if given)."""
        d = self.data
        refs = [Ref(ref_id, name) for ref_id, name in d["refs"]]

        def ref(at: int) -> Ref | None:
            return None if at < 0 else refs[at]

        def money(minor: int | None, currency: str | None) -> Money | None:
            return None if minor is None or currency is None else Money(minor, currency)

        stop = self.count if limit is None else min(limit, self.count)
        for i in range(stop):
            user = ref(d["user"][i])
            yield TimeEntry(
                id=d["id"][i],
                description=d["description"][i],
                user=user if user is not None else Ref("", ""),
                project=ref(d["project"][i]),
                client=ref(d["client"][i]),
                task=ref(d["task"][i]),
                tags=tuple(refs[at] for at in d["tags"][i]) if d["tags"][i] else (),
                start=datetime.fromtimestamp(d["start"][i], UTC),
                end=datetime.fromtimestamp(d["end"][i], UTC),
                duration=d["duration"][i],
                billable=bool(d["billable"][i]),
                invoiced=bool(d["invoiced"][i]),
                hourly_rate=money(d["rate"][i], d["rate_currency"][i]),
                earned=money(d["earned"][i], d["earned_currency"][i]),
                type=EntryType(d["type"][i]),
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": self.data,
            "totals": _totals_json(self.totals),
            "non_work": _totals_json(self.non_work),
            "left_out": self.left_out,
            "check": None if self.check is None else _check_json(self.check),
        }


def collect(
    entries: Iterable[TimeEntry],
    non_work: NonWorkTime = NonWorkTime.SEPARATE,
    check: ClockifyCheck | None = None,
) -> DetailedReport:
    """`entries` as a report (tests and small inputs; a fetch feeds a collector itself)."""
    collector = DetailedCollector(non_work)
    for entry in entries:
        collector.add(entry)
    return collector.finish(check)


def _money_json(amounts: tuple[Money, ...]) -> list[list[Any]]:
    return [[m.minor, m.currency] for m in amounts]


def _totals_json(totals: Totals) -> list[Any]:
    return [totals.duration, totals.billable_duration, totals.entries, _money_json(totals.amounts)]


def _check_json(check: ClockifyCheck) -> dict[str, Any]:
    return {
        "entries": check.entries,
        "duration": check.duration,
        "billable_duration": check.billable_duration,
        "amounts": _money_json(check.amounts),
    }


def _moneys(raw: Any) -> tuple[Money, ...]:
    return tuple(Money(int(minor), str(code)) for minor, code in raw)


def detailed_from_json(data: Mapping[str, Any]) -> DetailedReport:
    """A report stored by `DetailedReport.to_json`; raises `InvalidSnapshot` if it is not one."""
    try:
        entries = data["entries"]
        if entries.get("schema") != SCHEMA or any(name not in entries for name in _FIELDS):
            raise InvalidSnapshot("Not a detailed report snapshot this version can read.")
        duration, billable, count, amounts = data["totals"]
        apart = data["non_work"]
        raw_check = data["check"]
        check = None
        if raw_check is not None:
            check = ClockifyCheck(
                raw_check["entries"],
                raw_check["duration"],
                raw_check["billable_duration"],
                _moneys(raw_check["amounts"]),
            )
        return DetailedReport(
            dict(entries),
            totals=Totals(duration, billable, count, _moneys(amounts)),
            non_work=Totals(apart[0], apart[1], apart[2], _moneys(apart[3])),
            left_out=int(data["left_out"]),
            check=check,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidSnapshot(f"Not a detailed report snapshot: {exc}") from None
