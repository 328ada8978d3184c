"""`ClockifyClient`: the typed calls an invoicing add-on makes, for one installed workspace.

Base URLs come only from the stored installation (`backendUrl` for the regular API,
`reportsUrl` for reports), so the global host, every regional host and subdomain workspaces work
alike. Every call goes through a `Transport` (one credential, no redirects, timeouts, the shared
per-workspace rate limit, retries) and returns model values, never raw JSON.

Detailed and expense reports are walked by `addon.clockify.walk`: window by window, each held
against Clockify's own totals before any row is handed out, with the page size and range service
learned on the way kept in a `ReportLimits` value the caller can store per installation.

Regular API lists are read with `page-size` 200 until `Last-Page: true`, or, where Clockify
sends no such header, until a short page. A period longer than 366 days is requested year by
year.

A client is cheap: build one per job or request (see `addon.services.installations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

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
    ClockifyRejectedRequest,
    ClockifyResponseError,
)
from addon.clockify.expenses import parse_expense_page
from addon.clockify.queries import (
    MAX_SPAN_DAYS,
    ReportFilter,
)
from addon.clockify.reconcile import Expected, ReportLimits, Tally, expected_from_totals
from addon.clockify.rows import decode_detailed_page
from addon.clockify.summaries import (
    parse_detailed_totals,
    parse_report_totals,
    parse_summary_report,
)
from addon.clockify.summary_walk import CheckedSummary, walk_summary
from addon.clockify.transport import Reply, Transport
from addon.clockify.walk import Fetch, Page, ReportWalker, RowKind
from addon.reports.model import Expense, TimeEntry
from addon.reports.periods import DateRange, load_zone
from addon.reports.remote import ClockifySummary, ReportTotals

__all__ = ["ClockifyClient", "Endpoints", "MarkResult"]

T = TypeVar("T")

LIST_PAGE_SIZE = 200
# Clockify documents no cap on `timeEntryIds` (unconfirmed); 200 is its smaller page-size cap,
# small enough for any server limit we have seen and still few requests for a large invoice.
MARK_BATCH = 200
_MAX_PAGES = 100_000  # a server that never ends a listing must not loop us forever
_REPORT_OPS = {  # Reports API path -> the operation label of `addon_clockify_requests_total`
    "detailed": "detailed_report",
    "summary": "summary_report",
    "expenses/detailed": "expense_report",
}


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
        self._plan_name: str | None = None
        self._walker = ReportWalker(
            limits=limits or ReportLimits(),
            on_learned=on_learned,
            max_span_days=max_span_days,
            plan=lambda: self._plan_name,
        )

    @property
    def limits(self) -> ReportLimits:
        """What this client's reports start from, and what they learned so far."""
        return self._walker.limits

    def close(self) -> None:
        """Release the pooled connections."""
        self.transport.session.close()

    def __enter__(self) -> ClockifyClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- regular API ------------------------------------------------------------------------

    def workspace(self) -> WorkspaceInfo:
        reply = self._get(
            self.endpoints.api(), scope="WORKSPACE_READ", what="the workspace", op="workspace"
        )
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
            parsed = decode_detailed_page(
                reply.content, currency_fallback=currency, totals=page == 1
            )
            expected = expected_from_totals(parsed.totals) if page == 1 else None
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

        kind: RowKind[TimeEntry] = RowKind(fetch, totals_only, measure, "entries", on_rows)
        return self._walker.fetch(query.period, kind)

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
                expected = Expected(parsed.total, unlabelled=parsed.total_amount, durations=False)
            return Page(parsed.entries, parsed.count, expected)

        def measure(tally: Tally, expense: Expense) -> None:
            tally.add_expense(expense)

        kind: RowKind[Expense] = RowKind(fetch, None, measure, "expenses", on_rows)
        return self._walker.fetch(query.period, kind)

    def summary(self, query: ReportFilter, groups: Sequence[str]) -> ClockifySummary:
        """Clockify's own summary (1 to 3 `groups`) of a period that fits one request's range.

        One request, unchecked; `summary_checked` walks a longer period window by window and
        holds each window to Clockify's totals.
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

    def summary_checked(
        self,
        query: ReportFilter,
        groups: Sequence[str],
        *,
        on_window: Callable[[Expected], None] | None = None,
    ) -> CheckedSummary:
        """The period's summary, one request per range window plus one detailed totals page.

        Each window is held to the detailed report's totals and its groups must add up
        (`addon.clockify.summary_walk`); `SummaryUnverifiable` when one cannot be checked.
        """
        currency = self.currency()

        def fetch(window: DateRange) -> tuple[ClockifySummary, ReportTotals | None]:
            summary = self.summary(replace(query, period=window), groups)
            body = {
                **query.time_body(window),
                "detailedFilter": {"page": 1, "pageSize": 1, "options": {"totals": "CALCULATE"}},
            }
            reply = self._report("detailed", body, "the detailed report's totals")
            return summary, parse_detailed_totals(reply.body, currency_fallback=currency)

        return walk_summary(query.period, fetch, self._walker, on_window=on_window)

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
                operation="mark_invoiced",
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
        self, url: str, *, scope: str, what: str, op: str, params: dict[str, Any] | None = None
    ) -> Reply:
        return self.transport.call("GET", url, scope=scope, what=what, params=params, operation=op)

    def _report(self, kind: str, body: dict[str, Any], what: str) -> Reply:
        url = self.endpoints.report(kind)
        return self.transport.call(
            "POST", url, scope="REPORTS_READ", what=what, body=body, operation=_REPORT_OPS[kind]
        )

    def _listing(
        self,
        path: str,
        scope: str,
        what: str,
        parse: Callable[[object, str], T],
        params: dict[str, Any] | None = None,
    ) -> tuple[T, ...]:
        op = path.rsplit("/", 1)[-1]  # users, clients, projects, tasks, tags: the metrics label
        found: list[T] = []
        for page in range(1, _MAX_PAGES):
            query = {**(params or {}), "page": page, "page-size": LIST_PAGE_SIZE}
            reply = self._get(self.endpoints.api(path), scope=scope, what=what, op=op, params=query)
            if not isinstance(reply.body, list):
                raise ClockifyResponseError(f"{what}: expected an array.")
            found.extend(parse(row, f"{path}[{i}]") for i, row in enumerate(reply.body))
            last = reply.headers.get("Last-Page", "").strip().lower()
            if last == "true" or (last != "false" and len(reply.body) < LIST_PAGE_SIZE):
                return tuple(found)
        raise ClockifyResponseError(f"{what}: the listing never ended.")
