"""`ClockifyClient`: the typed calls an invoicing add-on makes, for one installed workspace.

Base URLs come only from the stored installation (`backendUrl` for the regular API,
`reportsUrl` for reports), so the global host, every regional host and subdomain workspaces work
alike. Every call goes through a `Transport` (one credential, no redirects, timeouts, the shared
per-workspace rate limit, retries) and returns model values, never raw JSON.

Reports are reconciled (`addon.clockify.reconcile`): every window of a detailed or expense
report is fetched with Clockify's own totals for it, and its rows must add up to them before any
row is handed out. Clockify may serve less than asked without an error (real-behaviour.md §1):

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
the caller, which keeps it per installation (`addon.connections`), so the next report starts
from it instead of relearning it window by window.

Regular API lists are read with `page-size` 200 until `Last-Page: true`, or, where Clockify
sends no such header, until a short page. A period longer than 366 days is requested year by
year. The weekly report is requested in exact 7-day windows.

A client is cheap: build one per job or request (see `addon.connections`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Generic, TypeVar

from addon.clockify.directory import (
    ClientInfo,
    Member,
    ProjectInfo,
    TagInfo,
    TaskInfo,
    WorkspaceInfo,
    parse_client,
    parse_member,
    parse_project,
    parse_tag,
    parse_task,
    parse_workspace,
)
from addon.clockify.errors import (
    ClockifyIncomplete,
    ClockifyRejectedRequest,
    ClockifyResponseError,
)
from addon.clockify.queries import (
    MAX_SPAN_DAYS,
    MONTH_SPAN_DAYS,
    ReportFilter,
    split_for_span,
    week_windows,
)
from addon.clockify.reconcile import (
    Expected,
    RangeService,
    ReportLimits,
    Tally,
    combine,
    expected_from_totals,
    shortfall,
)
from addon.clockify.shapes import parse_detailed_page, parse_expense_page
from addon.clockify.summaries import (
    parse_detailed_totals,
    parse_report_totals,
    parse_summary_report,
    parse_weekly_report,
)
from addon.clockify.transport import Reply, Transport
from addon.reports.model import Expense, TimeEntry
from addon.reports.periods import DateRange, SplitUnit, load_zone, split_range
from addon.reports.remote import ClockifySummary, ClockifyWeekly

__all__ = ["ClockifyClient", "Endpoints", "Fetch", "MarkResult", "Page"]

log = logging.getLogger(__name__)

T = TypeVar("T")

REPORT_PAGE_SIZES = (1000, 200)
LIST_PAGE_SIZE = 200
# Clockify documents no cap on `timeEntryIds` (unconfirmed); 200 is its smaller page-size cap,
# small enough for any server limit we have seen and still few requests for a large invoice.
MARK_BATCH = 200
_MAX_PAGES = 100_000  # a server that never ends a listing must not loop us forever
_MAX_RETRY_DEPTH = 2  # a short window is retried as months, then as halves, then it fails


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where one workspace's API lives, as its installation token named it."""

    workspace_id: str
    backend_url: str
    reports_url: str

    def api(self, path: str = "") -> str:
        return f"{self.backend_url.rstrip('/')}/v1/workspaces/{self.workspace_id}{path}"

    def report(self, kind: str) -> str:
        base = self.reports_url.rstrip("/")
        return f"{base}/v1/workspaces/{self.workspace_id}/reports/{kind}"


@dataclass(frozen=True, slots=True)
class MarkResult:
    """How many distinct entries were sent, and those Clockify refused, with its reason."""

    sent: int
    refused: tuple[tuple[str, str], ...] = ()


