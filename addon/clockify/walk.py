"""Walking a detailed or expense report window by window, each held against Clockify's totals.

Clockify may serve less than asked without an error (real-behaviour.md §1), so every window is
fetched with Clockify's own totals for it and its rows must add up to them
(`addon.clockify.reconcile`) before any row is handed out:

* Paging ends when Clockify's count of rows has arrived (or a page comes back empty); a page
  shorter than asked is not the end. Page 1 asks for the learned page size (1,000 until shown
  otherwise); a refusal (400) retries at 200, and a page silently served short while the totals
  promise more teaches the size actually served.
* A window whose rows still fall short is retried as months, then as halves, then the report
  fails with `ClockifyIncomplete` naming the window and what is missing.
* A long range refused (400) or served only in part (a FREE plan's month, totals included, so
  only the rows' dates can tell: see `_clamp_suspects`) is fetched month by month.
* Rows are de-duplicated by id, so a row that moves between pages while we read never counts
  twice.

What was learned (page size, range service) is a `ReportLimits` value: `on_learned` hands it to
the caller, which keeps it per installation (`addon.services.installations`), so the next
report starts from it instead of relearning it window by window. The walker knows nothing of
HTTP: a `RowKind` says how to fetch a page, and the client builds one per report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Generic, TypeVar

from addon.clockify.errors import ClockifyIncomplete, ClockifyRejectedRequest
from addon.clockify.queries import MONTH_SPAN_DAYS, split_for_span
from addon.clockify.reconcile import (
    Expected,
    RangeService,
    ReportLimits,
    Tally,
    combine,
    shortfall,
)
from addon.observe.metrics import reconciliation_failed
from addon.reports.periods import DateRange, SplitUnit, split_range

__all__ = ["REPORT_PAGE_SIZES", "Fetch", "Page", "ReportWalker", "RowKind"]

log = logging.getLogger(__name__)

T = TypeVar("T")

REPORT_PAGE_SIZES = (1000, 200)
_MAX_PAGES = 100_000  # a server that never ends a report must not loop us forever
_MAX_RETRY_DEPTH = 2  # a short window is retried as months, then as halves, then it fails


class ReportWalker:
    """One client's report walks: the limits it starts from and learns, for every report."""

    def __init__(
        self,
        *,
        limits: ReportLimits,
        on_learned: Callable[[ReportLimits], None] | None,
        max_span_days: int,
        plan: Callable[[], str | None],
    ) -> None:
        self.limits = limits
        self.max_span_days = max_span_days
        self._on_learned = on_learned
        self._plan = plan

    def fetch(self, period: DateRange, kind: RowKind[T]) -> Fetch[T]:
        """The period's rows as they arrive, window by window, each window checked first."""
        walk = self._windows(period, kind)
        return Fetch[T](walk)

    def unclamped_windows(self, period: DateRange) -> tuple[DateRange, ...]:
        """Windows for a report without row dates, which could not reveal a silent clamp.

        Months wherever a FREE plan might clamp a longer range (`_may_clamp`), else the learned
        split (a paid plan's year is one window). Used by the summary report's walk.
        """
        if self._may_clamp():
            return split_for_span(period, MONTH_SPAN_DAYS)
        return self._windows_of(period)

    def range_refused(self) -> None:
        """A range longer than a month was refused (400): months from now on."""
        self._learn(long_ranges=RangeService.MONTHS)

    def _learn(self, **changes: object) -> None:
        learned = replace(self.limits, **changes)  # type: ignore[arg-type]  # fields typed above
        if learned != self.limits:
            self.limits = learned
            log.info("clockify limits learned", extra={"limits": str(learned)})
            if self._on_learned is not None:
                self._on_learned(learned)

    def _windows(self, period: DateRange, kind: RowKind[T]) -> Iterator[T | _Done]:
        """Rows of every window of `period`, new ids only, then one `_Done` with the totals.

        Windows marked suspect are the unproven remainder of a long window whose rows all fell
        within one month (`_clamp_suspects`): any row found in them proves that Clockify served
        the long window only in part, which is remembered (months from then on).
        """
        seen: set[str] = set()
        parts: list[Expected] = []
        pending = [(window, False) for window in self._windows_of(period)]
        while pending:
            window, suspect = pending.pop(0)
            try:
                result = yield from self._checked_window(window, kind, seen, depth=0)
            except _RangeRefused:
                self._learn(long_ranges=RangeService.MONTHS)
                pending[:0] = [(piece, False) for piece in split_range(window, SplitUnit.MONTH)]
                continue
            if suspect and result.expected.entries:
                self._learn(long_ranges=RangeService.MONTHS)
            parts.append(result.expected)
            pending[:0] = [(piece, result.suspect) for piece in result.more]
        yield _Done(combine(parts) or Expected(0))

    def _windows_of(self, period: DateRange) -> tuple[DateRange, ...]:
        if self.limits.long_ranges is RangeService.MONTHS:
            return split_for_span(period, MONTH_SPAN_DAYS)
        return split_for_span(period, self.max_span_days)

    def _checked_window(
        self, window: DateRange, kind: RowKind[T], seen: set[str], *, depth: int
    ) -> Generator[T, None, _WindowResult]:
        """One window, fetched and held against its totals; retried smaller when it falls short.

        Long windows that a FREE plan might clamp (`_may_clamp`) are also tested for a silent
        one-month clamp (see `_clamp_suspects`): the unexplained remainder comes back in
        `more`, to be fetched as windows of its own.
        """
        if (
            MONTH_SPAN_DAYS < window.days <= 2 * MONTH_SPAN_DAYS and self._may_clamp()
        ):  # too short to tell a clamp from sparse data: months cost the same as a probe
            return _WindowResult(Expected(0), split_range(window, SplitUnit.MONTH), False)
        rows: list[T] = []
        expected, tally = self._walk(window, kind, rows)
        problem = shortfall(expected, tally)
        if problem is not None:
            if depth >= _MAX_RETRY_DEPTH or window.days == 1:
                raise _incomplete(
                    kind,
                    f"The {kind.noun} from {window.start.isoformat()} to "
                    f"{window.end.isoformat()} do not add up to Clockify's own totals: "
                    f"{problem}. Nothing was built from them; try again later, or a shorter "
                    "period.",
                )
            log.warning(
                "clockify report incomplete, retrying smaller",
                extra={"window": f"{window.start}..{window.end}", "problem": problem},
            )
            parts = []
            for piece in _smaller(window):
                result = yield from self._checked_window(piece, kind, seen, depth=depth + 1)
                parts.append(result.expected)
            return _WindowResult(combine(parts) or Expected(0), (), False)
        for row in rows:
            key = kind.key(row)
            if key not in seen:
                seen.add(key)
                yield row
        if expected.entries is None:
            expected = replace(expected, entries=tally.rows)
        suspects = self._clamp_suspects(window, tally)
        return _WindowResult(expected, suspects, bool(suspects))

    def _may_clamp(self) -> bool:
        """Whether a long range might be served as one month without a word.

        The documents tie the one-month limit to the FREE plan only, so a workspace whose
        `featureSubscriptionType` names a paid plan is not suspected (a refusal would still be
        caught); FREE, or a plan Clockify did not name, is, until a report proves otherwise.
        """
        if self.limits.long_ranges is not RangeService.UNKNOWN:
            return False
        plan = (self._plan() or "").upper()
        return plan == "" or plan.startswith("FREE")

    def _clamp_suspects(self, window: DateRange, tally: Tally) -> tuple[DateRange, ...]:
        """The part of a long window a silent one-month clamp could have hidden, if any.

        A FREE plan may serve only one month of a longer range, totals included, so totals
        cannot see it (real-behaviour.md §1). Rows from more than a month after the start AND
        more than a month before the end prove no such clamp: the range is served in FULL, and
        that is remembered. Rows all within the first (or last) month leave the rest unproven:
        it is returned, month by month, to be fetched on its own, and rows found there prove the
        clamp (MONTHS, remembered). A window with no rows at all is fetched again by month.
        """
        if window.days <= MONTH_SPAN_DAYS or not self._may_clamp():
            return ()
        month = timedelta(days=MONTH_SPAN_DAYS)
        first, last = tally.first_day, tally.last_day
        if first is None or last is None:
            return split_range(window, SplitUnit.MONTH)
        if first <= window.end - month and last >= window.start + month:
            self._learn(long_ranges=RangeService.FULL)
            return ()
        if last < window.start + month:
            rest = DateRange(window.start + month, window.end)
        else:
            rest = DateRange(window.start, window.end - month)
        return split_range(rest, SplitUnit.MONTH)

    def _walk(self, window: DateRange, kind: RowKind[T], rows: list[T]) -> tuple[Expected, Tally]:
        """Every page of one window, until Clockify's count has arrived or a page is empty.

        A page shorter than asked is not the end: Clockify may serve fewer rows than asked
        without saying so. When page 1 holds fewer rows than asked while the totals promise
        more, the size served is learned and the walk goes on at that size (so page offsets
        agree whichever way Clockify counts them).
        """
        first, size = self._first_page(window, kind)
        expected = first.expected
        if expected is None and first.rows and kind.totals_only is not None:
            expected = kind.totals_only(window)
        if expected is None and first.rows:
            raise _incomplete(
                kind,
                f"Clockify sent no totals for the {kind.noun} from {window.start.isoformat()} "
                f"to {window.end.isoformat()}, so the {first.rows:,} that arrived cannot be "
                "checked; nothing was built from them.",
            )
        expected = expected or Expected(0, durations=kind.totals_only is not None)
        tally = Tally()
        self._take(first, kind, rows, tally)
        wanted = expected.entries
        if wanted is not None and 0 < first.rows < min(size, wanted):
            size = first.rows  # served fewer than asked, silently
            self._learn(page_size=size)
        page, last_rows = 1, first.rows
        while page < _MAX_PAGES and last_rows > 0 and (wanted is None or tally.rows < wanted):
            page += 1
            current = kind.fetch(window, page, size)
            self._take(current, kind, rows, tally)
            last_rows = current.rows
        return expected, tally

    def _first_page(self, window: DateRange, kind: RowKind[T]) -> tuple[Page[T], int]:
        """Page 1 at the learned page size; a refusal retries with the smaller documented cap.

        The smaller size is kept only once it succeeds: a 400 that every size gets is about
        something else (usually the range), and must not cost later windows their large pages.
        """
        sizes = [size for size in REPORT_PAGE_SIZES if size <= self.limits.page_size]
        sizes = sizes or [self.limits.page_size]
        for index, size in enumerate(sizes):
            try:
                page = kind.fetch(window, 1, size)
            except ClockifyRejectedRequest:
                if index < len(sizes) - 1:
                    continue
                if window.days > MONTH_SPAN_DAYS:
                    raise _RangeRefused from None
                raise
            if size < self.limits.page_size:
                self._learn(page_size=size)
            return page, size
        raise AssertionError("unreachable: sizes is never empty")  # pragma: no cover

    @staticmethod
    def _take(page: Page[T], kind: RowKind[T], rows: list[T], tally: Tally) -> None:
        kind.received[0] += len(page.items)
        if kind.on_rows is not None:
            kind.on_rows(kind.received[0])
        tally.count_rows(page.rows)
        for item in page.items:
            kind.measure(tally, item)
        rows.extend(page.items)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One report page: its finished rows, its row count, and (page 1) the window's totals."""

    items: Sequence[T]
    rows: int
    expected: Expected | None


