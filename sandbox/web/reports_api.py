"""Clockify's Reports API (`{reportsUrl}/v1/workspaces/<ws>/reports/...`), computed live.

::

    POST /v1/workspaces/<ws>/reports/detailed           TimeEntryDetailedReportDto
    POST /v1/workspaces/<ws>/reports/summary            TimeEntrySummaryReportDto
    POST /v1/workspaces/<ws>/reports/weekly             TimeEntryWeeklyReportDto
    POST /v1/workspaces/<ws>/reports/expenses/detailed  ExpenseDetailedReportDtoV1 (official)
    POST /v1/workspaces/<ws>/reports/expenses           the third-party guide's [S002] variant,
                                                        filters nested in `expenseFilter`

Mounted at `/reports` (global), `/regions/<region>/report` and `/subdomains/<subdomain>/report`,
mirroring `reports.api.clockify.me`, `<region>.clockify.me/report` and
`<subdomain>.clockify.me/report`. Every report needs the add-on's
`REPORTS_READ` scope. Bodies are checked by `sandbox/report_parse.py` (400 code 501), computed by
`sandbox/reports.py` and rendered by `sandbox/report_json.py` in the workspace's `ShapeMode`.
The detailed and expense `pageSize` cap is the workspace behaviour's `page_size_cap`, else
`app.config["REPORT_PAGE_SIZE_CAP"]` (1000 or 200); a larger size is refused, or with
`page_cap: clamp` silently served at the cap. A FREE workspace's range over 31 days is refused,
or with `free_range: partial` silently cut to its first 31 days (sandbox/behaviour.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from sandbox import expense_json, report_json, reports
from sandbox.report_parse import (
    parse_detailed,
    parse_expenses,
    parse_guide_expenses,
    parse_summary,
    parse_weekly,
)
from sandbox.shapes import ShapeMode
from sandbox.web import context
from sandbox.web.gate import install_gate, requires, workspace

__all__ = ["DEFAULT_PAGE_SIZE_CAP", "bp"]

DEFAULT_PAGE_SIZE_CAP = 1000
_NO_CAP = 1_000_000  # a clamped workspace takes any size, then serves its cap
bp = Blueprint("reports_api", __name__)
install_gate(bp, on_subdomains=True)
_REPORTS = "/v1/workspaces/<workspace_id>/reports"


@bp.post(f"{_REPORTS}/detailed")
@requires("REPORTS_READ")
def detailed(workspace_id: str) -> ResponseReturnValue:
    body, shape = _body(), _shape(workspace_id)
    with context().state.lock:
        ws = workspace()
        cap, clamp = _page_cap(workspace_id)
        query = parse_detailed(body, ws, cap, clamp_range=_clamps_range(workspace_id))
        if clamp is not None and query.page_size > clamp:
            query = replace(query, page_size=clamp)
        report = reports.detailed(ws, query, round_lines=shape.money == "int")
        behaviour = context().state.behaviour(workspace_id)
        return report_json.detailed_body(ws, report, query, shape, behaviour)


@bp.post(f"{_REPORTS}/summary")
@requires("REPORTS_READ")
def summary(workspace_id: str) -> ResponseReturnValue:
    body, shape = _body(), _shape(workspace_id)
    with context().state.lock:
        ws = workspace()
        query = parse_summary(body, ws, clamp_range=_clamps_range(workspace_id))
        behaviour = context().state.behaviour(workspace_id)
        report = reports.summary(
            ws,
            query,
            round_lines=shape.money == "int",
            work_only=behaviour.summary_types == "work",
        )
        return report_json.summary_body(
            ws, report, query, shape, by_currency=behaviour.group_amounts == "currency"
        )


@bp.post(f"{_REPORTS}/weekly")
@requires("REPORTS_READ")
def weekly(workspace_id: str) -> ResponseReturnValue:
    body, shape = _body(), _shape(workspace_id)
    with context().state.lock:
        ws = workspace()
        query = parse_weekly(body, ws)
        report = reports.weekly(ws, query, round_lines=shape.money == "int")
        return report_json.weekly_body(ws, report, query, shape)


@bp.post(f"{_REPORTS}/expenses/detailed")
@requires("REPORTS_READ")
def expenses_detailed(workspace_id: str) -> ResponseReturnValue:
    body, shape = _body(optional=True), _shape(workspace_id)
    with context().state.lock:
        ws = workspace()
        cap, clamp = _page_cap(workspace_id)
        query = parse_expenses(body, ws, cap, clamp_range=_clamps_range(workspace_id))
        if clamp is not None and query.page_size > clamp:
            query = replace(query, page_size=clamp)
        return expense_json.expenses_body(ws, reports.expenses(ws, query), shape)


@bp.post(f"{_REPORTS}/expenses")
@requires("REPORTS_READ")
def expenses_guide(workspace_id: str) -> ResponseReturnValue:
    body, shape = _body(), _shape(workspace_id)
    with context().state.lock:
        ws = workspace()
        cap, clamp = _page_cap(workspace_id)
        query = parse_guide_expenses(body, ws, cap, clamp_range=_clamps_range(workspace_id))
        if clamp is not None and query.page_size > clamp:
            query = replace(query, page_size=clamp)
        return expense_json.guide_expenses_body(ws, reports.expenses(ws, query), shape)


def _body(*, optional: bool = False) -> Any:
    """The JSON body; unparsable JSON is answered like any invalid body (400 code 501)."""
    if optional and not request.get_data():
        return None
    return request.get_json(force=True, silent=True)


def _shape(workspace_id: str) -> ShapeMode:
    return context().state.shape(workspace_id)


def _page_cap(workspace_id: str) -> tuple[int, int | None]:
    """(the largest `pageSize` accepted, the size a larger one is silently served at or None)."""
    found = context().state.behaviour(workspace_id)
    cap: int = (
        found.page_size_cap
        or current_app.config.get("REPORT_PAGE_SIZE_CAP")
        or DEFAULT_PAGE_SIZE_CAP
    )
    if found.page_cap == "clamp":
        return _NO_CAP, cap
    return cap, None


def _clamps_range(workspace_id: str) -> bool:
    return context().state.behaviour(workspace_id).free_range == "partial"