class ClockifyClient:
    """Typed calls for one workspace; safe to share between threads of one job."""

    def __init__(
        self,
        endpoints: Endpoints,
        transport: Transport,
        *,
        currency: str | None = None,
        max_span_days: int = MAX_SPAN_DAYS,
        limits: ReportLimits | None = None,
        on_learned: Callable[[ReportLimits], None] | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.transport = transport
        self._currency = currency
        self._max_span_days = max_span_days
        self.limits = limits or ReportLimits()
        self._on_learned = on_learned
        self._plan_name: str | None = None

    def close(self) -> None:
        """Release the pooled connections."""
        self.transport.session.close()

    def __enter__(self) -> ClockifyClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- regular API ------------------------------------------------------------------------

    def workspace(self) -> WorkspaceInfo:
        reply = self._get(self.endpoints.api(), scope="WORKSPACE_READ", what="the workspace")
        info = parse_workspace(reply.body)
        self._currency = self._currency or info.currency
        self._plan_name = info.plan
        return info

    def users(self) -> tuple[Member, ...]:
        workspace_id = self.endpoints.workspace_id
        return self._listing(
            "/users",
            "USER_READ",
            "the workspace's users",
            lambda row, path: parse_member(row, workspace_id, path),
            params={"memberships": "WORKSPACE", "status": "ALL"},
        )

    def clients(self) -> tuple[ClientInfo, ...]:
        return self._listing("/clients", "CLIENT_READ", "the clients", parse_client)

    def projects(self) -> tuple[ProjectInfo, ...]:
        return self._listing("/projects", "PROJECT_READ", "the projects", parse_project)

    def tasks(self, project_id: str) -> tuple[TaskInfo, ...]:
        return self._listing(
            f"/projects/{project_id}/tasks", "TASK_READ", "a project's tasks", parse_task
        )

    def tags(self) -> tuple[TagInfo, ...]:
        return self._listing("/tags", "TAG_READ", "the tags", parse_tag)

    # -- Reports API ------------------------------------------------------------------------

    def detailed(self, query: ReportFilter) -> Iterator[TimeEntry]:
        """Every finished entry of the period, each window checked against Clockify's totals."""
        return iter(self.detailed_checked(query))

    def detailed_checked(
        self, query: ReportFilter, *, on_rows: Callable[[int], None] | None = None
    ) -> Fetch[TimeEntry]:
        """The period's entries as they arrive; `.expected` holds Clockify's totals after.

        Rows are handed out window by window, once each window adds up; `on_rows(n)` reports
        the rows received so far as pages arrive, for progress shown while a window is read.
        """
        currency = self.currency()
        zone = load_zone(query.zone)

        def fetch(window: DateRange, page: int, size: int) -> Page[TimeEntry]:
            body = {
                **query.time_body(window),
                "sortOrder": "ASCENDING",
                "detailedFilter": {
                    "page": page,
                    "pageSize": size,
                    "sortColumn": "ID",
                    "options": {"totals": "CALCULATE" if page == 1 else "EXCLUDE"},
                },
            }
            reply = self._report("detailed", body, "the detailed report")
            parsed = parse_detailed_page(reply.body, currency_fallback=currency)
            expected = None
            if page == 1:
                totals = parse_detailed_totals(reply.body, currency_fallback=currency)
                expected = expected_from_totals(totals)
            return Page(parsed.entries, parsed.count, expected)

        def totals_only(window: DateRange) -> Expected | None:
            """The cheap totals call, for a detailed page that came without totals."""
            body = {**query.time_body(window), "summaryFilter": {"groups": ["PROJECT"]}}
            reply = self._report("summary", body, "the summary report's totals")
            body_object = reply.body if isinstance(reply.body, dict) else {}
            totals = parse_report_totals(body_object.get("totals"), "totals", currency)
            return expected_from_totals(totals)

        def measure(tally: Tally, entry: TimeEntry) -> None:
            tally.add_entry(entry, entry.start.astimezone(zone).date())

        kind: _Kind[TimeEntry] = _Kind(fetch, totals_only, measure, "entries", on_rows)
        walk = self._windows(query.period, kind)
        return Fetch[TimeEntry](walk)

    def expenses(self, query: ReportFilter) -> Iterator[Expense]:
        """Every expense of the period, each window checked against Clockify's totals."""
        return iter(self.expenses_checked(query))

    def expenses_checked(
        self, query: ReportFilter, *, on_rows: Callable[[int], None] | None = None
    ) -> Fetch[Expense]:
        """The period's expenses (`/reports/expenses/detailed`); `.expected` after."""
        currency = self.currency()

        def fetch(window: DateRange, page: int, size: int) -> Page[Expense]:
            body = {**query.body(window), "page": page, "pageSize": size, "sortOrder": "ASCENDING"}
            reply = self._report("expenses/detailed", body, "the expense report")
            parsed = parse_expense_page(reply.body, currency_fallback=currency)
            expected = None
            if page == 1 and (parsed.total is not None or parsed.total_amount is not None):
                amounts = () if parsed.total_amount is None else (parsed.total_amount,)
                expected = Expected(parsed.total, amounts=amounts, durations=False)
            return Page(parsed.entries, parsed.count, expected)

        def measure(tally: Tally, expense: Expense) -> None:
            tally.add_expense(expense)

        kind: _Kind[Expense] = _Kind(fetch, None, measure, "expenses", on_rows)
        walk = self._windows(query.period, kind)
        return Fetch[Expense](walk)

    def weekly(self, query: ReportFilter, group: str) -> tuple[ClockifyWeekly, ...]:
        """The weekly report (`group` USER or PROJECT), one per exact 7-day window of the period.

        The last window may run past the period's end: Clockify takes nothing but whole weeks.
        """
        currency = self.currency()
        weeks = []
        for window in week_windows(query.period):
            body = {**query.time_body(window), "weeklyFilter": {"group": group, "subgroup": "TIME"}}
            reply = self._report("weekly", body, "the weekly report")
            weeks.append(parse_weekly_report(reply.body, group=group, currency_fallback=currency))
        return tuple(weeks)

    def summary(self, query: ReportFilter, groups: Sequence[str]) -> ClockifySummary:
        """Clockify's own summary (1 to 3 `groups`) of a period that fits one request's range.

        Summaries are not split: their per-group amounts are rounded by Clockify and cannot be
        re-added exactly. Long periods are summarised by our engine from the detailed report.
        """
        if query.period.days > self._max_span_days:
            raise ClockifyRejectedRequest(
                f"A Clockify summary covers at most {self._max_span_days} days here; "
                "use a shorter period.",
                clockify_message="",
                clockify_code=None,
            )
        currency = self.currency()
        body = {**query.time_body(), "summaryFilter": {"groups": list(groups)}}
        reply = self._report("summary", body, "the summary report")
        return parse_summary_report(reply.body, groups=groups, currency_fallback=currency)

    def currency(self) -> str:
        """The workspace's default currency (rows without their own currency use it)."""
        if self._currency is None:
            self.workspace()
        assert self._currency is not None  # noqa: S101  # set by workspace()
        return self._currency

    # -- writes -----------------------------------------------------------------------------

    def mark_invoiced(self, entry_ids: Sequence[str], *, invoiced: bool = True) -> MarkResult:
        """Set the `invoiced` flag of these time entries (`PATCH /time-entries/invoiced`).

        `MARK_BATCH` ids per request (reports-api.md 6.5). Setting a flag is idempotent, so a
        batch retried after a dropped answer, or a whole call repeated after a failure, is
        harmless. When Clockify refuses a batch (400: an entry deleted or locked meanwhile), the
        batch is halved until the refused ids are found, so one bad entry cannot keep all the
        others unmarked; they come back in `MarkResult.refused` with Clockify's reason.
        """
        unique = list(dict.fromkeys(entry_ids))
        refused: list[tuple[str, str]] = []
        for first in range(0, len(unique), MARK_BATCH):
            self._mark(unique[first : first + MARK_BATCH], invoiced, refused)
        return MarkResult(len(unique), tuple(refused))

    def _mark(self, ids: list[str], invoiced: bool, refused: list[tuple[str, str]]) -> None:
        try:
            self.transport.call(
                "PATCH",
                self.endpoints.api("/time-entries/invoiced"),
                scope="TIME_ENTRY_WRITE",
                what=f"marking {len(ids)} time entries as invoiced",
                body={"timeEntryIds": ids, "invoiced": invoiced},
                reads_body=False,
            )
        except ClockifyRejectedRequest as exc:
            if len(ids) == 1:
                refused.append((ids[0], exc.clockify_message or str(exc)))
                return
            half = len(ids) // 2
            self._mark(ids[:half], invoiced, refused)
            self._mark(ids[half:], invoiced, refused)

    # -- plumbing ---------------------------------------------------------------------------

    def _get(
        self, url: str, *, scope: str, what: str, params: dict[str, Any] | None = None
    ) -> Reply:
        return self.transport.call("GET", url, scope=scope, what=what, params=params)

    def _report(self, kind: str, body: dict[str, Any], what: str) -> Reply:
        url = self.endpoints.report(kind)
        return self.transport.call("POST", url, scope="REPORTS_READ", what=what, body=body)

    def _listing(
        self,
        path: str,
        scope: str,
        what: str,
        parse: Callable[[object, str], T],
        params: dict[str, Any] | None = None,
    ) -> tuple[T, ...]:
        found: list[T] = []
        for page in range(1, _MAX_PAGES):
            query = {**(params or {}), "page": page, "page-size": LIST_PAGE_SIZE}
            reply = self._get(self.endpoints.api(path), scope=scope, what=what, params=query)
            if not isinstance(reply.body, list):
                raise ClockifyResponseError(f"{what}: expected an array.")
            found.extend(parse(row, f"{path}[{i}]") for i, row in enumerate(reply.body))
            last = reply.headers.get("Last-Page", "").strip().lower()
            if last == "true" or (last != "false" and len(reply.body) < LIST_PAGE_SIZE):
                return tuple(found)
        raise ClockifyResponseError(f"{what}: the listing never ended.")

    # -- reconciled report walks -----------------------------------------------------------

    def _learn(self, **changes: object) -> None:
        learned = replace(self.limits, **changes)  # type: ignore[arg-type]  # fields typed above
        if learned != self.limits:
            self.limits = learned
            log.info("clockify limits learned", extra={"limits": str(learned)})
            if self._on_learned is not None:
                self._on_learned(learned)

    def _windows(self, period: DateRange, kind: _Kind[T]) -> Iterator[T | _Done]:
        """Rows of every window of `period`, new ids only, then one `_Done` with the totals.

        Windows marked suspect are the unproven remainder of a long window whose rows all fell
        within one month (`_clamp_suspects`): any row found in them proves that Clockify served
        the long window only in part, which is remembered (months from then on).
        """
        seen: set[str] = set()
        parts: list[Expected] = []
        pending = [(window, False) for window in self._plan(period)]
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

    def _plan(self, period: DateRange) -> tuple[DateRange, ...]:
        if self.limits.long_ranges is RangeService.MONTHS:
            return split_for_span(period, MONTH_SPAN_DAYS)
        return split_for_span(period, self._max_span_days)

    def _checked_window(
        self, window: DateRange, kind: _Kind[T], seen: set[str], *, depth: int
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
                raise ClockifyIncomplete(
                    f"The {kind.noun} from {window.start.isoformat()} to "
                    f"{window.end.isoformat()} do not add up to Clockify's own totals: "
                    f"{problem}. Nothing was built from them; try again later, or a shorter "
                    "period."
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
        plan = (self._plan_name or "").upper()
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

    def _walk(self, window: DateRange, kind: _Kind[T], rows: list[T]) -> tuple[Expected, Tally]:
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
            raise ClockifyIncomplete(
                f"Clockify sent no totals for the {kind.noun} from {window.start.isoformat()} "
                f"to {window.end.isoformat()}, so the {first.rows:,} that arrived cannot be "
                "checked; nothing was built from them."
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

    def _first_page(self, window: DateRange, kind: _Kind[T]) -> tuple[Page[T], int]:
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
    def _take(page: Page[T], kind: _Kind[T], rows: list[T], tally: Tally) -> None:
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
class _Kind(Generic[T]):
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