@dataclass(frozen=True, slots=True)
class RowKind(Generic[T]):
    """How to fetch, check and key one kind of report row (time entries or expenses)."""

    fetch: Callable[[DateRange, int, int], Page[T]]
    totals_only: Callable[[DateRange], Expected | None] | None
    measure: Callable[[Tally, T], None]
    noun: str
    on_rows: Callable[[int], None] | None = None
    received: list[int] = field(default_factory=lambda: [0])  # rows so far, for on_rows

    @staticmethod
    def key(row: object) -> str:
        key: str = row.id  # type: ignore[attr-defined]  # TimeEntry and Expense both have ids
        return key


@dataclass(frozen=True, slots=True)
class _WindowResult:
    expected: Expected
    more: tuple[DateRange, ...]
    suspect: bool


@dataclass(frozen=True, slots=True)
class _Done:
    expected: Expected


class _RangeRefused(Exception):
    """Clockify refused a range longer than a month at every page size."""


class Fetch(Generic[T]):
    """A report's rows as they arrive; once all have, `expected` holds Clockify's totals.

    Iterate it once. The rows were checked window by window before any was handed out, so a
    consumer that reaches the end has every row Clockify counts, and `expected` says how many.
    """

    def __init__(self, source: Iterator[T | _Done]) -> None:
        self._source = source
        self._expected: Expected | None = None

    def __iter__(self) -> Iterator[T]:
        for item in self._source:
            if isinstance(item, _Done):
                self._expected = item.expected
                return
            yield item

    @property
    def expected(self) -> Expected:
        if self._expected is None:
            raise RuntimeError("the report has not been read to its end yet")
        return self._expected


def _smaller(window: DateRange) -> tuple[DateRange, ...]:
    """Months of a long window, halves of a month: smaller windows to retry a short answer in."""
    if window.days > MONTH_SPAN_DAYS:
        return split_range(window, SplitUnit.MONTH)
    middle = window.start + timedelta(days=window.days // 2 - 1)
    return (DateRange(window.start, middle), DateRange(middle + timedelta(days=1), window.end))


def _incomplete(kind: RowKind[T], message: str) -> ClockifyIncomplete:
    """The failure of a report that cannot prove itself complete, counted in the metrics."""
    reconciliation_failed("detailed" if kind.noun == "entries" else kind.noun)
    return ClockifyIncomplete(message)
